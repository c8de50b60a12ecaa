import Fitting

/// The outcome for one target under one variant (one row of feasibility.csv).
public struct TargetFeasibility: Sendable, Equatable {
    public var target: ForecastTarget
    public var variant: String
    /// P(the level reaches the target value by the deadline).
    public var pMeet: Double
    /// Monte Carlo standard error √(p(1−p)/paths).
    public var pMeetStandardError: Double
    /// 5 %, 50 %, 95 % quantiles of the level at the deadline.
    public var valueAtDeadline: (q05: Double, q50: Double, q95: Double)
    /// 10 %, 50 %, 90 % quantiles of the date first reached; nil when fewer than that share
    /// of paths reach the target by the horizon.
    public var dateReached: (q10: CalendarDate?, q50: CalendarDate?, q90: CalendarDate?)
    public var verdict: Verdict
    /// The date first reached at ``ForecastRequest/reachQuantileLevel``, when the request
    /// asks for one: the date by which the target is met with that probability; nil when it
    /// is not asked, or fewer than that share of paths reach the target by the horizon.
    public var dateReachedAtLevel: CalendarDate?

    public init(target: ForecastTarget, variant: String, pMeet: Double, pMeetStandardError: Double,
                valueAtDeadline: (q05: Double, q50: Double, q95: Double),
                dateReached: (q10: CalendarDate?, q50: CalendarDate?, q90: CalendarDate?), verdict: Verdict) {
        self.target = target; self.variant = variant; self.pMeet = pMeet; self.pMeetStandardError = pMeetStandardError
        self.valueAtDeadline = valueAtDeadline; self.dateReached = dateReached; self.verdict = verdict
    }

    public static func == (a: TargetFeasibility, b: TargetFeasibility) -> Bool {
        a.target == b.target && a.variant == b.variant && a.pMeet == b.pMeet
            && a.pMeetStandardError == b.pMeetStandardError
            && a.valueAtDeadline == b.valueAtDeadline && a.dateReached == b.dateReached && a.verdict == b.verdict
            && a.dateReachedAtLevel == b.dateReachedAtLevel
    }
}
