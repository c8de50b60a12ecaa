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

    /// The years a date may have: four digits, 0001…9999, so that every date prints as
    /// `YYYY-MM-DD` and month arithmetic near the ends stays in `Int` range.
    public static let years = 1...9999

    /// A valid date, or nil: the year in ``years``, the month 1…12, the day within the month.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
            return nil
        }
        self.init(checkedYear: year, month: month, day: day)
    }

    /// Month arithmetic's results, already known to be valid but for the year, which may
    /// pass 9999 by a little (the day after a forecast's last day).
    private init(checkedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly: exactly ten characters, ASCII digits and two hyphens — no
    /// sign, no spaces, no other digits — and a date that exists (``init(year:month:day:)``).
    public init?(iso text: String) {
        guard let (year, month, day) = Self.isoParts(text) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses a year `YYYY` (exactly four ASCII digits, 0001…9999) as 31 December of that
    /// year: a yearly period (DESIGN.md, `data:` files).
    public init?(yearEnd text: String) {
        let bytes = Array(text.utf8.prefix(5))
        guard bytes.count == 4, let year = Self.digits(bytes[...]) else { return nil }
        self.init(year: year, month: 12, day: 31)
    }

    /// Why `text` is not a date `YYYY-MM-DD`, in words a message can end with ("the month
    /// is 13; months are 01–12"), when its shape is right but a part is out of range; nil
    /// when the shape is wrong (the caller's message says what the shape must be) or the
    /// date is valid.
    public static func rangeProblem(iso text: String) -> String? {
        guard let (year, month, day) = isoParts(text) else { return nil }
        if !years.contains(year) { return "the year is 0000; years are 0001–9999" }
        if !(1...12).contains(month) { return "the month is \(month); months are 01–12" }
        let days = daysIn(month: month, year: year)
        if day < 1 || day > days { return "the day is \(day); \(text.prefix(7)) has \(days) days" }
        return nil
    }

    /// Year, month and day of `YYYY-MM-DD` (ASCII digits at their places), not yet range-checked.
    private static func isoParts(_ text: String) -> (Int, Int, Int)? {
        let bytes = Array(text.utf8.prefix(11))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = digits(bytes[0..<4]), let month = digits(bytes[5..<7]), let day = digits(bytes[8..<10]) else { return nil }
        return (year, month, day)
    }

    /// The value of a run of ASCII digits; nil when any byte is not one.
    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Parses `YYYY-MM` strictly as the last day of that month (a monthly period stands for
    /// its end, as a yearly period `YYYY` stands for YYYY-12-31).
    public init?(isoMonth text: String) {
        // ASCII digits only, as ``init(iso:)``: no sign, no spaces.
        let bytes = Array(text.utf8.prefix(8))
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let y = Self.digits(bytes[0..<4]), y >= 1,
              let m = Self.digits(bytes[5..<7]), (1...12).contains(m) else { return nil }
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
        self.init(checkedYear: year, month: month, day: dayOfYear)
    }

    /// The last day of the month `months` calendar months after this date's month (before
    /// it when negative). Never fails: the year may leave ``years`` (a forecast's month ends
    /// do not: the loader keeps the horizon within them).
    public func endOfMonth(after months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        // Floor division: month indices before year 0 still give a month 1…12.
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        return CalendarDate(checkedYear: y, month: m, day: Self.daysIn(month: m, year: y))
    }

    /// The next day. Never fails (after 9999-12-31 comes 10000-01-01).
    public var nextDay: CalendarDate {
        if day < Self.daysIn(month: month, year: year) { return CalendarDate(checkedYear: year, month: month, day: day + 1) }
        return month == 12 ? CalendarDate(checkedYear: year + 1, month: 1, day: 1) : CalendarDate(checkedYear: year, month: month + 1, day: 1)
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
