import Foundation

/// The scale on which observation errors are additive and homoscedastic (DESIGN.md,
/// `metric.error`): residual eᵢ = g(model) − g(observed).
///
/// - `additive`: g(y) = y. The reference fits of the literature (NIST, Bass 1969).
/// - `log`: g(y) = log(y + ½) — counts; errors are relative. The ½ keeps an observation of 0
///   finite and is negligible for counts in the hundreds (it is the continuity correction of
///   the log of a count, as in the empirical logit).
/// - `logit(bound:)`: g(y) = log((y + ½c)/(B − y + ½c)) with c = B/N — shares of a bound B
///   (1 for fractions, 100 for percentages) observed as N units ("168 of 542": N = 542).
///   With a denominator this is Cox's empirical logistic transform (Cox & Snell, *Analysis of
///   Binary Data*, 2nd ed., 1989, §2.1.6): log((k + ½)/(N − k + ½)), finite at 0 of N and at
///   N of N (687 of 687). Without one, N defaults to 1000 (c = B/1000), so a share of
///   exactly 0 % or 100 % maps to ±7.6 rather than ±∞.
///
/// The same g is applied to the model value, so the fit is smooth and exact at interior
/// points, and observations on the bound pull the curve towards it without breaking it.
/// A model value outside the metric's range (a linear trend below 0 or above 100 %) is read
/// as the nearest end of the range (g′ = 0 there): the physics of the metric, not an error.
public enum ErrorModel: Sendable, Equatable, CustomStringConvertible {
    case additive
    case log
    case logit(bound: Double, denominator: Double?)

    /// The number of units assumed for a share given without a denominator.
    public static let defaultShareDenominator = 1000.0

    /// g(y).
    public func transform(_ value: Double) -> Double {
        switch self {
        case .additive: return value
        case .log: return Foundation.log(max(value, 0) + 0.5)
        case let .logit(bound, denominator):
            let c = bound / (denominator ?? Self.defaultShareDenominator) / 2
            let y = min(max(value, 0), bound)
            return Foundation.log((y + c) / (bound - y + c))
        }
    }

    /// g′(y).
    public func derivative(_ y: Double) -> Double {
        switch self {
        case .additive: return 1
        case .log: return y < 0 ? 0 : 1 / (y + 0.5)
        case let .logit(bound, denominator):
            if y < 0 || y > bound { return 0 }
            let c = bound / (denominator ?? Self.defaultShareDenominator) / 2
            return 1 / (y + c) + 1 / (bound - y + c)
        }
    }

    /// g⁻¹(z), to map a point on the error scale back to the metric's unit.
    public func inverse(_ z: Double) -> Double {
        switch self {
        case .additive: return z
        case .log: return exp(z) - 0.5
        case let .logit(bound, denominator):
            let c = bound / (denominator ?? Self.defaultShareDenominator) / 2
            let s = logistic(z)
            return s * (bound + 2 * c) - c
        }
    }

    public var description: String {
        switch self {
        case .additive: return "additive"
        case .log: return "log"
        case .logit: return "logit"
        }
    }
}
