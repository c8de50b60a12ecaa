/// A CSV document as the output contract defines it (DESIGN.md, "Outputs"): UTF-8, a header
/// row, RFC 4180 quoting, `.` decimals, an empty field for a missing value.
public struct CSVTable: Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "a CSV row must have one field per column")
        rows.append(row)
    }

    /// The document with LF line ends (RFC 4180 allows readers to accept them, and every
    /// CSV reader does), which keeps diffs of committed results readable.
    public var text: String {
        var size = 0
        for field in header { size += field.utf8.count + 1 }
        for row in rows { for field in row { size += field.utf8.count + 1 } }
        var out = ""
        out.reserveCapacity(size + size / 16)
        Self.appendRow(header, to: &out)
        for row in rows { Self.appendRow(row, to: &out) }
        return out
    }

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

    /// A number as its shortest round-trip decimal (`0.1`, `2023.42`, `1e-05`); empty when
    /// not finite.
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        return "\(x)"
    }
}
