/// Scores of one quantile forecast against one observation: the weighted interval score
/// (WIS) with its three parts, the absolute error of the median and central-interval
/// coverage.
///
/// **Definition** (Bracher, Ray, Gneiting & Reich 2021, "Evaluating epidemic forecasts in an
/// interval format", *PLoS Comput Biol* 17(2): e1008618, eq. 3–4). A forecast given by the
/// median m and K central (1 − αₖ) prediction intervals [lₖ, uₖ] — the αₖ/2 and 1 − αₖ/2
/// quantiles — is scored against the observation y by
///
///     ISₐ(F, y) = (u − l) + (2/α)(l − y)·1(y < l) + (2/α)(y − u)·1(y > u)            (eq. 3)
///     WIS(F, y) = 1/(K + ½) · ( w₀·|y − m| + Σₖ wₖ·IS_αₖ(F, y) ),  w₀ = ½, wₖ = αₖ/2   (eq. 4)
///
/// **Decomposition**, exactly as scoringutils (`wis(..., separate_results = TRUE)`,
/// `interval_score(..., weigh = TRUE)`) computes it: every interval, and the median as the
/// interval of range 0 (α = 1, l = u = m), contributes, with the same 1/(K + ½) and
/// weights,
///
/// - dispersion      (α/2)·(u − l)                — the width (0 for the median);
/// - overprediction  (α/2)·(2/α)·(l − y)·1(y < l) = (l − y)·1(y < l) — the forecast is too high;
/// - underprediction (y − u)·1(y > u)             — the forecast is too low;
///
/// so WIS = dispersion + overprediction + underprediction. (scoringutils takes the weighted
/// mean over its interval rows with weight ½ for the median and 1 for each interval: the
/// same 1/(K + ½) normalisation.) Without a 0.5 level the median term is left out and the
/// normaliser is K, as in scoringutils.
///
/// **Levels.** Every level other than 0.5 must have its mirror 1 − τ (levels are matched
/// after rounding to 10 digits, as scoringutils 2.1.2 does), as scoringutils requires
/// unless `na.rm`; an unpaired level, a lower bound above its upper bound or a non-finite
/// value is a ``ScoringError``.
public struct WeightedIntervalScore: Sendable, Equatable {
    public var wis: Double
    public var dispersion: Double
    public var overprediction: Double
    public var underprediction: Double
    /// K, the number of central intervals scored (the median not counted).
    public var intervalCount: Int

    public init(wis: Double, dispersion: Double, overprediction: Double, underprediction: Double, intervalCount: Int) {
        self.wis = wis; self.dispersion = dispersion; self.overprediction = overprediction
        self.underprediction = underprediction; self.intervalCount = intervalCount
    }
}

/// All scores `uptake compare --actuals` and `uptake backtest` report per forecast.
public struct QuantileForecastScore: Sendable, Equatable {
    public var wis: WeightedIntervalScore
    /// |y − median|.
    public var absoluteErrorOfMedian: Double
    /// y in [q0.25, q0.75] (closed, as scoringutils' `interval_coverage`).
    public var coverage50: Bool
    /// y in [q0.10, q0.90]; false when the forecast has no 0.10 and 0.90 quantiles.
    public var coverage80: Bool
    /// y in [q0.05, q0.95].
    public var coverage90: Bool

    public init(wis: WeightedIntervalScore, absoluteErrorOfMedian: Double, coverage50: Bool, coverage80: Bool = false,
                coverage90: Bool) {
        self.wis = wis; self.absoluteErrorOfMedian = absoluteErrorOfMedian
        self.coverage50 = coverage50; self.coverage80 = coverage80; self.coverage90 = coverage90
    }
}

/// Why a quantile forecast cannot be scored.
public struct ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Pure functions over (levels, values, observation); see ``WeightedIntervalScore``.
public enum ForecastScoring {
    /// The weighted interval score of quantiles `values` at `levels` for `observation`.
    public static func weightedIntervalScore(levels: [Double], values: [Double], observation y: Double) throws -> WeightedIntervalScore {
        let (median, intervals) = try centralIntervals(levels: levels, values: values, observation: y)
        // Sums of the weighted terms (each already multiplied by its α/2) and of the weights.
        var dispersion = 0.0, over = 0.0, under = 0.0, weights = 0.0
        if let m = median {
            // The range-0 interval: α = 1, l = u = m, weight ½ (w₀ = ½ in eq. 4).
            over += 0.5 * max(m - y, 0)
            under += 0.5 * max(y - m, 0)
            weights += 0.5
        }
        for interval in intervals {
            let alpha = interval.alpha
            dispersion += alpha / 2 * (interval.upper - interval.lower)
            if y < interval.lower { over += interval.lower - y }        // (α/2)·(2/α)·(l − y)
            if y > interval.upper { under += y - interval.upper }        // (α/2)·(2/α)·(y − u)
            weights += 1
        }
        guard weights > 0 else { throw ScoringError("no quantile levels to score") }
        dispersion /= weights; over /= weights; under /= weights
        return WeightedIntervalScore(wis: dispersion + over + under, dispersion: dispersion, overprediction: over,
                                     underprediction: under, intervalCount: intervals.count)
    }

