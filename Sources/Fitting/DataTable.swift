import Foundation

/// Why a data table could not be read. Every message is one line naming the file (and the
/// line and column where that applies), e.g. `data.csv, line 4, column 'x': 'abc' is not a number`.
public enum DataTableError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    /// No header row: the file is empty or blank.
    case empty(file: String)
    /// The first row consists of numbers, so it cannot name the columns.
    case missingHeader(file: String, line: Int, firstValue: String)
    /// A header cell is blank (`position` is 1-based).
    case unnamedColumn(file: String, line: Int, position: Int)
    case duplicateColumn(file: String, line: Int, name: String, firstPosition: Int, secondPosition: Int)
    /// A header but no data rows.
    case noRows(file: String)
    /// A row with a different number of values than the header has names.
    case raggedRow(file: String, line: Int, found: Int, expected: Int)
    case missingValue(file: String, line: Int, column: String)
    case notANumber(file: String, line: Int, column: String, value: String)
    case notFinite(file: String, line: Int, column: String, value: String)
    /// A value that is not a date in a column whose first value is one.
    case notADate(file: String, line: Int, column: String, value: String, first: String)
    case unterminatedQuote(file: String, line: Int)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))"
        case .empty(let file):
            return "\(file) is empty (expected a header row naming the columns, e.g. 'x,y')"
        case .missingHeader(let file, let line, let value):
            return "\(file), line \(line): the first row must name the columns, but it holds numbers ('\(value)', …); add a header row such as 'x,y'"
        case .unnamedColumn(let file, let line, let position):
            return "\(file), line \(line): column \(position) of the header has no name"
        case .duplicateColumn(let file, let line, let name, let first, let second):
            return "\(file), line \(line): column name '\(name)' is used twice (columns \(first) and \(second))"
        case .noRows(let file):
            return "\(file) has a header but no data rows"
        case .raggedRow(let file, let line, let found, let expected):
            return "\(file), line \(line): \(found) value\(found == 1 ? "" : "s") but the header names \(expected) column\(expected == 1 ? "" : "s")"
        case .missingValue(let file, let line, let column):
            return "\(file), line \(line), column '\(column)': the value is missing (empty cells are not supported)"
        case .notANumber(let file, let line, let column, let value):
            var hint = value.contains(";") || value.contains("\t") ? " (values must be separated by commas)" : ""
            if DataTable.date(value) != nil { hint = " (a column is read as dates only when its first value is a date)" }
            return "\(file), line \(line), column '\(column)': '\(value)' is not a number\(hint)"
        case .notFinite(let file, let line, let column, let value):
            return "\(file), line \(line), column '\(column)': '\(value)' is not a finite number"
        case .notADate(let file, let line, let column, let value, let first):
            return "\(file), line \(line), column '\(column)': '\(value)' is not a date (YYYY-MM-DD or YYYY-MM), "
                + "but the column starts with the date '\(first)'"
        case .unterminatedQuote(let file, let line):
            return "\(file), line \(line): a quoted value is not closed (missing '\"')"
        }
    }
}

