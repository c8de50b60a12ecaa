/// A CSV document as the output contract defines it (DESIGN.md, "Outputs"): UTF-8, a header
/// row, RFC 4180 quoting, `.` decimals, an empty field for a missing value, LF line ends
/// (RFC 4180 allows readers to accept them, and every CSV reader does), which keeps diffs of
/// committed results readable.
///
/// Rows are written as they come, into a ``TextBuffer``: either whole (`append([...])`) or
/// field by field, numbers included, with no `String` per field:
///
/// ```swift
/// var table = CSVTable(header: ["place", "value"])
/// table.field("Vung Tau, Ba Ria"); table.field(number: 0.25); table.endRow()
/// // table.text == "place,value\n\"Vung Tau, Ba Ria\",0.25\n"
/// ```
public struct CSVTable: Sendable {
    public let header: [String]
    /// The document so far.
    public private(set) var document: TextBuffer
    public private(set) var rowCount = 0
    /// Fields written to the row in progress.
    private var fieldsInRow = 0

    /// A table whose text goes into `buffer`'s storage (emptied first; pass a buffer you
    /// ``TextBuffer/take()`` from to reuse its capacity without a copy).
    public init(header: [String], reusing buffer: TextBuffer = TextBuffer()) {
        self.header = header
        document = buffer
        document.removeAll()
        for field in header { self.field(field) }
        endRow(isHeader: true)
    }

    /// The document as a `String` (stdout, tests); files take ``document``.
    public var text: String { document.text }

    public mutating func append(_ row: [String]) {
        precondition(fieldsInRow == 0, "a whole row inside a row in progress")
        for field in row { self.field(field) }
        endRow()
    }

    /// The next field of the current row, quoted if it needs to be.
    public mutating func field(_ text: String) {
        separate()
        document.append(csvField: text)
    }

    /// A number as ``OutputNumber`` writes it; empty when nil or not finite.
    public mutating func field(number: Double?) {
        separate()
        document.append(number: number)
    }

    public mutating func field(integer: Int) {
        separate()
        document.append(integer: integer)
    }

    /// Fields written once and repeated on many rows (a forecast row's scenario, target, date…).
    public mutating func fields(_ fields: Fields) {
        guard fields.count > 0 else { return }
        separate()
        document.append(contentsOf: fields.text)
        fieldsInRow += fields.count - 1
    }

    public mutating func endRow() { endRow(isHeader: false) }

    private mutating func endRow(isHeader: Bool) {
        precondition(fieldsInRow == header.count, "a CSV row must have one field per column")
        document.append(byte: UInt8(ascii: "\n"))
        fieldsInRow = 0
        if !isHeader { rowCount += 1 }
    }

    @inline(__always)
    private mutating func separate() {
        if fieldsInRow > 0 { document.append(byte: UInt8(ascii: ",")) }
        fieldsInRow += 1
    }

    /// A run of consecutive fields, quoted and comma-separated once, for rows that share them.
    public struct Fields: Sendable {
        public private(set) var text = TextBuffer()
        public private(set) var count = 0

        public init() {}

        public mutating func field(_ value: String) {
            separate()
            text.append(csvField: value)
        }

        public mutating func field(number: Double?) {
            separate()
            text.append(number: number)
        }

        public mutating func field(integer: Int) {
            separate()
            text.append(integer: integer)
        }

        private mutating func separate() {
            if count > 0 { text.append(byte: UInt8(ascii: ",")) }
            count += 1
        }
    }

    /// RFC 4180: a field containing a comma, quote or line break is quoted, quotes doubled.
    static func quoted(_ field: String) -> String {
        var text = TextBuffer()
        text.append(csvField: field)
        return text.text
    }

    /// See ``OutputNumber/significantDigits``.
    public static let significantDigits = OutputNumber.significantDigits

    /// See ``OutputNumber/string(_:)``.
    public static func number(_ x: Double?) -> String { OutputNumber.string(x) }

    /// See ``OutputNumber/rounded(_:)``.
    public static func rounded(_ x: Double) -> Double { OutputNumber.rounded(x) }
}

extension TextBuffer {
    /// A CSV field (RFC 4180): quoted, with quotes doubled, when its bytes hold a comma, a
    /// quote, CR or LF (none of these bytes occurs inside another UTF-8 character).
    public mutating func append(csvField field: String) {
        var needsQuotes = false
        for byte in field.utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { append(field); return }
        append(byte: 0x22)
        for byte in field.utf8 {
            append(byte: byte)
            if byte == 0x22 { append(byte: 0x22) }
        }
        append(byte: 0x22)
    }
}
