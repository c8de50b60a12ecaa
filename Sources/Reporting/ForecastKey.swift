import Fitting

/// What a forecast is of: one row of `uptake compare` (scenario × variant × target_end_date).
public struct ForecastKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var scenario: String
    public var variant: String
    public var targetEndDate: CalendarDate

    public init(scenario: String, variant: String, targetEndDate: CalendarDate) {
        self.scenario = scenario; self.variant = variant; self.targetEndDate = targetEndDate
    }

    public static func < (a: ForecastKey, b: ForecastKey) -> Bool {
        (a.scenario, a.variant, a.targetEndDate) < (b.scenario, b.variant, b.targetEndDate)
    }

    public var description: String { "\(scenario) \(variant) \(targetEndDate)" }
}
