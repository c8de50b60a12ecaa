import Fitting

/// A target as the forecasting layer needs it.
public struct ForecastTarget: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var deadline: CalendarDate
    public var assumed: Bool
    /// On a flow metric: true (the default) compares the total since the first observation
    /// (or launch) with the value; false compares the flow of one reporting period (the
    /// series' median observation spacing) ending at the deadline. Ignored for levels.
    public var cumulative: Bool

    public init(label: String, value: Double, deadline: CalendarDate, assumed: Bool = false, cumulative: Bool = true) {
        self.label = label
        self.value = value
        self.deadline = deadline
        self.assumed = assumed
        self.cumulative = cumulative
    }
}
