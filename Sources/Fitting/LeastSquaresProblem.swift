import LinearAlgebra

/// A nonlinear least-squares problem: find θ minimising ½‖r(θ)‖², r: ℝⁿ → ℝᵐ.
///
/// Conformers write into caller-owned storage so that a solver can evaluate thousands of
/// times without allocating. Returning `false` means "r or J is not finite at θ" (a domain
/// error such as log of a negative number); the solver treats such a point as a rejected step.
public protocol LeastSquaresProblem {
    /// m, the number of residuals (observations plus any prior rows).
    var residualCount: Int { get }
    /// n, the number of parameters.
    var parameterCount: Int { get }
    /// Writes r(θ) into `residuals` (length m). Returns false if any value is not finite.
    func residuals(at parameters: [Double], into residuals: inout [Double]) -> Bool
    /// Writes the Jacobian J[i, j] = ∂rᵢ/∂θⱼ into `jacobian` (m × n, column-major).
    /// Returns false if any value is not finite.
    func jacobian(at parameters: [Double], into jacobian: inout Matrix) -> Bool
}
