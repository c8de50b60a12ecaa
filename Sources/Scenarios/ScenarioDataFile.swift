import Fitting

/// An observation with where each of its fields was written, so that checks made after
/// reading (order, sign, unit) can point at the right line of the scenario or of its CSV.
struct LocatedObservation {
    var observation: ScenarioObservation
    /// `observations[2]` in a scenario file; empty in a CSV (the line says where).
    var name: String
    var date: SourceLocation
    var value: SourceLocation
    var of: SourceLocation?

    func field(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }
}

/// The `data:` CSV of a scenario (DESIGN.md): a header row, then one row per observation.
///
/// Columns: `date` (ISO `YYYY-MM-DD`) or `period` (a year `YYYY`, read as YYYY-12-31), and
/// `value`; optionally `of` (the whole, may be empty) and `note`. Accepted: LF or CRLF line
/// ends, a UTF-8 byte-order mark, blank lines, spaces around values, RFC 4180 double quotes
/// within a line. Every error names the CSV file, its line and the column where the cell starts.
enum ScenarioDataFile {
    static let columns = ["date", "period", "value", "of", "note"]

    static func read(bytes: [UInt8], file: String) throws -> [LocatedObservation] {
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw ScenarioError(file: file, line: 1, column: 1, message: "the data file is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var header: [(name: String, column: Int)]?
        var rows: [LocatedObservation] = []
        var lineNumber = 0, headerLine = 1
        // "\r\n" is one Character in Swift, so split on both line ends.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var cells = try split(line, file: file, line: lineNumber)
            // Spreadsheets leave empty cells past the last column.
            let width = header?.count ?? 1
            while let last = cells.last, last.text.isEmpty, cells.count > width { cells.removeLast() }
            guard let names = header else {
                header = try readHeader(cells, file: file, line: lineNumber)
                headerLine = lineNumber
                continue
            }
            rows.append(try readRow(cells, header: names, file: file, line: lineNumber))
        }
        guard header != nil else {
            throw ScenarioError(file: file, line: 1, column: 1,
                                message: "the data file is empty; expected a header row such as 'date,value' or 'period,value'")
        }
        guard !rows.isEmpty else {
            throw ScenarioError(file: file, line: headerLine, column: 1, message: "the data file has a header but no rows")
        }
        return rows
    }

    private static func readHeader(_ cells: [(text: String, column: Int)], file: String,
                                   line: Int) throws -> [(name: String, column: Int)] {
        var seen: Set<String> = []
        for cell in cells {
            let name = cell.text.lowercased()
            guard columns.contains(name) else {
                var message = "unknown column '\(cell.text)'"
                if let suggestion = NearestName.suggest(cell.text, among: columns) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; valid columns: date or period, value, of, note"
                }
                throw ScenarioError(file: file, line: line, column: cell.column, message: message)
            }
            guard seen.insert(name).inserted else {
                throw ScenarioError(file: file, line: line, column: cell.column, message: "column '\(name)' appears twice")
            }
        }
        let found = cells.map(\.text).joined(separator: ", ")
        if seen.contains("date") && seen.contains("period") {
            throw ScenarioError(file: file, line: line, column: 1,
                                message: "the data file needs one of 'date' or 'period', not both")
        }
        guard seen.contains("date") || seen.contains("period") else {
            throw ScenarioError(file: file, line: line, column: 1,
                                message: "the data file needs a 'date' (YYYY-MM-DD) or 'period' (YYYY) column; found \(found)")
        }
        guard seen.contains("value") else {
            throw ScenarioError(file: file, line: line, column: 1, message: "the data file needs a 'value' column; found \(found)")
        }
        return cells.map { ($0.text.lowercased(), $0.column) }
    }

    private static func readRow(_ cells: [(text: String, column: Int)], header: [(name: String, column: Int)],
                                file: String, line: Int) throws -> LocatedObservation {
        guard cells.count == header.count else {
            throw ScenarioError(file: file, line: line, column: 1,
                                message: "\(cells.count) value\(cells.count == 1 ? "" : "s") but the header names \(header.count) column\(header.count == 1 ? "" : "s")")
        }
        var date: CalendarDate?, value: Double?, of: Double?, note: String?
        var dateColumn = 1, valueColumn = 1, ofColumn: Int?
        for (cell, column) in zip(cells, header) {
            let at = { (message: String) in ScenarioError(file: file, line: line, column: cell.column, message: message) }
            switch column.name {
            case "date":
                dateColumn = cell.column
                guard let parsed = CalendarDate(iso: cell.text) else {
                    throw at("date must be YYYY-MM-DD, e.g. 2025-12-31, got '\(cell.text)'")
                }
                date = parsed
            case "period":
                dateColumn = cell.column
                guard cell.text.count == 4, let year = Int(cell.text), let parsed = CalendarDate(year: year, month: 12, day: 31) else {
                    throw at("period must be a year YYYY (read as YYYY-12-31), got '\(cell.text)'")
                }
                date = parsed
            case "value":
                valueColumn = cell.column
                guard let parsed = Double(cell.text), parsed.isFinite else {
                    throw at("value must be a number, got '\(cell.text)'")
                }
                value = parsed
            case "of":
                guard !cell.text.isEmpty else { continue }
                ofColumn = cell.column
                guard let parsed = Double(cell.text), parsed.isFinite else {
                    throw at("of must be a number or empty, got '\(cell.text)'")
                }
                of = parsed
            default:
                note = cell.text.isEmpty ? nil : cell.text
            }
        }
        guard let date, let value else { throw ScenarioError(file: file, line: line, column: 1, message: "a row needs a date and a value") }
        let place = { (column: Int) in SourceLocation(file: file, line: line, column: column) }
        return LocatedObservation(observation: ScenarioObservation(date: date, value: value, of: of, note: note),
                                  name: "", date: place(dateColumn), value: place(valueColumn), of: ofColumn.map(place))
    }

    /// Cells of one line with the 1-based column where each starts; spaces around a cell are
    /// dropped, `"…"` quoting with `""` for a quote.
    static func split(_ line: Substring, file: String, line number: Int) throws -> [(text: String, column: Int)] {
        var cells: [(String, Int)] = []
        let chars = Array(line)
        var i = 0
        while true {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
            let start = i + 1
            var text = ""
            if i < chars.count, chars[i] == "\"" {
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\"" {
                        if i + 1 < chars.count, chars[i + 1] == "\"" { text.append("\""); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    text.append(chars[i]); i += 1
                }
                guard closed else {
                    throw ScenarioError(file: file, line: number, column: start, message: "a quoted value is not closed (missing '\"')")
                }
                while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
                if i < chars.count, chars[i] != "," {
                    throw ScenarioError(file: file, line: number, column: i + 1, message: "expected ',' after a quoted value")
                }
            } else {
                while i < chars.count, chars[i] != "," { text.append(chars[i]); i += 1 }
                while let last = text.last, last == " " || last == "\t" { text.removeLast() }
            }
            cells.append((text, start))
            guard i < chars.count else { break }
            i += 1 // the comma
        }
        return cells
    }
}
