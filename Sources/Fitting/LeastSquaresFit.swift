import LinearAlgebra

/// The outcome of a least-squares fit: estimates, their covariance, and how the run ended.
///
/// Everything the next layers need is kept: the Jacobian at the solution (for prediction
/// intervals and the Laplace approximation), the residuals, and the covariance in the
/// solver's own parameter space.
public struct LeastSquaresFit: Sendable {
    /// θ̂.
    public let parameters: [Double]
    /// r(θ̂), model minus observation.
    public let residuals: [Double]
    /// J(θ̂), m × n.
    public let jacobian: Matrix
    /// RSS = ‖r(θ̂)‖².
    public let rss: Double
    /// Degrees of freedom m − n.
    public let dof: Int
    /// Residual standard deviation s = √(RSS / dof); NaN when dof = 0.
    public let residualSD: Double
    /// The parameter covariance estimate and its rank structure.
    public let covariance: ParameterCovariance
    public let termination: Termination
    /// Accepted steps.
    public let iterations: Int
    /// Residual evaluations, including rejected trial points.
    public let evaluations: Int
    public let jacobianEvaluations: Int

    public var converged: Bool { termination.isConverged }
    /// √diag(Σ); NaN for a parameter the data do not identify.
    public var standardErrors: [Double] { covariance.standardErrors }
    /// Indices of parameters whose variance is unbounded because J is rank deficient.
    public var unidentifiedParameters: [Int] { covariance.unidentifiedParameters }

    init<Problem: LeastSquaresProblem>(problem: Problem, run: LevenbergMarquardtRun<Problem>) throws {
        let m = run.m, n = run.n
        parameters = run.x
        var r = run.fvec
        var j = run.jacobian
        // The stored Jacobian belongs to the last refactorised point; the covariance needs
        // it at θ̂ itself.
        let finite = problem.residuals(at: run.x, into: &r) && problem.jacobian(at: run.x, into: &j)
        residuals = r
        jacobian = j
        var sumSquares = 0.0
        for v in r { sumSquares += v * v }
        rss = sumSquares
        dof = m - n
        residualSD = dof > 0 ? (sumSquares / Double(dof)).squareRoot() : .nan
        termination = finite ? run.termination : .nonFinite
        iterations = run.iterations
        evaluations = run.evaluations
        jacobianEvaluations = run.jacobianEvaluations
        let variance = dof > 0 ? sumSquares / Double(dof) : Double.nan
        if finite {
            covariance = try ParameterCovariance(jacobian: j, residualVariance: variance)
        } else {
            covariance = ParameterCovariance(unavailableFor: n)
        }
    }
}
