import CLinearAlgebra

/// The eigendecomposition A = V·diag(λ)·Vᵀ of a symmetric n × n matrix (LAPACK `dsyevd`,
/// divide and conquer), eigenvalues in increasing order, V orthogonal.
///
/// ```swift
/// let e = try SymmetricEigendecomposition(Matrix([[2, 1], [1, 2]]))
/// e.values          // [1, 3]
/// e.vectors[0, 1]   // first component of the eigenvector of 3
/// ```
///
/// Only the lower triangle of `a` is read. What does not hold: for an indefinite or
/// nearly singular matrix the eigenvectors of clustered eigenvalues are not unique; the
/// reconstruction V·diag(λ)·Vᵀ still is accurate to O(ε‖A‖).
public struct SymmetricEigendecomposition: Sendable {
    /// n eigenvalues, smallest first.
    public let values: [Double]
    /// n × n, column j the unit eigenvector of `values[j]`.
    public let vectors: Matrix

    /// `dsyevd` reported that its iteration did not converge (`count` off-diagonal
    /// elements of an intermediate tridiagonal form did not reach zero).
    public struct DidNotConverge: Error, Equatable, CustomStringConvertible {
        public let count: Int
        public var description: String { "symmetric eigendecomposition did not converge (\(count) off-diagonal elements)" }
    }

    public init(_ a: Matrix) throws {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch("eigendecomposition of \(a.rows)×\(a.columns)")
        }
        let n = a.rows
        var v = a
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = v.elements.withUnsafeMutableBufferPointer { pa in
                w.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")),
                                   Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
                }
            }
            if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dsyevd", index: Int(-info)) }
            if info > 0 { throw DidNotConverge(count: Int(info)) }
        }
        values = w
        vectors = v
    }
}
