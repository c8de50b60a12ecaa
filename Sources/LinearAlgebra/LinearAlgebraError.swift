/// A failure reported by BLAS/LAPACK, translated from its integer `info` code.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Argument `index` (1-based, in LAPACK's own numbering) of `routine` was invalid:
    /// a programming error in the caller, never a property of the data.
    case illegalArgument(routine: String, index: Int)
    /// The leading minor of order `order` is not positive definite (potrf).
    case notPositiveDefinite(order: Int)
    /// A triangular factor has an exact zero on its diagonal at `index` (trtrs, getrf).
    case singular(index: Int)
    /// The SVD's bidiagonal QR iteration did not converge (`count` superdiagonals left).
    case svdDidNotConverge(count: Int)
    /// Dimensions passed to an operation do not agree.
    case dimensionMismatch(String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, index):
            return "LAPACK \(routine): argument \(index) was invalid"
        case let .notPositiveDefinite(order):
            return "matrix is not positive definite (leading minor of order \(order))"
        case let .singular(index):
            return "matrix is singular (zero pivot at \(index))"
        case let .svdDidNotConverge(count):
            return "SVD did not converge (\(count) superdiagonals)"
        case let .dimensionMismatch(what):
            return "dimension mismatch: \(what)"
        }
    }
}
