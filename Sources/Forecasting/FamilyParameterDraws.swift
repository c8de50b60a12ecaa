import Fitting

/// What the Monte Carlo paths of one family actually draw, per natural parameter (fit.csv,
/// DESIGN.md "Outputs": "95 % intervals of what the paths actually draw").
///
/// The draws are those of paths 0..<n (n = min(paths, ``maximumDraws``)) as if every one of
/// them followed this family: the same streams, dgemm, t mixing, calibration scale, prior
/// draws for unidentified parameters and ceiling floor as ``PathSimulator``. Interval:
/// the 2.5 % and 97.5 % sample quantiles (type 7); spread: the sample standard deviation.
/// With 4,000 draws the 2.5 % quantile has a Monte Carlo error of about 0.05 sd.
public struct FamilyParameterDraws: Sendable {
    public static let maximumDraws = 4000

    public let family: CurveFamily
    /// Per natural parameter, in the order of `AdoptionFit.parameterNames`.
    public let low: [Double]
    public let high: [Double]
    public let standardDeviation: [Double]
    /// Where each parameter's uncertainty comes from (the fit's, with an unidentified
    /// parameter drawn from a prior reported as `prior`).
    public let sources: [ParameterSource]

    init(fit: AdoptionFit, sampler: ParameterSampler, seed: UInt64, count: Int) throws {
        family = fit.family
        let rows = try sampler.draws(seed: seed, count: max(count, 1))
        var low: [Double] = [], high: [Double] = [], sd: [Double] = []
        for index in fit.parameterNames.indices {
            let values = rows.map { $0[index] }.sorted()
            low.append(SampleQuantiles.quantile(sorted: values, 0.025))
            high.append(SampleQuantiles.quantile(sorted: values, 0.975))
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
            sd.append(variance.squareRoot())
        }
        self.low = low
        self.high = high
        standardDeviation = sd
        sources = fit.sources
    }
}
