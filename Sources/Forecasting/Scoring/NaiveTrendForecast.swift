/// The naive baseline of `uptake backtest` (issue 5, DESIGN.md "Intervals must be honest"):
/// the last value plus its mean change over the last 3 periods, with intervals from the
/// empirical quantiles of past h-step changes around that trend.
///
/// For a history y₁ … yₙ at regular periods (the series' own observation steps) and
/// m = min(3, n − 1):
///
/// - trend d = (yₙ − yₙ₋ₘ)/m, the mean change over the last m periods;
/// - point forecast h steps ahead: yₙ + h·d;
/// - deviations eₜ = (yₜ₊ₕ − yₜ) − h·d for t = 1 … n − h: the past h-step changes around the
///   trend;
/// - quantile τ: yₙ + h·d + Q_τ(e), Q the type-7 sample quantile (R's and numpy's default).
///
/// When fewer than 3 past h-step changes exist (h > n − 3), the deviations over the longest
/// span that has 3, H = max(1, n − 3), are scaled by h/H (trend errors grow about linearly
/// with the horizon), so that an interval never rests on one or two changes. Values
/// are clamped to [lower, upper] (0 and the share's bound), which keeps the quantiles
/// non-decreasing. It needs n ≥ 2.
public enum NaiveTrendForecast {
    /// The periods the trend averages over.
    public static let trendWindow = 3
    /// The fewest past changes an interval is built from (when the history has them).
    public static let minimumChanges = 3

    /// `result[i][l]`: the quantile at `levels[l]` for `horizons[i]` steps after the last value.
    public static func quantiles(history y: [Double], horizons: [Int], levels: [Double],
                                 lower: Double? = 0, upper: Double? = nil) throws -> [[Double]] {
        let n = y.count
        guard n >= 2 else { throw ScoringError("the naive trend needs at least 2 past values, got \(n)") }
        guard y.allSatisfy(\.isFinite) else { throw ScoringError("the naive trend needs finite past values") }
        let m = min(trendWindow, n - 1)
        let trend = (y[n - 1] - y[n - 1 - m]) / Double(m)
        return try horizons.map { h in
            guard h >= 1 else { throw ScoringError("horizons start at 1, got \(h)") }
            let span = max(1, min(h, n - minimumChanges))
            let scale = Double(h) / Double(span)
            var deviations = (0..<(n - span)).map { t in
                ((y[t + span] - y[t]) - Double(span) * trend) * scale
            }
            deviations.sort()
            let point = y[n - 1] + Double(h) * trend
            return levels.map { level in
                var value = point + SampleQuantiles.quantile(sorted: deviations, level)
                if let lower { value = max(value, lower) }
                if let upper { value = min(value, upper) }
                return value
            }
        }
    }
}
