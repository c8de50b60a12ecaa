/// What the planner knows about a ceiling (DESIGN.md, `metric.ceiling`).
public enum CeilingKnowledge: Sendable, Equatable {
    /// Estimated from the data alone (a share's ceiling stays below its bound).
    case estimated
    case fixed(Double)
    /// Somewhere in [min, max], all values equally plausible (a uniform prior).
    case range(min: Double, max: Double)
    case prior(PriorDistribution)
}
