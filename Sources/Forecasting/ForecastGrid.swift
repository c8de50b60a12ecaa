import Fitting

/// How far apart the forecast's time points are (DESIGN.md, `forecast.step`).
public enum ForecastStep: String, Sendable, CaseIterable {
    case month, quarter, year

    var months: Int {
        switch self {
        case .month: return 1
        case .quarter: return 3
        case .year: return 12
        }
    }
}

/// The time grid of a forecast (DESIGN.md, "The time grid"): `referenceDate` is the last
/// observation (or the launch, or the run's start when there is neither); step h ≥ 1 ends at
/// the end of the h-th calendar month / quarter / year after it, up to the horizon.
public struct ForecastGrid: Sendable, Equatable {
    public let referenceDate: CalendarDate
    public let step: ForecastStep
    /// Grid dates for h = 1…H; the last is the first grid date on or after the horizon.
    public let dates: [CalendarDate]

    public init(referenceDate: CalendarDate, horizon: CalendarDate, step: ForecastStep) {
        self.referenceDate = referenceDate
        self.step = step
        var dates: [CalendarDate] = []
        var h = 1
        while true {
            let date = Self.endOfPeriod(referenceDate, h: h, step: step)
            dates.append(date)
            if date >= horizon { break }
            h += 1
        }
        self.dates = dates
    }

    /// The end of the h-th calendar month / quarter / year after `reference`.
    static func endOfPeriod(_ reference: CalendarDate, h: Int, step: ForecastStep) -> CalendarDate {
        switch step {
        case .month: return reference.endOfMonth(after: h)
        case .quarter:
            // End of the quarter containing the reference month, then h quarters on.
            let quarterEndMonth = ((reference.month - 1) / 3) * 3 + 3
            let base = CalendarDate(year: reference.year, month: quarterEndMonth, day: 1)!
            return base.endOfMonth(after: 3 * h)
        case .year:
            let base = CalendarDate(year: reference.year, month: 12, day: 1)!
            return base.endOfMonth(after: 12 * h)
        }
    }

    public var times: [Double] { dates.map(\.decimalYear) }
}
