import Foundation
import LinearAlgebra

/// The local-trend model (`local_trend`, DESIGN.md "A local-trend model beside the curves"):
/// a random walk with drift on the metric's natural scale z = h(y) (``NaturalScale``: the
/// logit of [0, bound] for shares and "k of N" counts, the log for counts),
///
///   z(t) = z(t_n) + d·(t − t_n) + s·W(t − t_n),  W a standard Brownian motion (years),
///
/// the standard forecaster's answer to series that keep growing at a steady pace on that
/// scale long after a fitted S-curve says they should flatten (Hyndman & Athanasopoulos,
/// *Forecasting: Principles and Practice*, 3rd ed., §5.2, "drift method", on the
/// transformed scale, §5.6).
///
/// Estimated from the recent history only — the observations of the last ``window`` years
/// before the last one (at least the last three):
/// - level z₀ = h(y_n), the last observation (its time is the curve's reference time);
/// - drift d = (z_n − z_first)/(t_n − t_first) over the window, the drift method's estimate
///   (the mean of the changes, whatever their spacing);
/// - walk sd s = √(Σ rᵢ²/(m − 1)), rᵢ = (Δzᵢ − d·Δtᵢ)/√Δtᵢ the window's m changes around the
///   drift, each scaled to one year; at least ``minimumWalkSD``; with fewer than 3 changes,
///   the series' noise prior's median (reported as assumed);
/// - drift uncertainty sd(d) = s/√(t_n − t_first) (the drift of a random walk observed over
///   that span).
///
/// Observations at an end of the range (a share of 0 or 100 %, a count of 0) are read
/// ``NaturalScale/observationFloor(_:)`` inside it.
public enum LocalTrend {
    /// Years of history the drift and the walk are estimated from.
    public static let window = 10.0
    /// The fewest observations the model needs (one change; the walk sd is then assumed).
    public static let minimumObservations = 2
    /// A floor on s per √year: a perfectly straight recent history does not make the future
    /// certain.
    public static let minimumWalkSD = 0.02

    public static func fit(_ series: AdoptionSeries) throws -> AdoptionFit {
        let family = CurveFamily.localTrend
        guard series.kind == .level else {
            throw AdoptionFitFailure(family: family, reason: "the local trend needs observed levels, not flows")
        }
        let observations = series.observations.filter { $0.value.isFinite }
        guard observations.count >= minimumObservations, let last = observations.last else {
            throw AdoptionFitFailure(family: family, reason: "the local trend needs at least \(minimumObservations) observations, "
                + "got \(observations.count)")
        }
        let scale = NaturalScale.of(series)
        let floor = NaturalScale.observationFloor(series)
        var window = observations.filter { $0.time >= last.time - Self.window - 1e-9 }
        if window.count < 3 { window = Array(observations.suffix(3)) }
        let z = window.map { scale.transformObserved($0.value, floor: floor) }
        let span = last.time - window[0].time
        guard span > 0 else { throw AdoptionFitFailure(family: family, reason: "the observations share one date") }
        let drift = (z[z.count - 1] - z[0]) / span
        var changes: [Double] = []
        for i in 1..<window.count {
            let dt = window[i].time - window[i - 1].time
            guard dt > 0 else { continue }
            changes.append((z[i] - z[i - 1] - drift * dt) / dt.squareRoot())
        }
        let estimated = changes.count >= 3
        let walk = estimated
            ? max((changes.reduce(0) { $0 + $1 * $1 } / Double(changes.count - 1)).squareRoot(), minimumWalkSD)
            : max(series.noisePrior.center, minimumWalkSD)
        let driftSD = walk / span.squareRoot()

        let curve = LaunchAnchoredCurve(AdoptionCurve(family, referenceTime: last.time, scale: scale), launch: nil)
        var covariance = Matrix(rows: 2, columns: 2)
        covariance[1, 1] = driftSD * driftSD
        let theta = [z[z.count - 1], drift]
        let years = { (t: Double) in String(format: "%.0f", t.rounded(.down)) }
        var diagnostics = [String(format: "local trend: drift %.4g per year on the %@ scale from %d observations (%@–%@); "
            + "walk sd %.3g per √year", drift, scale.name, window.count, years(window[0].time), years(last.time), walk)]
        if !estimated {
            diagnostics.append(String(format: "too few changes to estimate the walk: assumed sd = %.3g per √year", walk))
        }
        let rss = changes.reduce(0) { $0 + $1 * $1 }
        return AdoptionFit(
            family: family, curve: curve, parameterNames: curve.parameterNames, estimates: theta,
            freeIndices: [0, 1], transforms: [.identity, .identity], unconstrainedEstimates: theta,
            unconstrainedCovariance: covariance, standardErrors: [0, driftSD],
            intervals: [(theta[0], theta[0]), (drift - 1.96 * driftSD, drift + 1.96 * driftSD)],
            residuals: changes, errorModels: series.errorModels, sigma: walk,
            noiseSource: estimated ? .estimated : .assumed, observationCount: window.count, freeParameterCount: 2,
            rss: rss, aicc: nil, logEvidence: nil, termination: .zeroResidual, iterations: 0,
            diagnostics: diagnostics, sources: [.data, .data])
    }
}

extension LocalTrend {
    /// The standardised forecast error of an observation `dt` years after the fit's last
    /// one, r = (h(y) − (z₀ + d·dt)) / (s·√dt): the quantity the real-panel error table
    /// (Forecasting's ErrorQuantileTable) holds and a series' own past errors are compared
    /// with. NaN for dt ≤ 0.
    public static func standardisedError(_ fit: AdoptionFit, value: Double, after dt: Double,
                                         scale: NaturalScale, floor: Double) -> Double {
        guard dt > 0 else { return .nan }
        let predicted = fit.estimates[0] + fit.estimates[1] * dt
        return (scale.transformObserved(value, floor: floor) - predicted) / (fit.sigma * dt.squareRoot())
    }
}

extension NaturalScale {
    /// "logit" or "log".
    public var name: String {
        switch self {
        case .logit: return "logit"
        case .log: return "log"
        }
    }
}
