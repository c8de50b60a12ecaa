import LinearAlgebra

/// A square root F of a covariance matrix, F·Fᵀ ≈ Σ, so that F·z with z ~ N(0, I) is a
/// draw from N(0, Σ).
///
/// 1. Cholesky (LAPACK `dpotrf`) of the symmetrised Σ: F lower triangular, exact.
/// 2. If Σ is not numerically positive definite, Cholesky of Σ + δI with
///    δ = 10⁻¹⁰, 10⁻⁸, 10⁻⁶ times the mean diagonal: a relative perturbation far below
///    Monte Carlo error, enough for a matrix that is singular only by rounding.
/// 3. Otherwise the symmetric eigendecomposition Σ = V·diag(λ)·Vᵀ (LAPACK `dsyevd`) with
///    negative eigenvalues set to 0: F = V·diag(√λ⁺), the nearest positive semidefinite
///    matrix in the Frobenius norm (Higham 1988). F is then full, not triangular; draws use
///    it the same way.
///
/// What does not hold: in cases 2 and 3, F·Fᵀ is not Σ; ``method`` says which case applied
/// so that the forecast can report it.
struct CovarianceFactor: Sendable {
    enum Method: Sendable, Equatable {
        case cholesky
        case jitter(relative: Double)
        case eigenvalueClipped(negativeCount: Int)
    }

    let factor: Matrix
    let method: Method

    init(_ covariance: Matrix) throws {
        let n = covariance.rows
        var symmetric = covariance
        for j in 0..<n {
            for i in (j + 1)..<n {
                let mean = (covariance[i, j] + covariance[j, i]) / 2
                symmetric[i, j] = mean
                symmetric[j, i] = mean
            }
        }
        if let l = try? LAPACK.cholesky(symmetric) {
            factor = l
            method = .cholesky
            return
        }
        var diagonalMean = 0.0
        for i in 0..<n { diagonalMean += abs(symmetric[i, i]) }
        diagonalMean /= Double(max(n, 1))
        if diagonalMean > 0 {
            for relative in [1e-10, 1e-8, 1e-6] {
                var jittered = symmetric
                for i in 0..<n { jittered[i, i] += relative * diagonalMean }
                if let l = try? LAPACK.cholesky(jittered) {
                    factor = l
                    method = .jitter(relative: relative)
                    return
                }
            }
        }
        let eigen = try SymmetricEigendecomposition(symmetric)
        var f = eigen.vectors
        var negative = 0
        for j in 0..<n {
            let lambda = eigen.values[j]
            if lambda < 0 { negative += 1 }
            let root = lambda > 0 ? lambda.squareRoot() : 0
            for i in 0..<n { f[i, j] *= root }
        }
        factor = f
        method = .eigenvalueClipped(negativeCount: negative)
    }
}
