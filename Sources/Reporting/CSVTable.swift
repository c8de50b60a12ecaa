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
        var out = header.map(Self.quoted).joined(separator: ",") + "\n"
        for row in rows { out += row.map(Self.quoted).joined(separator: ",") + "\n" }
        return out
    }

    /// RFC 4180: a field containing a comma, quote or line break is quoted, quotes doubled.
    static func quoted(_ field: String) -> String {
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
