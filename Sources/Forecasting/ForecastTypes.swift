import Fitting

/// How far apart the forecast's time points are (DESIGN.md, `forecast.step`).
public enum ForecastStep: String, Sendable, CaseIterable {
    case month, quarter, year

    var months: Int {
        switch self {
        case .month: return 1
        case .quarter: return 3
        case .year: return 12
        }
    }
}

/// The time grid of a forecast (DESIGN.md, "The time grid"): `referenceDate` is the last
/// observation (or the launch, or the run's start when there is neither); step h ≥ 1 ends at
/// the end of the h-th calendar month / quarter / year after it, up to the horizon.
public struct ForecastGrid: Sendable, Equatable {
    public let referenceDate: CalendarDate
    public let step: ForecastStep
    /// Grid dates for h = 1…H; the last is the first grid date on or after the horizon.
    public let dates: [CalendarDate]

    public init(referenceDate: CalendarDate, horizon: CalendarDate, step: ForecastStep) {
        self.referenceDate = referenceDate
        self.step = step
        var dates: [CalendarDate] = []
        var h = 1
        while true {
            let date = Self.endOfPeriod(referenceDate, h: h, step: step)
            dates.append(date)
            if date >= horizon { break }
            h += 1
        }
        self.dates = dates
    }

    /// The end of the h-th calendar month / quarter / year after `reference`.
    static func endOfPeriod(_ reference: CalendarDate, h: Int, step: ForecastStep) -> CalendarDate {
        switch step {
        case .month: return reference.endOfMonth(after: h)
        case .quarter:
            // End of the quarter containing the reference month, then h quarters on.
            let quarterEndMonth = ((reference.month - 1) / 3) * 3 + 3
            let base = CalendarDate(year: reference.year, month: quarterEndMonth, day: 1)!
            return base.endOfMonth(after: 3 * h)
        case .year:
            let base = CalendarDate(year: reference.year, month: 12, day: 1)!
            return base.endOfMonth(after: 12 * h)
        }
    }

    public var times: [Double] { dates.map(\.decimalYear) }
}

/// A variant's levers (DESIGN.md, `variants`): from `from` on, the growth rate is multiplied,
/// the ceiling multiplied, and the level shifted, each by a draw per path.
public struct VariantLevers: Sendable, Equatable {
    public var id: String
    public var from: CalendarDate?
    public var growthMultiplier: PriorDistribution?
    public var ceilingMultiplier: PriorDistribution?
    public var levelShift: PriorDistribution?
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

/// A target as the forecasting layer needs it.
public struct ForecastTarget: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var deadline: CalendarDate
    public var assumed: Bool
    /// On a flow metric: true (the default) compares the total since the first observation
    /// (or launch) with the value; false compares the flow of one reporting period (the
    /// series' median observation spacing) ending at the deadline. Ignored for levels.
    public var cumulative: Bool

    public init(label: String, value: Double, deadline: CalendarDate, assumed: Bool = false, cumulative: Bool = true) {
        self.label = label
        self.value = value
        self.deadline = deadline
        self.assumed = assumed
        self.cumulative = cumulative
    }
}

/// Verdict thresholds on P(met) (DESIGN.md, "Feasibility").
public struct VerdictThresholds: Sendable, Equatable {
    public var onTrack: Double
    public var offTrack: Double

    public init(onTrack: Double = 0.8, offTrack: Double = 0.2) {
        self.onTrack = onTrack
        self.offTrack = offTrack
    }
}

/// A target's verdict (DESIGN.md, "Feasibility"): by P(met) and the thresholds for a
/// deadline still ahead; `met` or `missed` when the data already settle it.
public enum Verdict: String, Sendable, CaseIterable {
    case onTrack = "on_track", atRisk = "at_risk", offTrack = "off_track", met
    /// The deadline has passed in the data without the target being met.
    case missed
}

/// The outcome for one target under one variant (one row of feasibility.csv).
public struct TargetFeasibility: Sendable, Equatable {
    public var target: ForecastTarget
    public var variant: String
    /// P(the level reaches the target value by the deadline).
    public var pMeet: Double
    /// Monte Carlo standard error √(p(1−p)/paths).
    public var pMeetStandardError: Double
    /// 5 %, 50 %, 95 % quantiles of the level at the deadline.
    public var valueAtDeadline: (q05: Double, q50: Double, q95: Double)
    /// 10 %, 50 %, 90 % quantiles of the date first reached; nil when fewer than that share
    /// of paths reach the target by the horizon.
    public var dateReached: (q10: CalendarDate?, q50: CalendarDate?, q90: CalendarDate?)
    public var verdict: Verdict

    public init(target: ForecastTarget, variant: String, pMeet: Double, pMeetStandardError: Double,
                valueAtDeadline: (q05: Double, q50: Double, q95: Double),
                dateReached: (q10: CalendarDate?, q50: CalendarDate?, q90: CalendarDate?), verdict: Verdict) {
        self.target = target; self.variant = variant; self.pMeet = pMeet; self.pMeetStandardError = pMeetStandardError
        self.valueAtDeadline = valueAtDeadline; self.dateReached = dateReached; self.verdict = verdict
    }

    public static func == (a: TargetFeasibility, b: TargetFeasibility) -> Bool {
        a.target == b.target && a.variant == b.variant && a.pMeet == b.pMeet
            && a.pMeetStandardError == b.pMeetStandardError
            && a.valueAtDeadline == b.valueAtDeadline && a.dateReached == b.dateReached && a.verdict == b.verdict
    }
}

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
    /// For shares: 100 or 1; paths stay in [0, bound].
    public var shareBound: Double? { series.shareBound }

    public init(series: AdoptionSeries, families: [CurveFamily], grid: ForecastGrid, variants: [VariantLevers],
                targets: [ForecastTarget], thresholds: VerdictThresholds, paths: Int, seed: UInt64) {
        self.series = series; self.families = families; self.grid = grid; self.variants = variants
        self.targets = targets; self.thresholds = thresholds; self.paths = paths; self.seed = seed
    }
}

/// The fits and the per-variant forecasts of one request.
public struct ForecastResult: Sendable {
    public var fits: [AdoptionFit]
    public var weights: [Double]
    public var failures: [AdoptionFitFailure]
    /// In the order of `ForecastRequest.variants`.
    public var forecasts: [VariantForecast]
    /// Assumptions the forecast made that the scenario did not state (e.g. the default noise).
    public var assumptions: [String]
    /// Per fit (same order as `fits`): what the paths actually draw for each parameter; empty
    /// when the request asked for none (``ForecastRequest/parameterDrawSummaryCount``).
    public var parameterDraws: [FamilyParameterDraws] = []

    public init(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure],
                forecasts: [VariantForecast], assumptions: [String]) {
        self.fits = fits; self.weights = weights; self.failures = failures
        self.forecasts = forecasts; self.assumptions = assumptions
    }
}
