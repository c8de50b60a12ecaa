import Foundation

/// A CSV document as the output contract defines it (DESIGN.md, "Outputs"): UTF-8, a header
/// row, RFC 4180 quoting, `.` decimals, an empty field for a missing value.
public struct CSVTable: Sendable {
    public let header: [String]
    /// The document so far: rows are written as they are appended, not kept as fields.
    private var body = ""
    public private(set) var rowCount = 0

    public init(header: [String]) {
        self.header = header
        Self.appendRow(header, to: &body)
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "a CSV row must have one field per column")
        Self.appendRow(row, to: &body)
        rowCount += 1
    }

    /// A row given as shared leading fields and the row's own: no array is built for it.
    public mutating func append(_ prefix: [String], _ fields: String...) {
        precondition(prefix.count + fields.count == header.count, "a CSV row must have one field per column")
        var first = true
        for field in prefix {
            if !first { body.append(",") }
            body.append(Self.quoted(field))
            first = false
        }
        for field in fields {
            if !first { body.append(",") }
            body.append(Self.quoted(field))
            first = false
        }
        body.append("\n")
        rowCount += 1
    }

    /// The document with LF line ends (RFC 4180 allows readers to accept them, and every
    /// CSV reader does), which keeps diffs of committed results readable.
    public var text: String { body }

    private static func appendRow(_ row: [String], to out: inout String) {
        for (i, field) in row.enumerated() {
            if i > 0 { out.append(",") }
            out.append(quoted(field))
        }
        out.append("\n")
    }

    /// RFC 4180: a field containing a comma, quote or line break is quoted, quotes doubled.
    static func quoted(_ field: String) -> String {
        // Fast path: a Character equal to one of these four contains its byte, so a field
        // without any of the bytes needs no quoting (the Character test below decides otherwise).
        if !field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) { return field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The significant digits an output number keeps (DESIGN.md, "Outputs": Monte Carlo
    /// results are not meaningful beyond them, and rounding keeps re-runs byte-identical).
    public static let significantDigits = 10

    /// A number rounded to ``significantDigits`` significant digits, written as the shortest
    /// decimal that reads back as that rounded value (`0.1`, `2023.42`, `1e-05`,
    /// `0.004975337576`, `100.0` for 99.9999999999998); empty when not finite.
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        return "\(rounded(x))"
    }

    /// x to ``significantDigits`` significant digits: m·10^k with m an integer of at most ten
    /// digits, computed as m/10^−k or m·10^k with the power of ten exact (10^j, j ≤ 22), so
    /// the result is the double nearest that decimal and prints as it. Where x·10^−k is within
    /// its own rounding error of a tie (…5 in the eleventh digit), and for exponents beyond the
    /// exact powers, the correctly rounded `%.9e` decides; a result that would round past the
    /// largest double keeps x.
    public static func rounded(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let exponent = Int((log10(abs(x))).rounded(.down))
        let shift = significantDigits - 1 - exponent          // x·10^shift has ten integer digits
        guard abs(shift) <= 22 else { return correctlyRounded(x) }
        let power = powersOfTen[abs(shift)]
        let scaled = shift >= 0 ? x * power : x / power
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        if abs(fraction - 0.5) < 16 * scaled.ulp { return correctlyRounded(x) }
        return shift >= 0 ? scaled.rounded() / power : scaled.rounded() * power
    }

    private static func correctlyRounded(_ x: Double) -> Double {
        let value = Double(String(format: "%.\(significantDigits - 1)e", x)) ?? x
        return value.isFinite ? value : x
    }

    private static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }
}
