import Fitting

/// A variant's levers (DESIGN.md, `variants`): from `from` on, the growth rate is multiplied,
/// the ceiling multiplied, and the level shifted, each by a draw per path.
public struct VariantLevers: Sendable, Equatable {
    public var id: String
    public var from: CalendarDate?
    public var growthMultiplier: PriorDistribution?
    public var ceilingMultiplier: PriorDistribution?
    public var levelShift: PriorDistribution?
    // Sensitivity (issue 12): a time offset, not a scenario-file key.
    /// Years the curve runs ahead from `from` on: t′ = t + timeShift (after the growth
    /// multiplier's clock), the same for every path; nil or 0: none. `uptake sensitivity`'s
    /// timing input (+1: the curve a year earlier, −1: a year later); scenario files cannot
    /// set it.
    public var timeShift: Double?
    /// The variant is not in the source (a planner's what-if), with why.
    public var assumed = false
    public var note: String?

    public init(id: String, from: CalendarDate? = nil, growthMultiplier: PriorDistribution? = nil,
                ceilingMultiplier: PriorDistribution? = nil, levelShift: PriorDistribution? = nil) {
        self.id = id
        self.from = from
        self.growthMultiplier = growthMultiplier
        self.ceilingMultiplier = ceilingMultiplier
        self.levelShift = levelShift
    }

    public static let baseline = VariantLevers(id: "baseline")
}
