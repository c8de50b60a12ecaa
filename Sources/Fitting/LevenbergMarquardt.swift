import LinearAlgebra

/// Levenberg–Marquardt least squares with MINPACK's trust-region strategy.
///
/// ```swift
/// let solver = LevenbergMarquardt()
/// let fit = try solver.minimize(problem, from: [100, 1, 0.1])
/// print(fit.parameters, fit.standardErrors, fit.termination)
/// ```
///
/// The algorithm is MINPACK-1's `lmder` (J. J. Moré, "The Levenberg–Marquardt algorithm:
/// implementation and theory", *Numerical Analysis*, LNM 630, 1978; Moré, Garbow & Hillstrom,
/// ANL-80-74, 1980):
///
/// - variables are scaled by D = diag(dⱼ), dⱼ = max over iterations of ‖J·eⱼ‖ (column norms);
/// - each iteration factors J·P = Q·R once (Householder with column pivoting: in Swift for
///   small problems, ``SmallPivotedQR``, else LAPACK `dgeqp3`; see ``Factorization``) and finds the
///   step p that minimises ‖J·p + r‖ subject to ‖D·p‖ ≤ Δ by solving the augmented
///   least-squares system [J; √λ·D]·p ≈ [−r; 0] with Givens rotations on R (`qrsolv`), and λ by
///   the safeguarded Newton iteration of `lmpar`. The normal equations JᵀJ are never formed;
/// - Δ grows or shrinks with the ratio of actual to predicted reduction (½, ¼/¾ rules);
/// - the stopping rules are in ``Termination``; the defaults are in ``Options``.
///
/// One configuration serves every problem: the NIST StRD exam runs with the defaults.
///
/// What does *not* hold: a converged run is a local minimum of ‖r‖² (there is no global
/// guarantee), and when J is rank deficient at the solution the unidentified parameters
/// have no finite standard error (see ``LeastSquaresFit/unidentifiedParameters``).
public struct LevenbergMarquardt: Sendable {
    /// Stopping rules and the initial trust region. Tolerances are relative.
    public struct Options: Sendable, Equatable {
        /// Stop when both the actual and the predicted relative reduction of ‖r‖² are ≤ ftol.
        public var ftol: Double = 1e-14
        /// Stop when the trust region radius Δ ≤ xtol·‖D·θ‖.
        public var xtol: Double = 1e-14
        /// Stop when max over j of |cos(r, J·eⱼ)| ≤ gtol.
        public var gtol: Double = 0
        /// Budget of residual evaluations (Jacobian evaluations are not counted);
        /// `nil` means 200·(n + 1).
        public var maxEvaluations: Int? = nil
        /// Initial trust region Δ₀ = factor·‖D·θ₀‖ (or factor when θ₀ = 0). MINPACK uses 100.
        public var initialStepFactor: Double = 100
        /// Stop (`zero_residual`) once ‖r‖ ≤ this absolute value. 0 (the default) means only
        /// an exact zero. Useful when residuals are whitened (in units of the noise σ): then
        /// ‖r‖ ≤ 1e-10 is an exact fit for every practical purpose, and a model that can fit
        /// its few points exactly along a whole valley stops instead of wandering along it.
        public var absoluteResidualTolerance: Double = 0
        /// Stop (`diverging`, not converged) when the parameters run off to infinity: ‖D·θ‖ has
        /// grown this many times since the start and the last ``DivergenceRule/window``
        /// accepted steps each moved further out while buying almost no reduction of ‖r‖²
        /// (see ``DivergenceRule``). `.infinity` turns the rule off.
        public var divergenceGrowth: Double = DivergenceRule.defaultGrowth
        /// Which QR factorisation of J each iteration uses. Both compute the same R and Qᵀr
        /// up to rounding; the choice is only about speed.
        public var factorization: Factorization = .automatic

        public init() {}
    }

    /// The QR factorisation with column pivoting behind every iteration.
    public enum Factorization: Sendable, Equatable {
        /// ``SmallPivotedQR`` (Swift) when J has at most ``smallParameterLimit`` columns and
        /// ``smallRowLimit`` rows, LAPACK otherwise.
        case automatic
        /// Always ``SmallPivotedQR``.
        case small
        /// Always LAPACK `dgeqp3`/`dormqr` (``PivotedQR``).
        case lapack

        /// The largest problems ``automatic`` factors in Swift. Below these sizes LAPACK's
        /// per-call overhead (workspace queries, `dlarf` → `dgemv`/`dger` per column) costs more
        /// than the arithmetic; above them its vectorised kernels win (BENCHMARKS.md, "Fit speed").
        public static let smallParameterLimit = 8
        public static let smallRowLimit = 400

        func usesSmallQR(rows: Int, columns: Int) -> Bool {
            switch self {
            case .automatic: return columns <= Self.smallParameterLimit && rows <= Self.smallRowLimit
            case .small: return true
            case .lapack: return false
            }
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Minimises ½‖r(θ)‖² from `start`.
    ///
    /// - Throws: ``LeastSquaresError`` when the problem has fewer residuals than
    ///   parameters or when `start` has the wrong length. A run that does not converge is
    ///   not an error: inspect ``LeastSquaresFit/converged``.
    public func minimize<Problem: LeastSquaresProblem>(_ problem: Problem, from start: [Double]) throws -> LeastSquaresFit {
        let m = problem.residualCount
        let n = problem.parameterCount
        guard start.count == n else { throw LeastSquaresError.startLength(expected: n, got: start.count) }
        guard m >= n, n > 0 else { throw LeastSquaresError.tooFewResiduals(residuals: m, parameters: n) }
        guard start.allSatisfy(\.isFinite) else { throw LeastSquaresError.nonFiniteStart }

        var run = LevenbergMarquardtRun(problem: problem, start: start, options: options)
        run.iterate()
        return try LeastSquaresFit(problem: problem, run: run)
    }
}
