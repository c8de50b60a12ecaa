/// The one CSV reader of Uptake (RFC 4180): records of fields, each field with the line and
/// column where it starts.
///
/// ```swift
/// let records = try CSVReader.records(in: "place,value\n\"Vung Tau, Ba Ria\",168\n", file: "d.csv")
/// records[1][0].text     // "Vung Tau, Ba Ria"
/// records[1][1].column   // 20
/// ```
///
/// Both readings accept:
/// - commas between fields; a field in double quotes may hold commas, line breaks and
///   quotes written twice (`"say ""hi"""`);
/// - CRLF, LF or CR-only line ends (old Mac exports), mixed; a missing final line end;
/// - a UTF-8 byte-order mark at the start (skipped, and not counted as a column).
///
/// The lenient reading (the default, for files people write) also drops spaces and tabs
/// around a field and between a closing quote and the next comma, and skips blank lines. The
/// strict reading (``Mode/strict``) is RFC 4180 as written, for checking what Uptake itself
/// wrote: every character belongs to a field, and a blank line is a record with one empty field.
///
/// Rejected, with a ``LocatedError`` at the place: a quote inside an unquoted field, text
/// after a closing quote, a quoted field never closed.
///
/// Time and memory are linear in the text: each byte is looked at a bounded number of times
/// (a long quoted value with spaces around it, or a line of many fields, costs no more).
public enum CSVReader {
    public enum Mode: Sendable {
        case lenient, strict
    }

    public static func records(in text: String, file: String, mode: Mode = .lenient) throws(LocatedError) -> [CSVRecord] {
        try records(in: Array(text.utf8), file: file, mode: mode)
    }

    /// `bytes` are UTF-8 (``TextFile/utf8(_:file:)`` decodes other files first); a malformed
    /// sequence reads as U+FFFD.
    public static func records(in bytes: [UInt8], file: String, mode: Mode = .lenient) throws(LocatedError) -> [CSVRecord] {
        var scanner = CSVScanner(bytes: bytes, file: file, strict: mode == .strict)
        return try scanner.records()
    }
}

/// The state of one pass over the bytes.
private struct CSVScanner {
    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                       lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    let bytes: [UInt8]
    let file: String
    let strict: Bool
    /// The next byte to read.
    private var position = 0
    private var line = 1
    /// A byte on the current line whose column is known: columns are counted forward from
    /// it, so finding the column of each field of a long line stays linear.
    private var markByte = 0
    private var markColumn = 1
    /// A quoted value's bytes, reused from field to field.
    private var scratch: [UInt8] = []

    init(bytes: [UInt8], file: String, strict: Bool) {
        self.bytes = bytes
        self.file = file
        self.strict = strict
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; markByte = 3 }
    }

    mutating func records() throws(LocatedError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        while position < bytes.count {
            var fields: [CSVField] = []
            while true {
                fields.append(try field())
                guard position < bytes.count, bytes[position] == Self.comma else { break }
                position += 1
            }
            if position < bytes.count { skipLineBreak() }
            if !strict && fields.count == 1 && fields[0].isPadding { continue }   // a blank line
            records.append(CSVRecord(fields: fields))
        }
        return records
    }

    /// The field at `position`, which is left at the comma, line break or end after it.
    private mutating func field() throws(LocatedError) -> CSVField {
        // An empty field is placed where it begins, a value where its text does.
        let blankColumn = column(at: position)
        if !strict { skipBlanks() }
        let start = position, startLine = line, startColumn = column(at: position)
        guard position < bytes.count, bytes[position] == Self.quote else {
            while position < bytes.count, !isFieldEnd(bytes[position]) {
                if bytes[position] == Self.quote {
                    throw error(at: position, "a quote (\") inside a value that does not start with one; put the whole value "
                        + "in quotes and write the quote twice, e.g. \"say \"\"hi\"\"\"")
                }
                position += 1
            }
            var end = position
            if !strict { while end > start, isBlank(bytes[end - 1]) { end -= 1 } }
            return CSVField(text: String(decoding: bytes[start..<end], as: UTF8.self), line: startLine,
                            column: end == start ? blankColumn : startColumn)
        }
        position += 1
        scratch.removeAll(keepingCapacity: true)
        var segment = position
        while true {
            guard position < bytes.count else {
                throw LocatedError(SourceLocation(file: file, line: startLine, column: startColumn),
                                   "a quoted value is not closed (missing '\"')")
            }
            switch bytes[position] {
            case Self.quote:
                scratch.append(contentsOf: bytes[segment..<position])
                position += 1
                guard position < bytes.count, bytes[position] == Self.quote else {
                    let text = String(decoding: scratch, as: UTF8.self)
                    if !strict { skipBlanks() }
                    if position < bytes.count, !isFieldEnd(bytes[position]) {
                        throw error(at: position, "text after the closing quote of a value; a quoted value ends at its "
                            + "closing quote, followed by ',' or the end of the line (a quote inside it is written twice)")
                    }
                    return CSVField(text: text, line: startLine, column: startColumn, isQuoted: true)
                }
                scratch.append(Self.quote)
                position += 1
                segment = position
            case Self.lineFeed, Self.carriageReturn:
                // Part of the value, and still a new line for the places of what follows.
                skipLineBreak()
            default:
                position += 1
            }
        }
    }

    /// Past one CRLF, LF or CR at `position`.
    private mutating func skipLineBreak() {
        let first = bytes[position]
        position += 1
        if first == Self.carriageReturn, position < bytes.count, bytes[position] == Self.lineFeed { position += 1 }
        line += 1
        markByte = position
        markColumn = 1
    }

    private mutating func skipBlanks() {
        while position < bytes.count, isBlank(bytes[position]) { position += 1 }
    }

    /// The 1-based column of the byte at `target` (on the current line, at or after the mark):
    /// the characters before it, counted as UTF-8 lead bytes.
    private mutating func column(at target: Int) -> Int {
        var column = markColumn
        for byte in bytes[markByte..<target] where byte & 0xC0 != 0x80 { column += 1 }
        markByte = target
        markColumn = column
        return column
    }

    private mutating func error(at target: Int, _ message: String) -> LocatedError {
        LocatedError(SourceLocation(file: file, line: line, column: column(at: target)), message)
    }

    private func isFieldEnd(_ byte: UInt8) -> Bool {
        byte == Self.comma || byte == Self.lineFeed || byte == Self.carriageReturn
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
