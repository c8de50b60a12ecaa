/// A CSV input file with a header row naming its columns: what each of Uptake's readers (a
/// data table, a scenario's `data:` file, forecast and actuals files) maps its columns from.
///
/// ```swift
/// let csv = try CSVDocument(contentsOfFile: "bad.csv", exampleHeader: "period,value")
/// for row in csv.rows {
///     let value = try csv.number(row[1], column: "value")
///     // bad.csv:3:6: value must be a number, got 'abc'
/// }
/// ```
///
/// Reading checks what every reader needs, with errors at `file:line:column` (see
/// ``LocatedError``): a header row (an empty file says which header is expected; a header that
/// is one field holding `;` or tabs says the file is not comma-separated), and rows as wide as
/// the header. Empty unquoted fields after the last column, which spreadsheets leave, are
/// dropped from the header and the rows. The file is read leniently (``CSVReader``).
public struct CSVDocument: Sendable {
    /// The file as named in messages.
    public let file: String
    public let header: CSVRecord
    /// The data records, each with one field per column.
    public let rows: [CSVRecord]

    /// `exampleHeader` is what an empty file is told to start with, e.g. `date,value`.
    public init(contentsOfFile path: String, exampleHeader: String) throws(LocatedError) {
        try self.init(bytes: try TextFile.bytes(atPath: path), file: path, exampleHeader: exampleHeader)
    }

    /// The bytes of a file (UTF-8, else Latin-1: see ``TextFile/utf8(_:file:)``).
    public init(bytes: [UInt8], file: String, exampleHeader: String) throws(LocatedError) {
        let utf8 = try TextFile.utf8(bytes, file: file)
        try self.init(records: try CSVReader.records(in: utf8, file: file), file: file, exampleHeader: exampleHeader)
    }

    public init(text: String, file: String, exampleHeader: String) throws(LocatedError) {
        try self.init(records: try CSVReader.records(in: text, file: file), file: file, exampleHeader: exampleHeader)
    }

    private init(records: [CSVRecord], file: String, exampleHeader: String) throws(LocatedError) {
        guard var header = records.first else {
            throw LocatedError(file: file, message: "the file is empty; expected a header row such as '\(exampleHeader)'")
        }
        header.dropPadding(beyond: 1)
        if let error = CSVDialectHint.headerError(header, rows: records.dropFirst(), file: file) { throw error }
        var rows: [CSVRecord] = []
        rows.reserveCapacity(records.count - 1)
        for var record in records.dropFirst() {
            record.dropPadding(beyond: header.count)
            if record.count != header.count {
                let s = record.count == 1 ? "" : "s", t = header.count == 1 ? "" : "s"
                var message = "\(record.count) value\(s) but the header names \(header.count) column\(t)"
                // Too many: point at the first value too many; too few: at the last one there is.
                let place = record.count > header.count ? record[header.count] : record[record.count - 1]
                if record.count > header.count, let hint = CSVDialectHint.extraFields(record) { message += "; " + hint }
                throw LocatedError(SourceLocation(file: file, line: place.line, column: place.column), message)
            }
            rows.append(record)
        }
        self.file = file
        self.header = header
        self.rows = rows
    }

    public var columnNames: [String] { header.texts }

    /// The position of the column named exactly `name`, if there is one.
    public func index(ofColumn name: String) -> Int? { header.fields.firstIndex { $0.text == name } }

    public func location(of field: CSVField) -> SourceLocation {
        SourceLocation(file: file, line: field.line, column: field.column)
    }

    public func error(at field: CSVField, _ message: String) -> LocatedError { LocatedError(location(of: field), message) }

    /// Throws unless there is at least one data row.
    public func requireRows() throws(LocatedError) {
        guard rows.isEmpty else { return }
        throw error(at: header[0], "the file has a header row but no data rows")
    }

    /// The number in `field` of the column `column` (named in the message): a finite decimal
    /// such as `12.5`, `-3` or `1e-4`, with spaces around it allowed. Empty, not a number, or
    /// infinite/NaN are errors at the field, with a hint when the text shows why (a decimal
    /// comma, a semicolon- or tab-separated file).
    public func number(_ field: CSVField, column: String) throws(LocatedError) -> Double {
        let column = PrintableText.cut(column)
        let text = Self.trimmed(field.text)
        guard !text.isEmpty else { throw error(at: field, "\(column) is empty; expected a number") }
        guard let x = Double(text) else {
            var message = "\(column) must be a number, got \(PrintableText.quoted(field.text))"
            if let hint = CSVDialectHint.number(String(text)) { message += "; " + hint }
            throw error(at: field, message)
        }
        guard x.isFinite else {
            throw error(at: field, "\(column) must be a finite number, got \(PrintableText.quoted(field.text))")
        }
        return x
    }

    /// `text` without spaces and tabs at either end, found from both ends (linear).
    static func trimmed(_ text: String) -> Substring {
        let isBlank = { (c: Character) in c == " " || c == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return text[first...last]
    }
}

extension CSVRecord {
    /// Drops empty unquoted fields from the end while the record has more than `width`.
    mutating func dropPadding(beyond width: Int) {
        while fields.count > width, fields[fields.count - 1].isPadding { fields.removeLast() }
    }
}
