import TextIO

/// Dates in CSV input files, read and reported the same way by every reader (a scenario's
/// `data:` file, forecast and actuals files).
extension CSVDocument {
    /// An ISO date `YYYY-MM-DD` in `field` of column `column`.
    public func date(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = CalendarDate(iso: field.text) else {
            throw error(at: field, "\(column) must be YYYY-MM-DD, e.g. 2025-12-31, got \(PrintableText.quoted(field.text))")
        }
        return date
    }

    /// A year `YYYY` in `field`, read as 31 December of that year.
    public func yearEnd(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = Self.yearEnd(field.text) else {
            throw error(at: field, "\(column) must be a year YYYY (read as YYYY-12-31), got \(PrintableText.quoted(field.text))")
        }
        return date
    }

    /// An ISO date, or a year `YYYY` read as 31 December.
    public func dateOrYearEnd(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = CalendarDate(iso: field.text) ?? Self.yearEnd(field.text) else {
            throw error(at: field, "\(column) must be YYYY-MM-DD or a year YYYY (read as YYYY-12-31), got "
                + PrintableText.quoted(field.text))
        }
        return date
    }

    private static func yearEnd(_ text: String) -> CalendarDate? {
        guard text.count == 4, let year = Int(text) else { return nil }
        return CalendarDate(year: year, month: 12, day: 31)
    }
}
