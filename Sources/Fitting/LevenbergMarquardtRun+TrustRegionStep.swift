/// MINPACK's trust-region step (Moré 1978; ANL-80-74), the part of an iteration that
/// depends only on R, P, D and Qᵀr: `lmpar` finds the damping λ for the radius Δ, solving the
/// damped system with `qrsolv` for each λ it tries. Static functions of `inout` buffers, like
/// the rest of the run's per-iteration work (see `factorJacobian` for why).
extension LevenbergMarquardtRun {
    /// `lmpar` on the run's arrays: opens a span of each for the work below.
    static func levenbergMarquardtParameter(
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

    /// `lmpar` itself (the contract is at the run's `levenbergMarquardtParameter(delta:par:)`).
    static func levenbergMarquardtParameter(
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
    static func solveDampedSystem(
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
