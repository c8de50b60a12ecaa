import Fitting
import TextIO

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
/// `value`; optionally `of` (the whole, may be empty) and `note`. The file is read by TextIO's
/// ``CSVDocument`` (RFC 4180 quoting, any line ends, a byte-order mark, blank lines, spaces
/// around values); every error names the CSV file, its line and the column where the cell starts.
enum ScenarioDataFile {
    static let columns = ["date", "period", "value", "of", "note"]

    static func read(bytes: [UInt8], file: String) throws -> [LocatedObservation] {
        do {
            let csv = try CSVDocument(bytes: bytes, file: file, exampleHeader: "date,value")
            let names = try readHeader(csv)
            try csv.requireRows()
            return try csv.rows.map { row throws(LocatedError) in try readRow(row, names: names, csv: csv) }
        } catch {
            throw ScenarioError(error)
        }
    }

    /// The header's column names, lower-cased, once each: date or period, value, of, note.
    private static func readHeader(_ csv: CSVDocument) throws(LocatedError) -> [String] {
        var seen: Set<String> = []
        for field in csv.header.fields {
            let name = field.text.lowercased()
            guard columns.contains(name) else {
                var message = "unknown column \(PrintableText.quoted(field.text))"
                if let suggestion = NearestName.suggest(field.text, among: columns) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; valid columns: date or period, value, of, note"
                }
                throw csv.error(at: field, message)
            }
            guard seen.insert(name).inserted else { throw csv.error(at: field, "column '\(name)' appears twice") }
        }
        let found = csv.columnNames.joined(separator: ", "), start = csv.header[0]
        if seen.contains("date") && seen.contains("period") {
            throw csv.error(at: start, "the data file needs one of 'date' or 'period', not both")
        }
        guard seen.contains("date") || seen.contains("period") else {
            throw csv.error(at: start, "the data file needs a 'date' (YYYY-MM-DD) or 'period' (YYYY) column; found \(found)")
        }
        guard seen.contains("value") else { throw csv.error(at: start, "the data file needs a 'value' column; found \(found)") }
        return csv.header.fields.map { $0.text.lowercased() }
    }

    private static func readRow(_ row: CSVRecord, names: [String], csv: CSVDocument) throws(LocatedError) -> LocatedObservation {
        var date: CalendarDate?, value: Double?, of: Double?, note: String?
        var dateField = row[0], valueField = row[0], ofField: CSVField?
        for (field, name) in zip(row.fields, names) {
            switch name {
            case "date":
                dateField = field
                date = try csv.date(field, column: name)
            case "period":
                dateField = field
                date = try csv.yearEnd(field, column: name)
            case "value":
                valueField = field
                value = try csv.number(field, column: name)
            case "of":
                guard !field.text.isEmpty else { continue }
                ofField = field
                of = try csv.number(field, column: name)
            default:
                note = field.text.isEmpty ? nil : field.text
            }
        }
        // The header has a date or period and a value column, and every row its width.
        guard let date, let value else { throw csv.error(at: row[0], "a row needs a date and a value") }
        let place = { (field: CSVField) in SourceLocation(file: csv.file, line: field.line, column: field.column) }
        return LocatedObservation(observation: ScenarioObservation(date: date, value: value, of: of, note: note),
                                  name: "", date: place(dateField), value: place(valueField), of: ofField.map(place))
    }
}

extension ScenarioError {
    /// The same place and message, as the error type of scenario files.
    init(_ error: LocatedError) {
        self.init(file: error.file, line: error.line, column: error.column, message: error.message)
    }
}
