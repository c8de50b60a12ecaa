import Foundation

/// A smooth, invertible map from an unconstrained value φ ∈ ℝ to a parameter θ in its
/// valid range. The solver and the Gaussian (Laplace) approximation work in φ; people read θ.
///
/// - `identity`: θ = φ (timing parameters, intercepts, slopes).
/// - `positive`: θ = e^φ (ceilings, growth rates, shapes). Intervals become asymmetric in θ.
/// - `interval(lo, hi)`: θ = lo + (hi − lo)·σ(φ), σ the logistic function (a ceiling given as
///   a range). θ never reaches the ends, so the fit cannot sit on a bound.
///
/// Reference: the transforms of Stan's constrained parameters (Stan Reference Manual,
/// "Constraint transforms"), used here for a MAP + Laplace fit.
public enum ParameterTransform: Sendable, Equatable, CustomStringConvertible {
    case identity
    case positive
    case interval(lower: Double, upper: Double)

    /// θ(φ).
    public func constrained(_ phi: Double) -> Double {
        switch self {
        case .identity: return phi
        case .positive: return exp(phi)
        case let .interval(lo, hi): return lo + (hi - lo) * logistic(phi)
        }
    }

    /// dθ/dφ.
    public func derivative(_ phi: Double) -> Double {
        switch self {
        case .identity: return 1
        case .positive: return exp(phi)
        case let .interval(lo, hi):
            let s = logistic(phi)
            return (hi - lo) * s * (1 - s)
        }
    }

    /// φ(θ); θ is clamped just inside an interval so that a start on a bound stays finite.
    public func unconstrained(_ theta: Double) -> Double {
        switch self {
        case .identity: return theta
        case .positive: return log(max(theta, Double.leastNormalMagnitude))
        case let .interval(lo, hi):
            let u = min(max((theta - lo) / (hi - lo), 1e-9), 1 - 1e-9)
            return log(u / (1 - u))
        }
    }

    public var description: String {
        switch self {
        case .identity: return "identity"
        case .positive: return "log"
        case let .interval(lo, hi): return "logit[\(lo), \(hi)]"
        }
    }
}

/// σ(x) = 1/(1 + e^(−x)) without overflow for large |x|.
@inlinable
func logistic(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}
