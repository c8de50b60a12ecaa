/// Quantiles, mean, median and CDF of one quantity per grid date.
public struct SeriesSummary: Sendable {
    public var levels: [Double]
    /// quantiles[h][l], non-decreasing in l.
    public var quantiles: [[Double]]
    public var mean: [Double]
    public var median: [Double]
    public var cdfValues: [Double]
    /// cdf[h][k] = P(value ≤ cdfValues[k]) at grid date h.
    public var cdf: [[Double]]

    public init(levels: [Double], quantiles: [[Double]], mean: [Double], median: [Double], cdfValues: [Double], cdf: [[Double]]) {
        self.levels = levels; self.quantiles = quantiles; self.mean = mean; self.median = median
        self.cdfValues = cdfValues; self.cdf = cdf
    }
}

/// The 23 quantile levels of the forecast hubs: 0.01, 0.025, 0.05, 0.10, …, 0.95, 0.975, 0.99.
public let hubQuantileLevels: [Double] = [0.01, 0.025] + (1...19).map { Double($0 * 5) / 100 } + [0.975, 0.99]
