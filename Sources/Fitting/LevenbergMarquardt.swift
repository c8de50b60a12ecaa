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

/// What can make a least-squares problem unsolvable before the first iteration.
public enum LeastSquaresError: Error, Equatable, CustomStringConvertible {
    case startLength(expected: Int, got: Int)
    case tooFewResiduals(residuals: Int, parameters: Int)
    case nonFiniteStart

    public var description: String {
        switch self {
        case let .startLength(expected, got):
            return "expected \(expected) starting values, got \(got)"
        case let .tooFewResiduals(residuals, parameters):
            return "\(residuals) observations cannot determine \(parameters) parameters: need at least \(parameters)"
        case .nonFiniteStart:
            return "starting values must be finite numbers"
        }
    }
}

/// The state of one `lmder` run. All buffers are allocated once, before the first iteration.
struct LevenbergMarquardtRun<Problem: LeastSquaresProblem> {
    let problem: Problem
    let options: LevenbergMarquardt.Options
    let m: Int
    let n: Int

    var x: [Double]
    var fvec: [Double]
    var fnorm: Double
    var jacobian: Matrix
    var evaluations = 0
    var jacobianEvaluations = 0
    var iterations = 0
    var termination: Termination = .maxEvaluations

    private var divergence: DivergenceRule

    private let usesSmallQR: Bool
    private var qr = PivotedQR()
    private var smallQR = SmallPivotedQR()
    private var r: [Double]          // n × n, column-major: R in the upper triangle, S below
    private var ipvt: [Int]
    private var diag: [Double]
    private var qtf: [Double]
    private var qtfFull: [Double]
    private var columnNorms: [Double]
    private var step: [Double]
    private var trial: [Double]
    private var trialResiduals: [Double]
    private var sdiag: [Double]
    private var wa1: [Double]
    private var wa2: [Double]
    private var wa3: [Double]

    init(problem: Problem, start: [Double], options: LevenbergMarquardt.Options) {
        self.problem = problem
        self.options = options
        m = problem.residualCount
        n = problem.parameterCount
        usesSmallQR = options.factorization.usesSmallQR(rows: m, columns: n)
        x = start
        fvec = [Double](repeating: 0, count: m)
        fnorm = 0
        jacobian = Matrix(rows: m, columns: n)
        r = [Double](repeating: 0, count: n * n)
        ipvt = Array(0..<n)
        diag = [Double](repeating: 0, count: n)
        qtf = [Double](repeating: 0, count: n)
        qtfFull = [Double](repeating: 0, count: m)
        columnNorms = [Double](repeating: 0, count: n)
        step = [Double](repeating: 0, count: n)
        trial = [Double](repeating: 0, count: n)
        trialResiduals = [Double](repeating: 0, count: m)
        sdiag = [Double](repeating: 0, count: n)
        wa1 = [Double](repeating: 0, count: n)
        wa2 = [Double](repeating: 0, count: n)
        wa3 = [Double](repeating: 0, count: n)
        divergence = DivergenceRule(start: start, growth: options.divergenceGrowth)
    }

    /// ‖v‖₂ scaled by its largest element so that squares neither overflow nor underflow
    /// (the purpose of MINPACK's `enorm`). A Swift loop: for the short vectors of a fit,
    /// a BLAS call costs more in overhead than the arithmetic.
    private static func norm(_ v: [Double]) -> Double {
        var scale = 0.0
        for x in v { scale = max(scale, abs(x)) }
        if scale == 0 || !scale.isFinite { return scale.isNaN ? .nan : scale }
        var s = 0.0
        let inverse = 1 / scale
        for x in v { let t = x * inverse; s += t * t }
        return scale * s.squareRoot()
    }

    /// ‖D·v‖₂, guarded like `norm`.
    private func scaledNorm(_ v: [Double]) -> Double {
        var s = 0.0, scale = 0.0
        for j in 0..<n { scale = max(scale, abs(diag[j] * v[j])) }
        if scale == 0 || !scale.isFinite { return scale }
        for j in 0..<n { let t = diag[j] * v[j] / scale; s += t * t }
        return scale * s.squareRoot()
    }

