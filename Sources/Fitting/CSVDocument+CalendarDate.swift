import TextIO

/// Dates in CSV input files, read and reported the same way by every reader (a scenario's
/// `data:` file, forecast and actuals files). The syntax is strict (``CalendarDate/init(iso:)``,
/// ``CalendarDate/init(yearEnd:)``): no sign, no spaces inside, years 0001–9999.
extension CSVDocument {
    /// An ISO date `YYYY-MM-DD` in `field` of column `column`.
    public func date(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = CalendarDate(iso: field.text) else {
            throw error(at: field, "\(column) must be YYYY-MM-DD, e.g. 2025-12-31, got \(PrintableText.quoted(field.text))"
                + Self.reason(field.text))
        }
        return date
    }

    /// A year `YYYY` in `field`, read as 31 December of that year.
    public func yearEnd(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = CalendarDate(yearEnd: field.text) else {
            throw error(at: field, "\(column) must be a year YYYY from 0001 to 9999 (read as YYYY-12-31), got \(PrintableText.quoted(field.text))")
        }
        return date
    }

    /// An ISO date, or a year `YYYY` read as 31 December.
    public func dateOrYearEnd(_ field: CSVField, column: String) throws(LocatedError) -> CalendarDate {
        guard let date = CalendarDate(iso: field.text) ?? CalendarDate(yearEnd: field.text) else {
            throw error(at: field, "\(column) must be YYYY-MM-DD or a year YYYY (read as YYYY-12-31), got "
                + PrintableText.quoted(field.text) + Self.reason(field.text))
        }
        return date
    }

    /// "; the month is 13; months are 01–12" when a date has the right shape but a part out of range.
    private static func reason(_ text: String) -> String {
        CalendarDate.rangeProblem(iso: text).map { ": \($0)" } ?? ""
    }
}
