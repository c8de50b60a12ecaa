import Foundation

/// A metric's natural scale, the one the Monte Carlo adds its noise on and the local trend
/// walks on (DESIGN.md, "Monte Carlo": physics by
/// transformation, not clipping): the logit of [0, bound] for shares and "k of N" counts,
/// the log for unbounded counts and flows. A value on the scale maps back into the metric's
/// range, so a path never needs clipping: y = B·σ(z) ∈ (0, B), y = e^z > 0.
public enum NaturalScale: Sendable, Equatable {
    case logit(bound: Double)
    case log

    /// h(y); ±∞ at the ends of the range (a latent level of exactly 0 or B stays there).
    @inline(__always)
    public func transform(_ y: Double) -> Double {
        switch self {
        case let .logit(bound): return Foundation.log(y / (bound - y))
        case .log: return Foundation.log(y)
        }
    }

    /// h⁻¹(z).
    @inline(__always)
    public func inverse(_ z: Double) -> Double {
        switch self {
        case let .logit(bound): return bound / (1 + exp(-z))
        case .log: return exp(z)
        }
    }

    /// The scale of a series: the logit of [0, bound] when the metric has a bound (a share,
    /// a "k of N" count) and is a level, the log otherwise.
    public static func of(_ series: AdoptionSeries) -> NaturalScale {
        if series.kind == .level, let bound = series.bound { return .logit(bound: bound) }
        return .log
    }

    /// d h⁻¹(z)/dz.
    public func inverseDerivative(_ z: Double) -> Double {
        switch self {
        case let .logit(bound):
            let s = 1 / (1 + exp(-z))
            return bound * s * (1 - s)
        case .log: return exp(z)
        }
    }

    /// h′(y).
    public func derivative(_ y: Double) -> Double {
        switch self {
        case let .logit(bound): return bound / (y * (bound - y))
        case .log: return 1 / y
        }
    }

    /// h(y) for an observed value, kept finite: a value within `floor` of an end of the
    /// range is read `floor` inside it (``observationFloor(_:)``).
    public func transformObserved(_ y: Double, floor: Double) -> Double {
        switch self {
        case let .logit(bound): return transform(min(max(y, floor), bound - floor))
        case .log: return transform(max(y, floor))
        }
    }

    /// How far inside its range an observation at an end is read, so that its h is finite:
    /// for a share, half a unit of its denominator ("0 of N" as ½ of N, the empirical logit's
    /// correction; N = the last observation's denominator, a "k of N" count's N, else 1,000);
    /// for a count, ½ (the continuity correction of a count), or half the smallest positive
    /// observation when that is smaller (a rate per 100 people of 0.01 is not a count).
    public static func observationFloor(_ series: AdoptionSeries) -> Double {
        switch of(series) {
        case let .logit(bound):
            var units = ErrorModel.defaultShareDenominator
            if case let .logit(_, denominator)? = series.errorModels.last, let denominator { units = denominator }
            else if series.shareBound == nil { units = bound }
            return bound / units / 2
        case .log:
            let smallest = series.observations.map(\.value).filter { $0 > 0 }.min() ?? 1
            return min(0.5, smallest / 2)
        }
    }

    /// The clamp of a latent level into the range (a linear trend below 0, a lever above B).
    @inline(__always)
    public func clamp(_ y: Double) -> Double {
        switch self {
        case let .logit(bound): return min(max(y, 0), bound)
        case .log: return max(y, 0)
        }
    }
}