    mutating func iterate() {
        let epsmch = Double.ulpOfOne
        let maxEvaluations = options.maxEvaluations ?? 200 * (n + 1)

        evaluations = 1
        guard problem.residuals(at: x, into: &fvec) else { termination = .nonFinite; return }
        fnorm = Self.norm(fvec)
        if fnorm <= options.absoluteResidualTolerance { termination = .zeroResidual; return }

        var par = 0.0
        var delta = 0.0
        var xnorm = 0.0
        var firstIteration = true

        while true {
            // Jacobian and its QR factorisation with column pivoting.
            jacobianEvaluations += 1
            guard problem.jacobian(at: x, into: &jacobian) else { termination = .nonFinite; return }
            for j in 0..<n {
                var s = 0.0, scale = 0.0
                for i in 0..<m { scale = max(scale, abs(jacobian[i, j])) }
                if scale > 0 {
                    for i in 0..<m { let t = jacobian[i, j] / scale; s += t * t }
                }
                columnNorms[j] = scale * s.squareRoot()
            }
            for i in 0..<m { qtfFull[i] = fvec[i] }
            if usesSmallQR {
                smallQR.factor(jacobian)
                for j in 0..<n {
                    ipvt[j] = smallQR.permutation(j)
                    for i in 0..<n { r[i + j * n] = i <= j ? smallQR.r(i, j) : 0 }
                }
                smallQR.applyQTranspose(to: &qtfFull)
            } else {
                do { try qr.factor(jacobian) } catch { termination = .nonFinite; return }
                for j in 0..<n {
                    ipvt[j] = qr.permutation(j)
                    for i in 0..<n { r[i + j * n] = i <= j ? qr.r(i, j) : 0 }
                }
                do { try qr.applyQTranspose(to: &qtfFull) } catch { termination = .nonFinite; return }
            }
            for i in 0..<n { qtf[i] = qtfFull[i] }

            if firstIteration {
                for j in 0..<n { diag[j] = columnNorms[j] == 0 ? 1 : columnNorms[j] }
                xnorm = scaledNorm(x)
                delta = options.initialStepFactor * xnorm
                if delta == 0 { delta = options.initialStepFactor }
            }

            // Scaled gradient cosine.
            var gnorm = 0.0
            for j in 0..<n {
                let l = ipvt[j]
                if columnNorms[l] != 0 {
                    var sum = 0.0
                    for i in 0...j { sum += r[i + j * n] * (qtf[i] / fnorm) }
                    gnorm = max(gnorm, abs(sum / columnNorms[l]))
                }
            }
            if gnorm <= options.gtol { termination = .gtol; return }

            for j in 0..<n { diag[j] = max(diag[j], columnNorms[j]) }

            // Inner loop: shrink the trust region until a step reduces ‖r‖ enough.
            while true {
                par = levenbergMarquardtParameter(delta: delta, par: par)
                for j in 0..<n {
                    step[j] = -step[j]
                    trial[j] = x[j] + step[j]
                }
                let pnorm = scaledNorm(step)
                if firstIteration { delta = min(delta, pnorm) }

                // The budget is strict: never evaluate beyond it.
                if evaluations >= maxEvaluations { termination = .maxEvaluations; return }
                evaluations += 1
                var fnorm1 = Double.infinity
                if problem.residuals(at: trial, into: &trialResiduals) {
                    fnorm1 = Self.norm(trialResiduals)
                    if !fnorm1.isFinite { fnorm1 = .infinity }
                }

                var actred = -1.0
                if 0.1 * fnorm1 < fnorm { actred = 1 - (fnorm1 / fnorm) * (fnorm1 / fnorm) }

                // Predicted reduction from the linear model: ‖R·Pᵀ·p‖ and λ‖D·p‖².
                for j in 0..<n {
                    wa3[j] = 0
                }
                for j in 0..<n {
                    let temp = step[ipvt[j]]
                    for i in 0...j { wa3[i] += r[i + j * n] * temp }
                }
                var sq = 0.0
                for j in 0..<n { sq += wa3[j] * wa3[j] }
                let temp1 = sq.squareRoot() / fnorm
                let temp2 = par.squareRoot() * pnorm / fnorm
                let prered = temp1 * temp1 + temp2 * temp2 / 0.5
                let dirder = -(temp1 * temp1 + temp2 * temp2)
                let ratio = prered != 0 ? actred / prered : 0

                if ratio <= 0.25 {
                    var temp = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred)
                    if 0.1 * fnorm1 >= fnorm || temp < 0.1 || !temp.isFinite { temp = 0.1 }
                    delta = temp * min(delta, pnorm / 0.1)
                    par /= temp
                } else if par == 0 || ratio >= 0.75 {
                    delta = pnorm / 0.5
                    par *= 0.5
                }

                if ratio >= 1e-4 {
                    swap(&x, &trial)
                    swap(&fvec, &trialResiduals)
                    xnorm = scaledNorm(x)
                    fnorm = fnorm1
                    iterations += 1
                    if fnorm <= options.absoluteResidualTolerance { termination = .zeroResidual; return }
                }

                let ftolMet = abs(actred) <= options.ftol && prered <= options.ftol && 0.5 * ratio <= 1
                let xtolMet = delta <= options.xtol * xnorm
                if ftolMet && xtolMet { termination = .ftolAndXtol; return }
                if ftolMet { termination = .ftol; return }
                if xtolMet { termination = .xtol; return }
                if evaluations >= maxEvaluations { termination = .maxEvaluations; return }
                if ratio >= 1e-4 && divergence.accept(x, sumOfSquares: fnorm * fnorm, scaling: diag) {
                    termination = .diverging
                    return
                }
                if (abs(actred) <= epsmch && prered <= epsmch && 0.5 * ratio <= 1)
                    || delta <= epsmch * xnorm || gnorm <= epsmch {
                    termination = .machinePrecision
                    return
                }
                if ratio >= 1e-4 { break }
            }
            firstIteration = false
        }
    }

    /// MINPACK `lmpar`: finds λ ≥ 0 such that the solution p of the damped system has
    /// ‖D·p‖ within 10 % of Δ (or λ = 0 if the Gauss–Newton step is inside the region).
    /// On return `step` holds p with the sign of the Gauss–Newton direction for −r reversed
    /// (the caller negates it), exactly as in MINPACK.
    private mutating func levenbergMarquardtParameter(delta: Double, par initial: Double) -> Double {
        let dwarf = Double.leastNormalMagnitude
        var par = initial

        // Gauss–Newton direction; least-squares solution if R is singular.
        var nsing = n
        for j in 0..<n {
            wa1[j] = qtf[j]
            if r[j + j * n] == 0 && nsing == n { nsing = j }
            if nsing < n { wa1[j] = 0 }
        }
        if nsing > 0 {
            for k in 0..<nsing {
                let j = nsing - 1 - k
                wa1[j] /= r[j + j * n]
                let temp = wa1[j]
                for i in 0..<j { wa1[i] -= r[i + j * n] * temp }
            }
        }
        for j in 0..<n { step[ipvt[j]] = wa1[j] }

        var iter = 0
        for j in 0..<n { wa2[j] = diag[j] * step[j] }
        var dxnorm = Self.norm(wa2)
        var fp = dxnorm - delta
        if fp <= 0.1 * delta { return 0 }

        // Lower bound parl from the Newton step (only if full rank).
        var parl = 0.0
        if nsing >= n {
            for j in 0..<n {
                let l = ipvt[j]
                wa1[j] = diag[l] * (wa2[l] / dxnorm)
            }
            for j in 0..<n {
                var sum = 0.0
                for i in 0..<j { sum += r[i + j * n] * wa1[i] }
                wa1[j] = (wa1[j] - sum) / r[j + j * n]
            }
            let temp = Self.norm(wa1)
            parl = ((fp / delta) / temp) / temp
        }

        // Upper bound paru.
        for j in 0..<n {
            var sum = 0.0
            for i in 0...j { sum += r[i + j * n] * qtf[i] }
            wa1[j] = sum / diag[ipvt[j]]
        }
        let gnorm = Self.norm(wa1)
        var paru = gnorm / delta
        if paru == 0 { paru = dwarf / min(delta, 0.1) }

        par = max(par, parl)
        par = min(par, paru)
        if par == 0 { par = gnorm / dxnorm }

        while true {
            iter += 1
            if par == 0 { par = max(dwarf, 0.001 * paru) }
            let sqrtPar = par.squareRoot()
            for j in 0..<n { wa1[j] = sqrtPar * diag[j] }
            solveDampedSystem(scaling: wa1)
            for j in 0..<n { wa2[j] = diag[j] * step[j] }
            dxnorm = Self.norm(wa2)
            let previous = fp
            fp = dxnorm - delta
            if abs(fp) <= 0.1 * delta || (parl == 0 && fp <= previous && previous < 0) || iter == 10 {
                break
            }
            // Newton correction.
            for j in 0..<n {
                let l = ipvt[j]
                wa1[j] = diag[l] * (wa2[l] / dxnorm)
            }
            for j in 0..<n {
                wa1[j] /= sdiag[j]
                let temp = wa1[j]
                if j + 1 < n {
                    for i in (j + 1)..<n { wa1[i] -= r[i + j * n] * temp }
                }
            }
            let temp = Self.norm(wa1)
            let parc = ((fp / delta) / temp) / temp
            if fp > 0 { parl = max(parl, par) }
            if fp < 0 { paru = min(paru, par) }
            par = max(parl, par + parc)
        }
        return par
    }

    /// MINPACK `qrsolv`: given R (upper triangle of `r`) from J·P = Q·R and the diagonal
    /// matrix `scaling` = √λ·D, solves the augmented least-squares problem
    /// [J; √λ·D]·p ≈ [−r; 0] by Givens rotations that eliminate √λ·D against R, leaving the
    /// triangular factor S in the strict lower triangle of `r` and on `sdiag`. Writes p to
    /// `step` (before the caller's sign flip).
    private mutating func solveDampedSystem(scaling: [Double]) {
        // Copy R and Qᵀr so that R is preserved (upper) and S is built below the diagonal.
        for j in 0..<n {
            for i in j..<n { r[i + j * n] = r[j + i * n] }
            trial[j] = r[j + j * n]  // diagonal of R, restored below
            wa3[j] = qtf[j]
        }
        for j in 0..<n {
            let l = ipvt[j]
            if scaling[l] != 0 {
                for k in j..<n { sdiag[k] = 0 }
                sdiag[j] = scaling[l]
                var qtbpj = 0.0
                for k in j..<n where sdiag[k] != 0 {
                    let rkk = r[k + k * n]
                    let sine: Double, cosine: Double
                    if abs(rkk) < abs(sdiag[k]) {
                        let cotan = rkk / sdiag[k]
                        sine = 0.5 / (0.25 + 0.25 * cotan * cotan).squareRoot()
                        cosine = sine * cotan
                    } else {
                        let tangent = sdiag[k] / rkk
                        cosine = 0.5 / (0.25 + 0.25 * tangent * tangent).squareRoot()
                        sine = cosine * tangent
                    }
                    r[k + k * n] = cosine * rkk + sine * sdiag[k]
                    let temp = cosine * wa3[k] + sine * qtbpj
                    qtbpj = -sine * wa3[k] + cosine * qtbpj
                    wa3[k] = temp
                    if k + 1 < n {
                        for i in (k + 1)..<n {
                            let t = cosine * r[i + k * n] + sine * sdiag[i]
                            sdiag[i] = -sine * r[i + k * n] + cosine * sdiag[i]
                            r[i + k * n] = t
                        }
                    }
                }
            }
            sdiag[j] = r[j + j * n]
            r[j + j * n] = trial[j]
        }
        // Back substitution with S (possibly singular: least-squares solution).
        var nsing = n
        for j in 0..<n {
            if sdiag[j] == 0 && nsing == n { nsing = j }
            if nsing < n { wa3[j] = 0 }
        }
        if nsing > 0 {
            for k in 0..<nsing {
                let j = nsing - 1 - k
                var sum = 0.0
                if j + 1 < nsing {
                    for i in (j + 1)..<nsing { sum += r[i + j * n] * wa3[i] }
                }
                wa3[j] = (wa3[j] - sum) / sdiag[j]
            }
        }
        for j in 0..<n { step[ipvt[j]] = wa3[j] }
    }
}
