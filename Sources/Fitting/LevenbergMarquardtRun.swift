import LinearAlgebra

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
    static func norm(_ v: Span<Double>, offset: Int = 0, _ count: Int) -> Double {
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
    static func norm(_ v: borrowing MutableSpan<Double>, _ count: Int) -> Double {
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
}
