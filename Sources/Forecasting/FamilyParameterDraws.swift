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
        self.init(fit: fit, rows: try sampler.draws(seed: seed, count: max(count, 1)))
    }

    /// From draws already made: a one-family forecast's first variant draws exactly these
    /// rows for its first paths (``PathSimulator/recordedDrawCount``).
    init(fit: AdoptionFit, rows: [[Double]]) {
        family = fit.family
        var low: [Double] = [], high: [Double] = [], sd: [Double] = []
        // The two quantiles by selection of the order statistics they read (the same values
        // as sorting), the spread by the two-pass formula.
        var selector = OrderStatistics()
        let n = rows.count
        let ranks = Array(Set(SampleQuantiles.ranks(count: n, 0.025) + SampleQuantiles.ranks(count: n, 0.975))).sorted()
        for index in fit.parameterNames.indices {
            let values = rows.map { $0[index] }
            if values.contains(where: \.isNaN) {
                // Selection takes no NaN; sorting places them as before.
                let sorted = values.sorted()
                low.append(SampleQuantiles.quantile(sorted: sorted, 0.025))
                high.append(SampleQuantiles.quantile(sorted: sorted, 0.975))
            } else {
                let selected = selector.select(values, ranks: ranks)
                let at = { (rank: Int) in selected[ranks.firstIndex(of: rank)!] }
                low.append(SampleQuantiles.quantile(count: n, 0.025, orderStatistic: at))
                high.append(SampleQuantiles.quantile(count: n, 0.975, orderStatistic: at))
            }
            let mean = values.reduce(0, +) / Double(n)
            let variance = n > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
            sd.append(variance.squareRoot())
        }
        self.low = low
        self.high = high
        standardDeviation = sd
        sources = fit.sources
    }
}
