import Foundation

extension NaturalScale {
    /// h⁻¹(h(y) + d): the level y moved by d on the natural scale, without the logarithm h
    /// would take — y·e^d on the log scale, B·y/(y + (B − y)·e^(−d)) for the logit of [0, B].
    /// The ends map to themselves (y = 0 gives 0, y = B gives B).
    @inline(__always)
    public func shifted(_ y: Double, by d: Double) -> Double {
        switch self {
        case .log: return y * exp(d)
        case let .logit(bound): return bound * y / (y + (bound - y) * exp(-d))
        }
    }
}
