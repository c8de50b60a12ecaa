import Fitting

/// An input the source did not give, marked `assumed: true` in the scenario, with the
/// scenario's note saying why. Typed, so that `check`, run.json, the chart and the report
/// (Reporting's `AssumptionText` puts them in words) count and list the same things.
public struct InputAssumption: Sendable, Equatable {
    public enum Input: Sendable, Equatable {
        case launchDate(CalendarDate)
        case ceiling
        case observation(date: CalendarDate, value: Double)
        case target(label: String)
        /// A prior on a named parameter (growth_rate, inflection, noise_sd).
        case prior(parameter: String, distribution: PriorDistribution)
        case variant(id: String)
    }

    public var input: Input
    /// The scenario's note on why, if it gives one.
    public var note: String?

    public init(_ input: Input, note: String?) {
        self.input = input
        self.note = note
    }
}

extension Scenario {
    /// Every input the source did not give, in the order of the scenario's sections.
    public var inputAssumptions: [InputAssumption] {
        var assumptions: [InputAssumption] = []
        if let launch, launchAssumed { assumptions.append(.init(.launchDate(launch), note: launchNote)) }
        if metric.ceilingAssumed { assumptions.append(.init(.ceiling, note: metric.ceilingNote)) }
        for observation in observations where observation.assumed {
            assumptions.append(.init(.observation(date: observation.date, value: observation.value), note: observation.note))
        }
        for target in targets where target.assumed { assumptions.append(.init(.target(label: target.label), note: target.note)) }
        let priorsByName = [("growth_rate", priors.growthRate), ("inflection", priors.inflection), ("noise_sd", priors.noiseSD)]
        for case let (name, prior?) in priorsByName where prior.assumed {
            assumptions.append(.init(.prior(parameter: name, distribution: prior.distribution), note: prior.note))
        }
        for variant in variants where variant.assumed { assumptions.append(.init(.variant(id: variant.id), note: variant.note)) }
        return assumptions
    }
}
