import Foundation
import Fitting

/// Deviations of future observations from the curve: an AR(1) process on the error scale
/// of the metric (DESIGN.md, "Monte Carlo": log for counts, logit for shares).
///
///   e₀ = the last observed deviation, g(y_last) − g(f(t_last)),
///   e_h = ρ·e_{h−1} + σ·√(1 − ρ²)·ε_h,  ε_h ~ N(0, 1),
///   y_h = g⁻¹(g(f(t_h)) + e_h),
///
/// with g the ``ErrorModel`` of the last observation, f the path's curve and h the grid
/// step. Var(e_h) = ρ^{2h}·e₀² + σ²(1 − ρ^{2h}) → σ², the fit's noise on the error scale
/// (times ``UncertaintyCalibration/noiseScale``): the band starts at the last observation
/// and widens to the observation noise, so near-term paths are not rougher than the data.
/// The sign is the opposite of ``AdoptionFit/residuals`` (which are g(model) − g(observed)).
///
/// ρ per grid step:
/// - n ≥ 5 observations: the lag-1 autocorrelation r₁ of the fit's residuals, clamped to
///   [0, 0.95], is per observation interval; it is converted to the grid step as
///   r₁^(Δ_grid/Δ_obs), Δ_obs the median spacing of the observations and Δ_grid the mean
///   grid step (an AR(1) sampled at a different interval), then clamped to [0, 0.95] again.
///   So the same data give the same persistence in calendar time whatever the step.
/// - fewer: ρ = 0.5 per step (``defaultCoefficient``), reported as an assumption: too few
///   residuals to estimate a correlation (r₁ from 4 points has a standard error near 0.5).
///
/// What does not hold: observation intervals are rarely equal; r₁ treats them as if they
/// were. Negative autocorrelation is set to 0 (alternating noise around a growth curve is
/// more likely a misfit than a property to extrapolate).
struct ResidualProcess: Sendable, Equatable {
    static let defaultCoefficient = 0.5
    static let minimumObservationsForCoefficient = 5

    let rho: Double
    /// σ on the error scale (calibrated).
    let sigma: Double
    /// e₀.
    let start: Double
    let errorModel: ErrorModel
    /// σ·√(1 − ρ²).
    let innovationSD: Double
    let rhoEstimated: Bool

    init(rho: Double, sigma: Double, start: Double, errorModel: ErrorModel, rhoEstimated: Bool = false) {
        self.rho = rho
        self.sigma = sigma
        self.start = start
        self.errorModel = errorModel
        self.innovationSD = sigma * (1 - rho * rho).squareRoot()
        self.rhoEstimated = rhoEstimated
    }

    /// The process of one fit, on the grid `gridTimes` after `referenceTime`.
    init(fit: AdoptionFit, series: AdoptionSeries, referenceTime: Double, gridTimes: [Double], noiseScale: Double) {
        let n = series.observations.count
        let residuals = Array(fit.residuals.prefix(n))
        var rho = Self.defaultCoefficient
        var estimated = false
        if n >= Self.minimumObservationsForCoefficient, residuals.count == n {
            let perObservation = min(max(Self.lagOneAutocorrelation(residuals), 0), 0.95)
            let times = series.observations.map(\.time)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
            let m = gaps.count
            let medianGap = m % 2 == 1 ? gaps[m / 2] : (gaps[m / 2 - 1] + gaps[m / 2]) / 2
            let gridStep = ((gridTimes.last ?? referenceTime) - referenceTime) / Double(max(gridTimes.count, 1))
            if perObservation > 0, medianGap > 0, gridStep > 0 {
                rho = min(max(pow(perObservation, gridStep / medianGap), 0), 0.95)
            } else {
                rho = 0
            }
            estimated = true
        }
        let start = residuals.last.map { -$0 } ?? 0
        let model = fit.errorModels.last ?? (series.shareBound.map { ErrorModel.logit(bound: $0, denominator: nil) } ?? .log)
        self.init(rho: rho, sigma: fit.sigma * noiseScale, start: start.isFinite ? start : 0,
                  errorModel: model, rhoEstimated: estimated)
    }

    /// r₁ = Σ(eᵢ − ē)(eᵢ₋₁ − ē) / Σ(eᵢ − ē)² (Box & Jenkins); 0 when the residuals are constant.
    static func lagOneAutocorrelation(_ e: [Double]) -> Double {
        guard e.count >= 2 else { return 0 }
        let mean = e.reduce(0, +) / Double(e.count)
        var c0 = 0.0, c1 = 0.0
        for i in e.indices {
            c0 += (e[i] - mean) * (e[i] - mean)
            if i > 0 { c1 += (e[i] - mean) * (e[i - 1] - mean) }
        }
        return c0 > 0 ? c1 / c0 : 0
    }

    /// e_h from e_{h−1} and the innovation ε_h.
    @inline(__always)
    func next(_ previous: Double, innovation: Double) -> Double {
        rho * previous + innovationSD * innovation
    }

    /// The observed value for curve value `level` and deviation `e`.
    @inline(__always)
    func observe(_ level: Double, deviation e: Double) -> Double {
        errorModel.inverse(errorModel.transform(level) + e)
    }
}
