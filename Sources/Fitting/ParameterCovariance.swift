import LinearAlgebra

/// The covariance of least-squares estimates, Σ = s²·(JᵀJ)⁺, computed from the SVD of the
/// column-equilibrated Jacobian, never from an explicit inverse of JᵀJ.
///
/// With D = diag(‖J·eⱼ‖) and J·D⁻¹ = U·diag(σ)·Vᵀ (LAPACK `dgesdd`),
/// Σ = s²·D⁻¹·V·diag(σ⁻²)·Vᵀ·D⁻¹ over the singular values that are numerically non-zero:
/// σₖ > σ₁·max(m, n)·ε (the rule of LAPACK's `dgelss` and numpy's `matrix_rank`).
/// Equilibrating first makes the rank decision independent of the parameters' units
/// (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §20.1).
///
/// When J is rank deficient, the variance along the null space is unbounded. A parameter
/// with more than 10⁻⁶ of its (scaled) weight in the null space is reported as
/// unidentified: its standard error, and every covariance entry involving it, is NaN.
public struct ParameterCovariance: Sendable {
    /// n × n; NaN rows/columns for unidentified parameters.
    public let matrix: Matrix
    public let standardErrors: [Double]
    /// Numerical rank of J.
    public let rank: Int
    /// Singular values of J·D⁻¹, largest first.
    public let scaledSingularValues: [Double]
    public let unidentifiedParameters: [Int]

    /// σ₁/σₙ of the equilibrated Jacobian (∞ when rank deficient).
    public var conditionNumber: Double {
        guard let first = scaledSingularValues.first, let last = scaledSingularValues.last, last > 0 else {
            return .infinity
        }
        return first / last
    }

    /// - Parameters:
    ///   - jacobian: J at the estimate, m × n.
    ///   - residualVariance: s², e.g. RSS/(m − n); pass 1 when J is already whitened
    ///     (weighted residuals with known variances, or prior rows in a MAP fit).
    public init(jacobian: Matrix, residualVariance: Double) throws {
        let m = jacobian.rows, n = jacobian.columns
        var scaled = jacobian
        var columnScale = [Double](repeating: 1, count: n)
        for j in 0..<n {
            let norm = BLAS.norm(jacobian.column(j))
            columnScale[j] = norm > 0 ? norm : 1
            for i in 0..<m { scaled[i, j] /= columnScale[j] }
        }
        let svd = try SingularValueDecomposition(scaled)
        let s = svd.singularValues
        let threshold = (s.first ?? 0) * Double(max(m, n)) * Double.ulpOfOne
        let rank = s.filter { $0 > threshold && $0 > 0 }.count

        var nullWeight = [Double](repeating: 0, count: n)
        for k in rank..<n {
            for j in 0..<n {
                let v = k < svd.vt.rows ? svd.vt[k, j] : 0
                nullWeight[j] += v * v
            }
        }
        // When m < n the SVD has only m right singular vectors; the rest of ℝⁿ is null space.
        if svd.vt.rows < n {
            for j in 0..<n {
                var inRange = 0.0
                for k in 0..<svd.vt.rows { inRange += svd.vt[k, j] * svd.vt[k, j] }
                nullWeight[j] = max(nullWeight[j], 1 - inRange)
            }
        }
        let unidentified = (0..<n).filter { nullWeight[$0] > 1e-6 || columnScale[$0] == 1 && BLAS.norm(jacobian.column($0)) == 0 }

        var sigma = Matrix(rows: n, columns: n)
        for a in 0..<n {
            for b in a..<n {
                var sum = 0.0
                for k in 0..<rank {
                    sum += svd.vt[k, a] * svd.vt[k, b] / (s[k] * s[k])
                }
                let value = residualVariance * sum / (columnScale[a] * columnScale[b])
                sigma[a, b] = value
                sigma[b, a] = value
            }
        }
        for j in unidentified {
            for k in 0..<n {
                sigma[j, k] = .nan
                sigma[k, j] = .nan
            }
        }
        matrix = sigma
        standardErrors = (0..<n).map { sigma[$0, $0] >= 0 ? sigma[$0, $0].squareRoot() : .nan }
        self.rank = rank
        scaledSingularValues = s
        unidentifiedParameters = unidentified
    }

    /// A covariance that could not be computed (the model was not finite at the estimate).
    init(unavailableFor n: Int) {
        matrix = Matrix(rows: n, columns: n, repeating: .nan)
        standardErrors = [Double](repeating: .nan, count: n)
        rank = 0
        scaledSingularValues = []
        unidentifiedParameters = Array(0..<n)
    }
}
