import Fitting

extension NaturalScale {
    /// ``NaturalScale/shifted(_:by:)`` for four levels at once (``VectorMath/exp(_:)``).
    @inlinable @inline(__always)
    public func shifted(_ y: SIMD4<Double>, by d: SIMD4<Double>) -> SIMD4<Double> {
        switch self {
        case .log:
            return y * VectorMath.exp(d)
        case let .logit(bound):
            return bound * y / (y + (bound - y) * VectorMath.exp(-d))
        }
    }
}
