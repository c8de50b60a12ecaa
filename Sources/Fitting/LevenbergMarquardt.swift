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

/// The state of one `lmder` run. All buffers are allocated once, before the first iteration,
/// and the per-iteration work runs on span views of them (one uniqueness and length check per
/// buffer and call, not per element; see the kernel notes in CompiledFormula.swift).
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
    private var savedDiagonal: [Double]
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
        savedDiagonal = [Double](repeating: 0, count: n)
        wa1 = [Double](repeating: 0, count: n)
        wa2 = [Double](repeating: 0, count: n)
        wa3 = [Double](repeating: 0, count: n)
        divergence = DivergenceRule(start: start, growth: options.divergenceGrowth)
    }

    /// ‖v[offset..<offset + count]‖₂ scaled by its largest element so that squares neither
    /// overflow nor underflow (the purpose of MINPACK's `enorm`). A Swift loop: for the short
    /// vectors of a fit, a BLAS call costs more in overhead than the arithmetic.
    private static func norm(_ v: Span<Double>, offset: Int = 0, _ count: Int) -> Double {
        precondition(offset >= 0 && count >= 0 && offset <= v.count - count)
        var scale = 0.0
        for i in 0..<count { scale = max(scale, abs(v[offset &+ i])) }
        if scale == 0 || !scale.isFinite { return scale.isNaN ? .nan : scale }
        var s = 0.0
        let inverse = 1 / scale
        for i in 0..<count { let t = v[offset &+ i] * inverse; s += t * t }
        return scale * s.squareRoot()
    }

    @inline(__always)
    private static func norm(_ v: borrowing MutableSpan<Double>, _ count: Int) -> Double {
        norm(v.span, count)
    }

    /// ‖J·eⱼ‖ for every column, as MINPACK's `qrfac` computes them (before the factorisation).
    private static func columnNorms(of jacobian: Matrix, into norms: inout [Double]) {
        let (m, n) = (jacobian.rows, jacobian.columns)
        let e = jacobian.elements.span
        var out = norms.mutableSpan
        precondition(e.count == m * n && out.count == n)
        for j in 0..<n {
            var s = 0.0, scale = 0.0
            for i in 0..<m { scale = max(scale, abs(e[i &+ j &* m])) }
            if scale > 0 {
                for i in 0..<m { let t = e[i &+ j &* m] / scale; s += t * t }
            }
            out[j] = scale * s.squareRoot()
        }
    }

    /// ‖D·v‖₂, guarded like `norm`.
    private static func scaledNorm(_ d: Span<Double>, _ v: Span<Double>, _ n: Int) -> Double {
        precondition(d.count >= n && v.count >= n)
        var s = 0.0, scale = 0.0
        for j in 0..<n { scale = max(scale, abs(d[j] * v[j])) }
        if scale == 0 || !scale.isFinite { return scale }
        for j in 0..<n { let t = d[j] * v[j] / scale; s += t * t }
        return scale * s.squareRoot()
    }

    private func scaledNorm(_ v: [Double]) -> Double {
        Self.scaledNorm(diag.span, v.span, n)
    }

    /// Factors the current Jacobian, J·P = Q·R: fills `r` (R above the diagonal, zeros
    /// below), `ipvt`, `qtf` = (Qᵀ·r)[0..<n] and `columnNorms` (‖J·eⱼ‖). False if LAPACK
    /// reports an error.
    ///
    /// (The work on spans is in static functions that take the buffers `inout`: a span of a
    /// stored property keeps all of `self` under exclusive access, so two spans of two
    /// buffers cannot be open at once in a mutating method, but they can in a function of
    /// two `inout` arrays.)
    private mutating func factorJacobian() -> Bool {
        Self.copy(fvec, into: &qtfFull, count: m)
        Self.columnNorms(of: jacobian, into: &columnNorms)
        if usesSmallQR {
            smallQR.factor(jacobian)
            smallQR.applyQTranspose(to: &qtfFull)
            Self.unpack(n, &r, &ipvt, from: smallQR)
        } else {
            do { try qr.factor(jacobian) } catch { return false }
            do { try qr.applyQTranspose(to: &qtfFull) } catch { return false }
            let qr = qr
            Self.unpack(n, &r, &ipvt, r: qr.r, permutation: qr.permutation)
        }
        Self.copy(qtfFull, into: &qtf, count: n)
        return true
    }

    private static func copy(_ source: [Double], into destination: inout [Double], count: Int) {
        var d = destination.mutableSpan
        let s = source.span
        precondition(d.count >= count && s.count >= count)
        for i in 0..<count { d[i] = s[i] }
    }

    private static func unpack(
        _ n: Int, _ rStorage: inout [Double], _ ipvt: inout [Int],
        r: (Int, Int) -> Double, permutation: (Int) -> Int
    ) {
        var rs = rStorage.mutableSpan, p = ipvt.mutableSpan
        precondition(rs.count == n * n && p.count == n)
        for j in 0..<n {
            p[j] = permutation(j)
            for i in 0..<n { rs[i &+ j &* n] = i <= j ? r(i, j) : 0 }
        }
    }

    /// `unpack` without copying the factorisation (a copy retains each of its buffers).
    private static func unpack(
        _ n: Int, _ rStorage: inout [Double], _ ipvt: inout [Int], from qr: borrowing SmallPivotedQR
    ) {
        var rs = rStorage.mutableSpan, p = ipvt.mutableSpan
        precondition(rs.count == n * n && p.count == n)
        for j in 0..<n {
            p[j] = qr.permutation(j)
            for i in 0..<n { rs[i &+ j &* n] = i <= j ? qr.r(i, j) : 0 }
        }
    }

    /// max over j of |cos(r, J·eⱼ)|, MINPACK's scaled gradient norm.
    private func scaledGradientNorm() -> Double {
        let rs = r.span, p = ipvt.span, q = qtf.span, norms = columnNorms.span
        precondition(rs.count == n * n && p.count == n && q.count == n && norms.count == n)
        var gnorm = 0.0
        for j in 0..<n {
            let l = p[j]
            if norms[l] != 0 {
                var sum = 0.0
                for i in 0...j { sum += rs[i &+ j &* n] * (q[i] / fnorm) }
                gnorm = max(gnorm, abs(sum / norms[l]))
            }
        }
        return gnorm
    }

    /// Negates the step from `lmpar` (see there), sets trial = x + step, returns ‖D·step‖.
    private static func takeStep(_ n: Int, _ step: inout [Double], _ trial: inout [Double], x: [Double], diag: [Double]) -> Double {
        var p = step.mutableSpan, t = trial.mutableSpan
        let xs = x.span
        precondition(p.count == n && t.count == n && xs.count == n)
        for j in 0..<n {
            p[j] = -p[j]
            t[j] = xs[j] + p[j]
        }
        return scaledNorm(diag.span, p.span, n)
    }

    /// ‖R·Pᵀ·p‖ for the step p, the linear model's reduction of ‖r‖.
    private static func projectedStepNorm(_ n: Int, _ work: inout [Double], r: [Double], ipvt: [Int], step: [Double]) -> Double {
        var w = work.mutableSpan
        let rs = r.span, p = ipvt.span, st = step.span
        precondition(w.count == n && rs.count == n * n && p.count == n && st.count == n)
        for j in 0..<n { w[j] = 0 }
        for j in 0..<n {
            let temp = st[p[j]]
            for i in 0...j { w[i] += rs[i &+ j &* n] * temp }
        }
        var sq = 0.0
        for j in 0..<n { sq += w[j] * w[j] }
        return sq.squareRoot()
    }

    mutating func iterate() {
        let epsmch = Double.ulpOfOne
        let maxEvaluations = options.maxEvaluations ?? 200 * (n + 1)

        evaluations = 1
        guard problem.residuals(at: x, into: &fvec) else { termination = .nonFinite; return }
        fnorm = Self.norm(fvec.span, m)
        if fnorm <= options.absoluteResidualTolerance { termination = .zeroResidual; return }

        var par = 0.0
        var delta = 0.0
        var xnorm = 0.0
        var firstIteration = true

        while true {
            // Jacobian and its QR factorisation with column pivoting.
            jacobianEvaluations += 1
            guard problem.jacobian(at: x, into: &jacobian) else { termination = .nonFinite; return }
            guard factorJacobian() else { termination = .nonFinite; return }

            if firstIteration {
                for j in 0..<n { diag[j] = columnNorms[j] == 0 ? 1 : columnNorms[j] }
                xnorm = scaledNorm(x)
                delta = options.initialStepFactor * xnorm
                if delta == 0 { delta = options.initialStepFactor }
            }

            // Scaled gradient cosine.
            let gnorm = scaledGradientNorm()
            if gnorm <= options.gtol { termination = .gtol; return }

            for j in 0..<n { diag[j] = max(diag[j], columnNorms[j]) }

            // Inner loop: shrink the trust region until a step reduces ‖r‖ enough.
            while true {
                par = levenbergMarquardtParameter(delta: delta, par: par)
                let pnorm = Self.takeStep(n, &step, &trial, x: x, diag: diag)
                if firstIteration { delta = min(delta, pnorm) }

                // The budget is strict: never evaluate beyond it.
                if evaluations >= maxEvaluations { termination = .maxEvaluations; return }
                evaluations += 1
                var fnorm1 = Double.infinity
                if problem.residuals(at: trial, into: &trialResiduals) {
                    fnorm1 = Self.norm(trialResiduals.span, m)
                    if !fnorm1.isFinite { fnorm1 = .infinity }
                }

                var actred = -1.0
                if 0.1 * fnorm1 < fnorm { actred = 1 - (fnorm1 / fnorm) * (fnorm1 / fnorm) }

                // Predicted reduction from the linear model: ‖R·Pᵀ·p‖ and λ‖D·p‖².
                let temp1 = Self.projectedStepNorm(n, &wa3, r: r, ipvt: ipvt, step: step) / fnorm
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
    private mutating func levenbergMarquardtParameter(delta: Double, par: Double) -> Double {
        Self.levenbergMarquardtParameter(
            n, &r, ipvt, diag, qtf, delta: delta, par: par,
            step: &step, sdiag: &sdiag, savedDiagonal: &savedDiagonal, &wa1, &wa2, &wa3)
    }

    private static func levenbergMarquardtParameter(
        _ n: Int, _ rStorage: inout [Double], _ ipvtStorage: [Int], _ diagStorage: [Double], _ qtfStorage: [Double],
        delta: Double, par: Double, step: inout [Double], sdiag: inout [Double], savedDiagonal: inout [Double],
        _ wa1: inout [Double], _ wa2: inout [Double], _ wa3: inout [Double]
    ) -> Double {
        var rs = rStorage.mutableSpan, x = step.mutableSpan, sd = sdiag.mutableSpan, saved = savedDiagonal.mutableSpan
        var w1 = wa1.mutableSpan, w2 = wa2.mutableSpan, w3 = wa3.mutableSpan
        return levenbergMarquardtParameter(
            n, &rs, ipvtStorage.span, diagStorage.span, qtfStorage.span, delta: delta, par: par,
            step: &x, sdiag: &sd, savedDiagonal: &saved, &w1, &w2, &w3)
    }

    private static func levenbergMarquardtParameter(
        _ n: Int, _ r: inout MutableSpan<Double>, _ ipvt: Span<Int>, _ diag: Span<Double>, _ qtf: Span<Double>,
        delta: Double, par initial: Double, step x: inout MutableSpan<Double>, sdiag: inout MutableSpan<Double>,
        savedDiagonal: inout MutableSpan<Double>,
        _ wa1: inout MutableSpan<Double>, _ wa2: inout MutableSpan<Double>, _ wa3: inout MutableSpan<Double>
    ) -> Double {
        precondition(r.count == n * n && ipvt.count == n && diag.count == n && qtf.count == n && x.count == n
            && sdiag.count == n && savedDiagonal.count == n && wa1.count == n && wa2.count == n && wa3.count == n)
        let dwarf = Double.leastNormalMagnitude
        var par = initial

        // Gauss–Newton direction; least-squares solution if R is singular.
        var nsing = n
        for j in 0..<n {
            wa1[j] = qtf[j]
            if r[j &+ j &* n] == 0 && nsing == n { nsing = j }
            if nsing < n { wa1[j] = 0 }
        }
        if nsing > 0 {
            for k in 0..<nsing {
                let j = nsing &- 1 &- k
                wa1[j] /= r[j &+ j &* n]
                let temp = wa1[j]
                for i in 0..<j { wa1[i] -= r[i &+ j &* n] * temp }
            }
        }
        for j in 0..<n { x[ipvt[j]] = wa1[j] }

        var iter = 0
        for j in 0..<n { wa2[j] = diag[j] * x[j] }
        var dxnorm = norm(wa2, n)
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
                for i in 0..<j { sum += r[i &+ j &* n] * wa1[i] }
                wa1[j] = (wa1[j] - sum) / r[j &+ j &* n]
            }
            let temp = norm(wa1, n)
            parl = ((fp / delta) / temp) / temp
        }

        // Upper bound paru.
        for j in 0..<n {
            var sum = 0.0
            for i in 0...j { sum += r[i &+ j &* n] * qtf[i] }
            wa1[j] = sum / diag[ipvt[j]]
        }
        let gnorm = norm(wa1, n)
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
            solveDampedSystem(
                n, &r, ipvt, qtf, scaling: wa1.span, step: &x, sdiag: &sdiag, savedDiagonal: &savedDiagonal, &wa3)
            for j in 0..<n { wa2[j] = diag[j] * x[j] }
            dxnorm = norm(wa2, n)
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
                if j &+ 1 < n {
                    for i in (j &+ 1)..<n { wa1[i] -= r[i &+ j &* n] * temp }
                }
            }
            let temp = norm(wa1, n)
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
    private static func solveDampedSystem(
        _ n: Int, _ r: inout MutableSpan<Double>, _ ipvt: Span<Int>, _ qtf: Span<Double>, scaling: Span<Double>,
        step: inout MutableSpan<Double>, sdiag: inout MutableSpan<Double>, savedDiagonal: inout MutableSpan<Double>,
        _ wa: inout MutableSpan<Double>
    ) {
        precondition(r.count == n * n && ipvt.count == n && qtf.count == n && scaling.count == n && step.count == n
            && sdiag.count == n && savedDiagonal.count == n && wa.count == n)
        // Copy R and Qᵀr so that R is preserved (upper) and S is built below the diagonal.
        for j in 0..<n {
            for i in j..<n { r[i &+ j &* n] = r[j &+ i &* n] }
            savedDiagonal[j] = r[j &+ j &* n]
            wa[j] = qtf[j]
        }
        for j in 0..<n {
            let l = ipvt[j]
            if scaling[l] != 0 {
                for k in j..<n { sdiag[k] = 0 }
                sdiag[j] = scaling[l]
                var qtbpj = 0.0
                for k in j..<n where sdiag[k] != 0 {
                    let rkk = r[k &+ k &* n]
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
                    r[k &+ k &* n] = cosine * rkk + sine * sdiag[k]
                    let temp = cosine * wa[k] + sine * qtbpj
                    qtbpj = -sine * wa[k] + cosine * qtbpj
                    wa[k] = temp
                    if k &+ 1 < n {
                        for i in (k &+ 1)..<n {
                            let t = cosine * r[i &+ k &* n] + sine * sdiag[i]
                            sdiag[i] = -sine * r[i &+ k &* n] + cosine * sdiag[i]
                            r[i &+ k &* n] = t
                        }
                    }
                }
            }
            sdiag[j] = r[j &+ j &* n]
            r[j &+ j &* n] = savedDiagonal[j]
        }
        // Back substitution with S (possibly singular: least-squares solution).
        var nsing = n
        for j in 0..<n {
            if sdiag[j] == 0 && nsing == n { nsing = j }
            if nsing < n { wa[j] = 0 }
        }
        if nsing > 0 {
            for k in 0..<nsing {
                let j = nsing &- 1 &- k
                var sum = 0.0
                if j &+ 1 < nsing {
                    for i in (j &+ 1)..<nsing { sum += r[i &+ j &* n] * wa[i] }
                }
                wa[j] = (wa[j] - sum) / sdiag[j]
            }
        }
        for j in 0..<n { step[ipvt[j]] = wa[j] }
    }
}
