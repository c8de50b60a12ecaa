/// One variant's forecast: per grid date, the 23 hub quantiles, mean and median, and the
/// CDF at each target value (``own``); plus feasibility per target.
public struct VariantForecast: Sendable {
    public var variant: String
    public var grid: ForecastGrid
    /// The metric's own summaries (a flow: the flow of each grid period).
    public var own: SeriesSummary
    public var feasibility: [TargetFeasibility]
    /// samples[i][h]: path i at grid date h, for the first `ForecastRequest.sampleCount`
    /// paths (the optional `sample` output type); empty by default.
    public var samples: [[Double]] = []
    /// For a flow metric: the running total (since the first observation's period, or the
    /// launch) at each grid date, which cumulative targets are compared with; its CDF is at
    /// the values of the cumulative targets. nil for levels.
    public var cumulative: SeriesSummary?

    /// The quantile levels (by default the 23 hub levels).
    public var levels: [Double] { own.levels }
    /// quantiles[h][l]: level `levels[l]` at grid date h; non-decreasing in l.
    public var quantiles: [[Double]] { own.quantiles }
    public var mean: [Double] { own.mean }
    public var median: [Double] { own.median }
    /// cdf[h][k] = P(y ≤ cdfValues[k]) at grid date h.
    public var cdfValues: [Double] { own.cdfValues }
    public var cdf: [[Double]] { own.cdf }

    public init(variant: String, grid: ForecastGrid, own: SeriesSummary, feasibility: [TargetFeasibility],
                samples: [[Double]] = []) {
        self.variant = variant; self.grid = grid; self.own = own
        self.feasibility = feasibility; self.samples = samples
    }
}
