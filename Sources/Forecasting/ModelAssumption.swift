import Fitting

/// What a forecast assumed because the data could not say it: each is a typed value here,
/// put in words once, by Reporting (`AssumptionText`), for run.json, the fan chart, `check`
/// and the report. Tests and tools read the cases, not the sentences.
public enum ModelAssumption: Sendable, Equatable {
    /// A bounded level without a given ceiling: the ceiling is drawn uniformly over
    /// [lower, upper], the highest observation to the metric's bound (``DefaultPriors``).
    case defaultCeilingRange(lower: Double, upper: Double)
    /// Family weights by out-of-sample skill on the series' own past (``ModelSkill``).
    case skillWeights(origins: Int, horizon: Int)
    /// The local trend's band is drawn from real panels' forecast errors, scaled by the
    /// series' own past errors (``CalibratedErrors``).
    case panelErrorBand(provenance: String, scale: String, factor: Double)
    /// The parameter covariance was not numerically positive definite: draws add
    /// `relative` × its mean variance to the diagonal.
    case covarianceJittered(family: CurveFamily, relative: Double)
    /// The parameter covariance had negative eigenvalues: draws use the nearest positive
    /// semidefinite matrix.
    case covarianceClipped(family: CurveFamily, negativeEigenvalues: Int)
    /// The data do not identify `parameter`; paths draw it from the scenario's prior.
    case parameterFromScenarioPrior(family: CurveFamily, parameter: String, prior: PriorDistribution)
    /// The data do not identify `parameter` and the scenario gives no prior; paths draw it
    /// from ``DefaultPriors``.
    case parameterFromDefaultPrior(family: CurveFamily, parameter: String, prior: PriorDistribution)
    /// Too few observations to estimate the noise: σ on `scale` is assumed.
    case noiseAssumed(family: CurveFamily, sigma: Double, scale: String)
    /// Fewer than `minimumObservations` observations: deviations revert with a half-life of
    /// one year (``ResidualProcess``).
    case meanReversionAssumed(minimumObservations: Int)
    /// A variant's levers start before the last observation; they act from it on.
    case leversStartAtReference(variant: String, requested: CalendarDate, reference: CalendarDate)
    /// A variant's ceiling multiplier cannot act on these families (they have no ceiling).
    case ceilingMultiplierNotApplicable(variant: String, families: [CurveFamily])
    /// `count` of `paths` paths drew parameters that made the curve non-finite and ran at
    /// the fitted values.
    case pathsAtFittedValues(variant: String, count: Int, paths: Int)
    /// `count` path-months were not finite and were held at the path's last finite value.
    case nonFiniteValuesHeld(variant: String, count: Int)

    /// The data do not identify a parameter, so its draws come from a prior.
    public var isUnidentifiedParameter: Bool {
        switch self {
        case .parameterFromScenarioPrior, .parameterFromDefaultPrior: return true
        default: return false
        }
    }
}

extension Array where Element == ModelAssumption {
    /// The assumptions in order, each once (several families or variants can make the same).
    func removingRepeats() -> [ModelAssumption] {
        var kept: [ModelAssumption] = []
        for assumption in self where !kept.contains(assumption) { kept.append(assumption) }
        return kept
    }
}
