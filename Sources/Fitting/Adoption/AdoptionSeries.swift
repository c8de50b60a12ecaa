/// A series and everything known about it, ready to fit with any curve family.
public struct AdoptionSeries: Sendable {
    /// Observations in decimal years, in time order; for flows, each value is the increase
    /// over (periodStart, time].
    public var observations: [CurveObservation]
    public var kind: ObservationKind
    /// One error model per observation (denominators may differ).
    public var errorModels: [ErrorModel]
    /// For shares: 1 (fraction) or 100 (percent); nil for counts.
    public var shareBound: Double?
    /// For a count of a known whole ("168 of 542 traders"): N, from the observations' `of`.
    public var whole: Double?
    /// Level 0 on this date (decimal year).
    public var launch: Double?
    public var ceiling: CeilingKnowledge
    public var growthRatePrior: PriorDistribution?
    public var inflectionPrior: PriorDistribution?
    /// σ on the error scale, used when it cannot be estimated (n − k < 3) and as the
    /// starting guess otherwise. Default: lognormal(median 0.1, sd_log 0.5) — about 10 %
    /// relative error on the log or logit scale.
    public var noisePrior: PriorDistribution

    public init(observations: [CurveObservation], kind: ObservationKind = .level, errorModels: [ErrorModel],
                shareBound: Double? = nil, launch: Double? = nil, ceiling: CeilingKnowledge = .estimated,
                growthRatePrior: PriorDistribution? = nil, inflectionPrior: PriorDistribution? = nil,
                noisePrior: PriorDistribution = .lognormal(median: 0.1, sdLog: 0.5)) {
        self.observations = observations
        self.kind = kind
        self.errorModels = errorModels
        self.shareBound = shareBound
        self.launch = launch
        self.ceiling = ceiling
        self.growthRatePrior = growthRatePrior
        self.inflectionPrior = inflectionPrior
        self.noisePrior = noisePrior
    }

    /// The upper end of the metric's range: a share's bound, a "k of N" count's N (its
    /// observations' whole, else a fixed ceiling: the count cannot pass it); nil for an
    /// unbounded count.
    public var bound: Double? {
        if let shareBound { return shareBound }
        if let whole { return whole }
        if case let .fixed(value) = ceiling { return value }
        return nil
    }

    var hasPriors: Bool {
        if growthRatePrior != nil || inflectionPrior != nil { return true }
        switch ceiling {
        case .range, .prior: return true
        case .estimated, .fixed: return false
        }
    }
}
