import Foundation

/// What a planner knows about a parameter before seeing data (DESIGN.md, "DIST").
///
/// A prior enters the fit as one extra residual row ρ(φ) with ½ρ² = −log p(φ) + const, the
/// density taken in the unconstrained space φ of the parameter's ``ParameterTransform``.
/// The MAP estimate then comes from the same Levenberg–Marquardt solver, and the Laplace
/// approximation from the same Jacobian (Bishop, *Pattern Recognition and Machine
/// Learning*, §4.4).
///
/// | prior | transform | ρ(φ) |
/// |---|---|---|
/// | normal(μ, s) | identity | (φ − μ)/s |
/// | normal(μ, s) | positive | (e^φ − μ)/s (the θ-space density; no Jacobian term) |
/// | lognormal(m, s) | positive | (φ − log m)/s (exact: lognormal in θ is normal in φ) |
/// | uniform(a, b) | interval(a, b) | sign(φ)·√(2(log(1+e^φ) + log(1+e^−φ) − 2 log 2)) |
///
/// The uniform row is the logistic density of φ that a flat density on (a, b) induces
/// through θ = a + (b − a)σ(φ); its mode is the centre of the range and its 90 % interval
/// covers 90 % of the range. What does not hold: a normal prior on a positive parameter
/// is a MAP in θ-space density, not a full change of variables.
public enum PriorDistribution: Sendable, Equatable, CustomStringConvertible {
    case normal(mean: Double, sd: Double)
    case lognormal(median: Double, sdLog: Double)
    case uniform(lower: Double, upper: Double)

    /// The transform a parameter with this prior should use, given its natural range.
    public func transform(naturallyPositive: Bool) -> ParameterTransform {
        switch self {
        case .normal: return naturallyPositive ? .positive : .identity
        case .lognormal: return .positive
        case let .uniform(lo, hi): return .interval(lower: lo, upper: hi)
        }
    }

    /// The centre of the prior in θ, used as a starting value.
    public var center: Double {
        switch self {
        case let .normal(mean, _): return mean
        case let .lognormal(median, _): return median
        case let .uniform(lo, hi): return (lo + hi) / 2
        }
    }

    /// ρ(φ) and dρ/dφ for this prior under `transform`.
    public func residual(_ phi: Double, transform: ParameterTransform) -> (value: Double, derivative: Double) {
        switch (self, transform) {
        case let (.normal(mean, sd), .positive):
            let theta = exp(phi)
            return ((theta - mean) / sd, theta / sd)
        case let (.normal(mean, sd), _):
            return ((phi - mean) / sd, 1 / sd)
        case let (.lognormal(median, sdLog), _):
            return ((phi - log(median)) / sdLog, 1 / sdLog)
        case (.uniform, _):
            return Self.logisticDensityResidual(phi)
        }
    }

    /// ρ with ½ρ² = log(1+e^φ) + log(1+e^−φ) − 2 log 2 = −log(4σ(φ)(1−σ(φ))).
    /// Near 0 the closed form cancels: there ½ρ² = φ²/4 − φ⁴/96 + O(φ⁶), so
    /// ρ ≈ (φ/√2)(1 − φ²/48) and dρ/dφ ≈ (1/√2)(1 − φ²/16).
    static func logisticDensityResidual(_ phi: Double) -> (value: Double, derivative: Double) {
        if abs(phi) < 1e-3 {
            let r2 = 0.5.squareRoot()
            return (r2 * phi * (1 - phi * phi / 48), r2 * (1 - phi * phi / 16))
        }
        let a = abs(phi)
        // log(1+e^a) + log(1+e^−a) = a + 2 log(1+e^−a), stable for large a.
        let halfSquare = a + 2 * log1p(exp(-a)) - 2 * log(2.0)
        let rho = (2 * halfSquare).squareRoot()
        let s = logistic(a)
        let value = phi < 0 ? -rho : rho
        return (value, (2 * s - 1) / rho)
    }

    public var description: String {
        switch self {
        case let .normal(mean, sd): return "normal(mean \(mean), sd \(sd))"
        case let .lognormal(median, sdLog): return "lognormal(median \(median), sd_log \(sdLog))"
        case let .uniform(lo, hi): return "uniform(\(lo), \(hi))"
        }
    }
}
