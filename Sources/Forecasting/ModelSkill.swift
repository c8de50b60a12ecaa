import Foundation
import Fitting

/// Out-of-sample skill of the candidate families on a series' own past (DESIGN.md, "Model
/// choice": "weights across candidates by out-of-sample skill where the history allows it").
///
/// Rolling origins: for each of the last ``origins`` observations k that leave at least
/// ``minimumTraining`` before them, every family is fitted to observations 1…k (with the
/// same defaults as the forecast, `prepare`) and its point forecast — the fitted curve, the
/// local trend's drift line — is compared with the next ``horizon`` observations on the
/// natural scale (``NaturalScale``: logit or log, so a share's 1-point miss near 0 and near
/// 100 % weigh as the metric's own noise does).
///
/// Weights: wᵢ ∝ 1/MSEᵢ, the inverse mean squared error of each family over the same cells
/// (Bates & Granger, *Operational Research Quarterly* 20, 1969; the combination that
/// forecasting competitions keep finding hard to beat, Smith & Wallis, *Oxford Bulletin of
/// Economics and Statistics* 71, 2009). A family that fails at an origin, or has no
/// finite error in half of the cells, gets weight 0. Stacking on the quantile loss (the
/// issue's suggestion) would need a Monte Carlo run per origin and family; the point
/// forecast's error is the part of the skill the rolling origins measure well with ~15 cells.
///
/// Used when the ensemble has the local trend (which has no AICc to compare) and the series
/// has at least ``minimumObservations`` observations; otherwise AICc or evidence weights
/// (``ModelWeights``). Measured on the three real series of docs/forecasting.md, skill
/// weights for the curves alone did worse than AICc (car stock: relative WIS 0.38 against
/// 0.26), and a sharper rule (MSE⁻², MSE⁻⁴, MSE⁻⁸) worse still (0.45, 0.58, 0.72), so they
/// are not used for curve-only ensembles.
public enum ModelSkill {
    /// The shortest series weighted by skill.
    public static let minimumObservations = 8
    static let origins = 5
    static let horizon = 3
    static let minimumTraining = 4

    /// The weights of `families` (nil when the series is too short or no family has skill).
    public static func weights(_ families: [CurveFamily], series: AdoptionSeries,
                               prepare: (AdoptionSeries) -> AdoptionSeries) -> [Double]? {
        let n = series.observations.count
        guard n >= minimumObservations, series.kind == .level else { return nil }
        let scale = NaturalScale.of(series)
        let floor = NaturalScale.observationFloor(series)
        let fitter = AdoptionFitter()
        let first = max(minimumTraining, n - 1 - origins)
        var sums = [Double](repeating: 0, count: families.count)
        var counts = [Int](repeating: 0, count: families.count)
        var cells = 0
        for k in first..<(n - 1) {
            var training = series
            training.observations = Array(series.observations.prefix(k))
            training.errorModels = Array(series.errorModels.prefix(k))
            training = prepare(training)
            let ahead = series.observations[k..<min(n, k + horizon)]
            cells += ahead.count
            for (f, family) in families.enumerated() {
                guard let fit = try? fitter.fit(family, to: training), fit.converged || family == .localTrend else { continue }
                for o in ahead {
                    let predicted = fit.curve.level(at: o.time, fit.estimates)
                    let error = scale.transformObserved(o.value, floor: floor) - scale.transformObserved(predicted, floor: floor)
                    guard error.isFinite else { continue }
                    sums[f] += error * error
                    counts[f] += 1
                }
            }
        }
        guard cells > 0 else { return nil }
        let mse = zip(sums, counts).map { sum, count -> Double in
            guard 2 * count >= cells, count > 0 else { return .infinity }
            return max(sum / Double(count), 1e-12)
        }
        guard let best = mse.min(), best.isFinite else { return nil }
        let inverse = mse.map { $0.isFinite ? best / $0 : 0 }
        let total = inverse.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        return inverse.map { $0 / total }
    }

    /// The local trend's own standardised errors on the series' past, r = (z − ẑ_h)/(s·√h),
    /// from rolling origins (every observation after the first ``minimumTraining``, up to
    /// ``horizon`` observations ahead), with their horizons in years.
    static func localTrendErrors(_ series: AdoptionSeries) -> [(horizon: Double, error: Double)] {
        let n = series.observations.count
        guard n > minimumTraining, series.kind == .level else { return [] }
        let scale = NaturalScale.of(series)
        let floor = NaturalScale.observationFloor(series)
        var out: [(Double, Double)] = []
        for k in minimumTraining..<n {
            var training = series
            training.observations = Array(series.observations.prefix(k))
            guard let fit = try? LocalTrend.fit(training), fit.sigma > 0 else { continue }
            let last = training.observations[k - 1].time
            for o in series.observations[k..<min(n, k + horizon)] {
                let h = o.time - last
                guard h > 0 else { continue }
                out.append((h, LocalTrend.standardisedError(fit, value: o.value, after: h, scale: scale, floor: floor)))
            }
        }
        return out
    }

    /// How much wider (> 1) or narrower the series' own past errors say its local trend's
    /// band should be than the panel table: f = √(Σ rᵢ² / Σ E[R²_{hᵢ}]) over its own
    /// standardised errors, shrunk towards 1 on the log scale with weight n/(n + 20)
    /// (20 pseudo-errors at the table's value), so a series needs about 20 of its own errors
    /// to move its band halfway to what they say. 1 with fewer than 5.
    static func ownErrorFactor(_ series: AdoptionSeries, table: ErrorQuantileTable, kind: ErrorQuantileTable.Kind) -> Double {
        let errors = localTrendErrors(series)
        guard errors.count >= 5 else { return 1 }
        var own = 0.0, expected = 0.0
        for (h, r) in errors {
            own += r * r
            // E[R²] by the table's quantiles at evenly spaced levels (a midpoint rule).
            var m2 = 0.0
            for i in 0..<40 {
                let q = table.quantile(kind, horizon: h, level: (Double(i) + 0.5) / 40) ?? 1
                m2 += q * q / 40
            }
            expected += m2
        }
        guard own > 0, expected > 0 else { return 1 }
        let n = Double(errors.count)
        let logFactor = 0.5 * log(own / expected)
        return exp(n / (n + 20) * logFactor)
    }
}
