/// A calendar date (proleptic Gregorian), parsed from ISO 8601 `YYYY-MM-DD`, and its
/// position on Uptake's time axis in decimal years.
///
/// Convention: a date stands for the *end* of that day, so `decimalYear` is
/// year + (day of year)/(days in year): 2025-12-31 is 2026.0 exactly ("by the end of 2025"),
/// and a yearly period `YYYY` (= YYYY-12-31, DESIGN.md) ends at YYYY + 1. The start of 1963
/// is 1962-12-31 = 1963.0.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM` strictly as the last day of that month (a monthly period stands for
    /// its end, as a yearly period `YYYY` stands for YYYY-12-31).
    public init?(isoMonth text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        self.init(year: y, month: m, day: Self.daysIn(month: m, year: y))
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var dayOfYear: Int {
        var total = day
        for m in 1..<month { total += Self.daysIn(month: m, year: year) }
        return total
    }

    /// The end of this day in decimal years.
    public var decimalYear: Double {
        Double(year) + Double(dayOfYear) / Double(Self.isLeap(year) ? 366 : 365)
    }

    /// The date whose end is nearest to (not after) a decimal year; the inverse of
    /// `decimalYear` on dates.
    public init(decimalYear t: Double) {
        var year = Int(t.rounded(.down))
        var fraction = t - Double(year)
        if fraction == 0 { year -= 1; fraction = 1 }
        let days = Self.isLeap(year) ? 366 : 365
        var dayOfYear = max(1, min(days, Int((fraction * Double(days) + 1e-9).rounded(.down))))
        var month = 1
        while dayOfYear > Self.daysIn(month: month, year: year) {
            dayOfYear -= Self.daysIn(month: month, year: year)
            month += 1
        }
        self.year = year
        self.month = month
        self.day = dayOfYear
    }

    /// The last day of the month `months` calendar months after this date's month.
    public func endOfMonth(after months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return CalendarDate(year: y, month: m, day: Self.daysIn(month: m, year: y))!
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
