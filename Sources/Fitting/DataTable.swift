import TextIO

/// Why a data table could not be read: the located error of every CSV reader, one line
/// naming the file, line and column, e.g. `data.csv:4:1: x must be a number, got 'abc'`.
public typealias DataTableError = LocatedError

/// A table of numeric columns read from CSV: a header row naming the columns, then one row
/// per observation.
///
/// The file is read by TextIO's ``CSVDocument`` (RFC 4180 quoting, any line ends, a UTF-8
/// byte-order mark, blank lines and spaces around values, trailing empty fields left by
/// spreadsheets). Every value must be a finite number, or, in a column whose first value is
/// a date, a date: `YYYY-MM-DD` or `YYYY-MM` (the month's last day), read as decimal years the
/// way scenarios place dates on the time axis (``CalendarDate/decimalYear``, the end of the
/// day: 2024-06-30 is 2024.4945…, 2025-12-31 and 2025-12 are 2026.0). Errors are
/// ``LocatedError``s, `data.csv:3:3: y must be a number, got 'abc'`.
public struct DataTable: Sendable {
    /// How the table is named in messages: the file name or path as given, or "the data".
    public let name: String
    public let columnNames: [String]
    /// The columns read from dates, as decimal years, in header order.
    public let dateColumns: [String]
    public let rowCount: Int
    private let columns: [[Double]]
    private let columnIndex: [String: Int]
    /// The 1-based source line of each row, when read from text.
    let rowLineNumbers: [Int]?

    /// The values of column `name`, or nil if there is no such column.
    public func column(_ name: String) -> [Double]? {
        columnIndex[name].map { columns[$0] }
    }

    /// A table from in-memory columns; `order` lists the column names. All columns must have
    /// the same length and `order` must name each exactly once.
    public init(columns: [String: [Double]], order: [String], name: String = "the data") {
        precondition(Set(order).count == order.count, "duplicate column names in \(order)")
        precondition(Set(order) == Set(columns.keys), "order \(order) does not match the columns given")
        let rows = order.first.map { columns[$0]!.count } ?? 0
        precondition(order.allSatisfy { columns[$0]!.count == rows }, "columns of unequal length")
        self.name = name
        self.columnNames = order
        self.rowCount = rows
        self.columns = order.map { columns[$0]! }
        var index: [String: Int] = [:]
        for (k, column) in order.enumerated() { index[column] = k }
        self.columnIndex = index
        self.rowLineNumbers = nil
        self.dateColumns = []
    }

    /// A cell's date: `YYYY-MM-DD`, or `YYYY-MM` for the last day of that month.
    public static func date(_ text: String) -> CalendarDate? {
        CalendarDate(iso: text) ?? CalendarDate(isoMonth: text)
    }

    /// Reads a CSV file. Messages name the file by `path` as given.
    public init(contentsOfFile path: String) throws(DataTableError) {
        try self.init(try CSVDocument(contentsOfFile: path, exampleHeader: "x,y"))
    }

    /// Parses CSV text; `fileName` is used in error messages.
    public init(csvContents: String, fileName: String) throws(DataTableError) {
        try self.init(try CSVDocument(text: csvContents, file: fileName, exampleHeader: "x,y"))
    }

    private init(_ csv: CSVDocument) throws(DataTableError) {
        let header = csv.header
        if header.fields.allSatisfy({ Double($0.text) != nil }) {
            throw csv.error(at: header[0], "the first row must name the columns, but it holds numbers "
                + "(\(PrintableText.quoted(header[0].text)), …); add a header row such as 'x,y'")
        }
        var index: [String: Int] = [:]
        for (k, field) in header.fields.enumerated() {
            if field.text.isEmpty { throw csv.error(at: field, "column \(k + 1) of the header has no name") }
            if let first = index[field.text] {
                throw csv.error(at: field, "column name \(PrintableText.quoted(field.text)) is used twice (columns \(first + 1) and \(k + 1))")
            }
            index[field.text] = k
        }
        try csv.requireRows()
        let names = header.texts
        var columns = [[Double]](repeating: [], count: header.count)
        // A column whose first value is a date holds dates (its first date, for messages).
        let firstDates: [String?] = csv.rows.first.map { first in
            first.fields.map { Self.date($0.text) != nil ? $0.text : nil }
        } ?? []
        for row in csv.rows {
            for (k, field) in row.fields.enumerated() {
                if let first = firstDates[k] {
                    guard let date = Self.date(field.text) else {
                        throw csv.error(at: field, "\(PrintableText.quoted(field.text)) is not a date (YYYY-MM-DD or YYYY-MM), "
                            + "but column '\(PrintableText.cut(names[k]))' starts with the date '\(first)'")
                    }
                    columns[k].append(date.decimalYear)
                } else {
                    do { columns[k].append(try csv.number(field, column: names[k])) } catch {
                        guard Self.date(field.text) != nil else { throw error }
                        throw LocatedError(error.location, error.message + " (a column is read as dates only when its first value is a date)")
                    }
                }
            }
        }
        self.name = csv.file
        self.columnNames = names
        self.rowCount = csv.rows.count
        self.columns = columns
        self.columnIndex = index
        self.rowLineNumbers = csv.rows.map(\.line)
        self.dateColumns = zip(names, firstDates).compactMap { $1 == nil ? nil : $0 }
    }
}
