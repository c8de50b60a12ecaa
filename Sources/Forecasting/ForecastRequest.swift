import Fitting

/// Everything a forecast needs, independent of how it was written down.
public struct ForecastRequest: Sendable {
    public var series: AdoptionSeries
    public var families: [CurveFamily]
    public var grid: ForecastGrid
    /// The baseline first, then each variant.
    public var variants: [VariantLevers]
    public var targets: [ForecastTarget]
    public var thresholds: VerdictThresholds
    public var paths: Int
    public var seed: UInt64
    /// How the parameter and noise uncertainty are widened so that intervals are honest:
    /// ``UncertaintyCalibration/backtested`` by default, ``UncertaintyCalibration/none`` for
    /// the plain Laplace draws; see ``UncertaintyCalibration``.
    public var calibration = UncertaintyCalibration.backtested
    /// How many paths per variant to keep whole in ``VariantForecast/samples`` (the first
    /// ones, by path index); 0 by default.
    public var sampleCount = 0
    /// The real-panel errors the local trend's band is drawn from (``ErrorQuantileTable``);
    /// nil: a Gaussian random walk with the drift's own uncertainty.
    public var errorTable: ErrorQuantileTable? = .builtIn
    /// How many paths' parameter draws ``ForecastResult/parameterDraws`` summarises (fit.csv's
    /// intervals): min(paths, this); 0 skips them (a backtest writes no fit.csv).
    public var parameterDrawSummaryCount = FamilyParameterDraws.maximumDraws
    /// An extra level of the first-reach date's distribution to report per target
    /// (``TargetFeasibility/dateReachedAtLevel``): with `0.8`, the date by which the target
    /// is met with probability 0.8 (`uptake seek`'s `date_at_probability`); nil: none.
    public var reachQuantileLevel: Double?
    /// For shares: 100 or 1; paths stay in [0, bound].
    public var shareBound: Double? { series.shareBound }

    public init(series: AdoptionSeries, families: [CurveFamily], grid: ForecastGrid, variants: [VariantLevers],
                targets: [ForecastTarget], thresholds: VerdictThresholds, paths: Int, seed: UInt64) {
        self.series = series; self.families = families; self.grid = grid; self.variants = variants
        self.targets = targets; self.thresholds = thresholds; self.paths = paths; self.seed = seed
    }
}
