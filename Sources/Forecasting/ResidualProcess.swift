import Foundation
import Fitting

/// Deviations of future observations from the path's latent curve: an Ornstein–Uhlenbeck
/// process (a continuous-time AR(1)) on the metric's natural scale (``NaturalScale``),
/// DESIGN.md "Monte Carlo".
///
///   de = −κ·e dt + σ·√(2κ) dW,   y(t) = h⁻¹(h(L(t)) + e(t)),
///
/// with h the natural scale, L the path's latent (monotone) curve, κ the mean reversion per
/// year and σ the stationary standard deviation. The transition over any Δt is exact
/// (Uhlenbeck & Ornstein 1930; Gillespie, *Phys. Rev. E* 54, 1996):
///
///   e(t + Δt) = a·e(t) + σ·√(1 − a²)·ε,  a = e^(−κΔt),  ε ~ N(0, 1),
///
/// so the distribution of the value on a date does not depend on the grid it is computed
/// on: a monthly, quarterly or yearly output step sees the same process. Var(e(t)) =
/// a(t)²·e₀² + σ²(1 − a(t)²) → σ²: the band starts at the last observation and widens to the
/// observation noise.
///
/// Between two clock points the process is bridged exactly (a deadline in mid-month):
/// e(t) | e(t₁), e(t₂) is normal with precision 1/(σ²(1 − a²)) + b²/(σ²(1 − b²)) and mean
/// (a·e(t₁)/(1 − a²) + b·e(t₂)/(1 − b²))/(1/(1 − a²) + b²/(1 − b²)), a = e^(−κ(t − t₁)),
/// b = e^(−κ(t₂ − t)).
///
/// κ from the data: with n ≥ 5 observations, the lag-1 autocorrelation r₁ of the fit's
/// residuals (clamped to [0, 0.95]) is read as the correlation over the median observation
/// spacing Δ: κ = −log(r₁)/Δ (an OU sampled every Δ is an AR(1) with coefficient e^(−κΔ));
/// r₁ = 0 gives κ = ∞ (independent errors at every date). With fewer observations the
/// correlation over one year is assumed to be ½ (κ = log 2 per year: deviations halve in a
/// year), reported as an assumption: r₁ from four points has a standard error near 0.5.
///
/// What does not hold: r₁ treats unequal observation spacings as equal, and negative
/// autocorrelation is set to 0 (alternating noise around a growth curve is more likely a
/// misfit than a property to extrapolate).
struct ResidualProcess: Sendable, Equatable {
    /// κ per year when the data cannot estimate it: a correlation of ½ over one year.
    static let defaultMeanReversion = log(2.0)
    static let minimumObservationsForMeanReversion = 5

    /// κ per year (may be +∞: independent deviations).
    let meanReversion: Double
    /// σ, the stationary standard deviation on the natural scale (calibrated).
    let sigma: Double
    let meanReversionEstimated: Bool

    /// A random walk (the local trend, ``LocalTrend``): no mean reversion, e(t + Δt) =
    /// e(t) + σ√Δt·ε, σ per √year; κ = 0 marks it.
    static func randomWalk(sd: Double) -> ResidualProcess {
        ResidualProcess(meanReversion: 0, sigma: sd)
    }

    var isRandomWalk: Bool { meanReversion == 0 }

    init(meanReversion: Double, sigma: Double, meanReversionEstimated: Bool = false) {
        precondition(meanReversion >= 0 && sigma >= 0)
        self.meanReversion = meanReversion
        self.sigma = sigma
        self.meanReversionEstimated = meanReversionEstimated
    }

    /// The process of one fit: σ converted to the natural scale at the last observation,
    /// times `noiseScale`; κ as in the type's documentation.
    init(fit: AdoptionFit, series: AdoptionSeries, scale: NaturalScale, noiseScale: Double) {
        let n = series.observations.count
        let residuals = Array(fit.residuals.prefix(n))
        var kappa = Self.defaultMeanReversion
        var estimated = false
        if n >= Self.minimumObservationsForMeanReversion, residuals.count == n {
            let r1 = min(max(Self.lagOneAutocorrelation(residuals), 0), 0.95)
            let times = series.observations.map(\.time)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
            let m = gaps.count
            let medianGap = m % 2 == 1 ? gaps[m / 2] : (gaps[m / 2 - 1] + gaps[m / 2]) / 2
            if medianGap > 0 {
                kappa = r1 > 0 ? -log(r1) / medianGap : .infinity
                estimated = true
            }
        }
        // The fit's σ is on its error scale; h′/g′ at the last observation converts it.
        var sigma = fit.sigma
        if let model = fit.errorModels.last, let last = series.observations.last?.value {
            let g = model.derivative(last), h = scale.derivative(last)
            if g > 0, h.isFinite, h > 0, !Self.sameScale(model, scale) { sigma *= h / g }
        }
        self.init(meanReversion: kappa, sigma: sigma * noiseScale, meanReversionEstimated: estimated)
    }

    /// Log and logit error models are the natural scale up to the ½-unit continuity
    /// correction: no conversion.
    private static func sameScale(_ model: ErrorModel, _ scale: NaturalScale) -> Bool {
        switch (model, scale) {
        case (.log, .log), (.logit, .logit): return true
        default: return false
        }
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

    /// a = e^(−κΔt), the correlation over Δt.
    @inline(__always)
    func decay(over dt: Double) -> Double {
        meanReversion.isFinite ? exp(-meanReversion * dt) : 0
    }

    /// The sd of the innovation over Δt: σ√(1 − a²), or σ√Δt for the random walk.
    func innovationSD(over dt: Double) -> Double {
        if isRandomWalk { return sigma * dt.squareRoot() }
        let a = decay(over: dt)
        return sigma * (1 - a * a).squareRoot()
    }

    /// The exact transition over Δt: a·e + σ√(1 − a²)·ε.
    @inline(__always)
    func next(_ e: Double, over dt: Double, innovation: Double) -> Double {
        if isRandomWalk { return e + sigma * dt.squareRoot() * innovation }
        let a = decay(over: dt)
        return a * e + sigma * (1 - a * a).squareRoot() * innovation
    }

    /// The exact bridge: e at t₁ + δ₁ given e₁ at t₁ and e₂ at t₁ + δ₁ + δ₂.
    @inline(__always)
    func bridge(_ e1: Double, _ e2: Double, before d1: Double, after d2: Double, innovation: Double) -> Double {
        if d1 <= 0 { return e1 }
        if d2 <= 0 { return e2 }
        if isRandomWalk {   // the Brownian bridge
            let w = d1 / (d1 + d2)
            return e1 + w * (e2 - e1) + sigma * (d1 * d2 / (d1 + d2)).squareRoot() * innovation
        }
        let a = decay(over: d1), b = decay(over: d2)
        let va = 1 - a * a, vb = 1 - b * b
        let precision = 1 / va + b * b / vb
        let mean = (a * e1 / va + b * e2 / vb) / precision
        return mean + sigma * (1 / precision).squareRoot() * innovation
    }
}