/// A table of numeric columns read from CSV: a header row naming the columns, then one row
/// per observation.
///
/// Accepted: comma separators, CRLF or LF line ends, a UTF-8 byte-order mark, blank lines
/// (skipped), spaces around values, simple double-quoted fields (`"x"`, `""` for a quote),
/// trailing empty fields left by spreadsheets (`x,y,` / `1,2,`). Every value must be a finite
/// number, or, in a column whose first value is a date, a date: `YYYY-MM-DD` or `YYYY-MM`
/// (the month's last day), read as decimal years the way scenarios place dates on the time
/// axis (``CalendarDate/decimalYear``, the end of the day: 2024-06-30 is 2024.4945…,
/// 2025-12-31 and 2025-12 are 2026.0).
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
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "it is a directory") }
        guard let data = manager.contents(atPath: path) else {
            throw .unreadable(path: path, reason: manager.isReadableFile(atPath: path) ? "read error" : "permission denied")
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw .unreadable(path: path, reason: "it looks like a spreadsheet workbook; save it as CSV")
        }
        if data.contains(0) { throw .unreadable(path: path, reason: "it is not a text file") }
        // UTF-8 normally; fall back to Latin-1 so that legacy spreadsheet exports still load.
        let text = String(data: data, encoding: .utf8)
            ?? String(data: data, encoding: .isoLatin1)
            ?? String(decoding: data, as: UTF8.self)
        try self.init(csvContents: text, fileName: path)
    }

    /// Parses CSV text; `fileName` is used in error messages.
    public init(csvContents: String, fileName: String) throws(DataTableError) {
        var bytes = Array(csvContents.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }

        // Split into non-blank lines, remembering their 1-based line numbers.
        var lines: [(number: Int, range: Range<Int>)] = []
        var lineNumber = 1
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            let blank = bytes[start..<end].allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !blank { lines.append((lineNumber, start..<end)) }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                flush(i)
                i += (b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) ? 2 : 1
                start = i
                lineNumber += 1
            } else {
                i += 1
            }
        }
        flush(bytes.count)

        guard let headerLine = lines.first else { throw .empty(file: fileName) }
        var header = try Self.fields(bytes, headerLine.range, file: fileName, line: headerLine.number)
        while header.count > 1, header.last == "" { header.removeLast() }
        if header.allSatisfy({ Double($0) != nil }) {
            throw .missingHeader(file: fileName, line: headerLine.number, firstValue: header[0])
        }
        var index: [String: Int] = [:]
        for (k, name) in header.enumerated() {
            if name.isEmpty { throw .unnamedColumn(file: fileName, line: headerLine.number, position: k + 1) }
            if let first = index[name] {
                throw .duplicateColumn(
                    file: fileName, line: headerLine.number, name: name,
                    firstPosition: first + 1, secondPosition: k + 1)
            }
            index[name] = k
        }

        var columns = [[Double]](repeating: [], count: header.count)
        // Decided by each column's first value: the first date of a date column.
        var firstDates = [String?](repeating: nil, count: header.count)
        var rowLines: [Int] = []
        for line in lines.dropFirst() {
            var values = try Self.fields(bytes, line.range, file: fileName, line: line.number)
            // Spreadsheets pad rows with empty trailing fields; drop those beyond the header.
            while values.count > header.count, values.last == "" { values.removeLast() }
            guard values.count == header.count else {
                throw .raggedRow(file: fileName, line: line.number, found: values.count, expected: header.count)
            }
            for (k, value) in values.enumerated() {
                if value.isEmpty { throw .missingValue(file: fileName, line: line.number, column: header[k]) }
                if rowLines.isEmpty, Self.date(value) != nil { firstDates[k] = value }
                if let first = firstDates[k] {
                    guard let date = Self.date(value) else {
                        throw .notADate(file: fileName, line: line.number, column: header[k], value: value, first: first)
                    }
                    columns[k].append(date.decimalYear)
                    continue
                }
                guard let x = Double(value) else {
                    throw .notANumber(file: fileName, line: line.number, column: header[k], value: value)
                }
                guard x.isFinite else {
                    throw .notFinite(file: fileName, line: line.number, column: header[k], value: value)
                }
                columns[k].append(x)
            }
            rowLines.append(line.number)
        }
        guard !rowLines.isEmpty else { throw .noRows(file: fileName) }

        self.name = fileName
        self.columnNames = header
        self.rowCount = rowLines.count
        self.columns = columns
        self.columnIndex = index
        self.rowLineNumbers = rowLines
        self.dateColumns = zip(header, firstDates).compactMap { $1 == nil ? nil : $0 }
    }

    /// Splits one line into trimmed fields, unquoting `"…"` fields (`""` is a literal quote).
    private static func fields(_ bytes: [UInt8], _ range: Range<Int>, file: String, line: Int) throws(DataTableError) -> [String] {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var fields: [String] = []
        var i = range.lowerBound
        let end = range.upperBound
        while true {
            while i < end, isBlank(bytes[i]) { i += 1 }
            var field: [UInt8] = []
            if i < end, bytes[i] == quote {
                i += 1
                while true {
                    guard i < end else { throw .unterminatedQuote(file: file, line: line) }
                    if bytes[i] == quote {
                        if i + 1 < end, bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                        } else {
                            i += 1
                            break
                        }
                    } else {
                        field.append(bytes[i])
                        i += 1
                    }
                }
                // Anything between the closing quote and the next comma is kept as-is.
                while i < end, bytes[i] != comma {
                    field.append(bytes[i])
                    i += 1
                }
            } else {
                while i < end, bytes[i] != comma {
                    field.append(bytes[i])
                    i += 1
                }
            }
            while let last = field.last, isBlank(last) { field.removeLast() }
            while let first = field.first, isBlank(first) { field.removeFirst() }
            fields.append(String(decoding: field, as: UTF8.self))
            guard i < end else { break }
            i += 1   // past the comma; a trailing comma yields one more empty field
        }
        return fields
    }
}