    /// Whether `observation` lies in the central `range` interval (0.5: [q0.25, q0.75];
    /// 0.9: [q0.05, q0.95]), bounds included.
    public static func intervalCoverage(levels: [Double], values: [Double], observation y: Double, range: Double) throws -> Bool {
        try validate(levels: levels, values: values, observation: y)
        let lower = try value(at: (1 - range) / 2, levels: levels, values: values)
        let upper = try value(at: (1 + range) / 2, levels: levels, values: values)
        return y >= lower && y <= upper
    }

    /// |observation − the 0.5 quantile|.
    public static func absoluteErrorOfMedian(levels: [Double], values: [Double], observation y: Double) throws -> Double {
        try validate(levels: levels, values: values, observation: y)
        return abs(y - (try value(at: 0.5, levels: levels, values: values)))
    }

    /// WIS, absolute error of the median, 50 %, 80 % (when the levels have it) and 90 % coverage.
    public static func score(levels: [Double], values: [Double], observation y: Double) throws -> QuantileForecastScore {
        QuantileForecastScore(
            wis: try weightedIntervalScore(levels: levels, values: values, observation: y),
            absoluteErrorOfMedian: try absoluteErrorOfMedian(levels: levels, values: values, observation: y),
            coverage50: try intervalCoverage(levels: levels, values: values, observation: y, range: 0.5),
            coverage80: (try? intervalCoverage(levels: levels, values: values, observation: y, range: 0.8)) ?? false,
            coverage90: try intervalCoverage(levels: levels, values: values, observation: y, range: 0.9))
    }

    // MARK: Levels → intervals

    struct CentralInterval { var alpha: Double; var lower: Double; var upper: Double }

    /// Levels rounded to 10 digits (scoringutils 2.1.2 does the same, so that 1 − 0.15 and
    /// 0.85 are the same level).
    static func rounded(_ level: Double) -> Double { (level * 1e10).rounded() / 1e10 }

    static func validate(levels: [Double], values: [Double], observation y: Double) throws {
        guard levels.count == values.count else {
            throw ScoringError("\(levels.count) quantile levels but \(values.count) values")
        }
        guard y.isFinite else { throw ScoringError("the observation must be a finite number, got \(y)") }
        for (level, value) in zip(levels, values) {
            guard level.isFinite, level > 0, level < 1 else { throw ScoringError("quantile level \(level) is not in (0, 1)") }
            guard value.isFinite else { throw ScoringError("the quantile at level \(level) is not a finite number") }
        }
        let keys = levels.map(rounded)
        if Set(keys).count != keys.count { throw ScoringError("a quantile level is given twice") }
    }

    static func value(at level: Double, levels: [Double], values: [Double]) throws -> Double {
        let key = rounded(level)
        guard let index = levels.firstIndex(where: { rounded($0) == key }) else {
            throw ScoringError("the \(key) quantile is needed but not given")
        }
        return values[index]
    }

    /// The median (if the 0.5 level is given) and the central intervals, widest first.
    static func centralIntervals(levels: [Double], values: [Double], observation y: Double) throws -> (median: Double?, intervals: [CentralInterval]) {
        try validate(levels: levels, values: values, observation: y)
        let keys = levels.map(rounded)
        var byLevel: [Double: Double] = [:]
        for (key, value) in zip(keys, values) { byLevel[key] = value }
        var intervals: [CentralInterval] = []
        var unpaired: [Double] = []
        for key in keys.sorted() where key < 0.5 {
            guard let upper = byLevel[rounded(1 - key)] else { unpaired.append(key); continue }
            let lower = byLevel[key]!
            guard lower <= upper else {
                throw ScoringError("the \(key) quantile (\(lower)) is above the \(rounded(1 - key)) quantile (\(upper))")
            }
            intervals.append(CentralInterval(alpha: 2 * key, lower: lower, upper: upper))
        }
        for key in keys where key > 0.5 && byLevel[rounded(1 - key)] == nil { unpaired.append(key) }
        if !unpaired.isEmpty {
            throw ScoringError("quantile levels \(unpaired.sorted().map { "\($0)" }.joined(separator: ", ")) have no mirror level "
                + "(1 − level): the WIS needs central intervals")
        }
        return (byLevel[0.5], intervals)
    }
}
