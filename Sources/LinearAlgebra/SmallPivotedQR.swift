/// Householder QR with column pivoting, A·P = Q·R, for the small matrices of curve fits (a
/// handful of columns, tens of rows), in plain Swift.
///
/// ```swift
/// var qr = SmallPivotedQR()
/// qr.factor(jacobian)               // 24 × 3
/// var v = residuals
/// qr.applyQTranspose(to: &v)        // v ← Qᵀ·v; v[0..<3] is the projected part
/// let r00 = qr.r(0, 0), first = qr.permutation(0)
/// ```
///
/// The same algorithm and conventions as LAPACK's `dgeqp3` → `dlaqp2` (and MINPACK's
/// `qrfac`; Golub & Van Loan, *Matrix Computations*, 4th ed., §5.4.2, Algorithm 5.4.1):
///
/// - at step k the remaining column of largest (downdated) norm is swapped into place — the
///   first one among equals, as `idamax` picks it;
/// - the reflector H_k = I − τ_k·v_k·v_kᵀ (v_k[k] = 1, `dlarfg`) maps the column's tail
///   x = A[k..<m, k] to β·e₁ with β = −sign(x₀)·‖x‖, τ = (β − x₀)/β, so R[k, k] = β has the
///   opposite sign of the pivot's leading element, exactly as in LAPACK;
/// - it is applied to the remaining columns, A ← H_k·A (`dlarf`), and their norms are
///   downdated, ‖a_j‖² ← ‖a_j‖² − A[k, j]², with LAPACK's safeguard: when cancellation leaves
///   less than √ε of the original information, the norm is recomputed from the tail
///   (Drmač & Bujanović, LAWN 176, 2008).
///
/// Qᵀ·v = H_{k−1}⋯H₁·H₀·v is applied from the stored reflectors (`dormqr`), never formed.
///
/// What differs from LAPACK: rounding only. Norms are sums of squares (with a scaled fallback
/// against overflow and underflow) where OpenBLAS's `dnrm2` uses its own kernel, and the
/// loops run in a different order, so R and Qᵀ·v agree to a few ulps of their scale — and
/// the pivot order agrees unless two column norms tie within that rounding. The factorisation
/// is backward stable either way: Q·R = A·P + E with ‖E‖ ≤ c·m·n·ε·‖A‖.
///
/// Cost: about 2·m·n² − (2/3)·n³ flops and no allocation once the storage for one shape
/// exists; a later `factor` of the same shape reuses it. For large matrices the blocked,
/// vectorised LAPACK routine behind ``PivotedQR`` is faster; below a few hundred rows and
/// about ten columns this one is, because it has no call overhead.
public struct SmallPivotedQR: Sendable {
    public private(set) var rows = 0
    public private(set) var columns = 0
    /// Column-major m × n: R on and above the diagonal, the reflectors' tails below it.
    private var compact: [Double] = []
    private var tau: [Double] = []
    private var pivots: [Int] = []
    /// Downdated partial column norms (LAPACK's vn1) and the norms they were last
    /// recomputed at (vn2).
    private var partialNorms: [Double] = []
    private var referenceNorms: [Double] = []

    public init() {}

    /// Factors `a`. When `pivoting` is false the columns keep their order (P = I).
    /// Non-finite entries propagate into R (no error is raised, as with LAPACK).
    public mutating func factor(_ a: Matrix, pivoting: Bool = true) {
        let (m, n) = (a.rows, a.columns)
        if m != rows || n != columns || compact.count != m * n {
            rows = m
            columns = n
            compact = [Double](repeating: 0, count: m * n)
            tau = [Double](repeating: 0, count: min(m, n))
            pivots = [Int](repeating: 0, count: n)
            partialNorms = [Double](repeating: 0, count: n)
            referenceNorms = [Double](repeating: 0, count: n)
        }
        Self.factor(a.elements, m, n, pivoting, &compact, &tau, &pivots, &partialNorms, &referenceNorms)
    }

    private static func factor(
        _ a: [Double], _ m: Int, _ n: Int, _ pivoting: Bool, _ compact: inout [Double], _ tau: inout [Double],
        _ pivots: inout [Int], _ partialNorms: inout [Double], _ referenceNorms: inout [Double]
    ) {
        let k = min(m, n)
        // LAPACK dlaqp2's TOL3Z = √(dlamch('E')), dlamch('E') = 2⁻⁵³ (half of Swift's ulpOfOne).
        let tolerance = (Double.ulpOfOne / 2).squareRoot()
        var q = compact.mutableSpan
        let source = a.span
        for i in 0..<(m &* n) { q[i] = source[i] }
        var vn1 = partialNorms.mutableSpan, vn2 = referenceNorms.mutableSpan
        var perm = pivots.mutableSpan, t = tau.mutableSpan
        for j in 0..<n {
            perm[j] = j
            let norm = q.euclideanNorm(offset: j &* m, count: m)
            vn1[j] = norm
            vn2[j] = norm
        }

        for i in 0..<k {
            let ci = i &* m
            if pivoting {
                var p = i
                var largest = vn1[i]
                if i + 1 < n {
                    for j in (i + 1)..<n where vn1[j] > largest {
                        largest = vn1[j]
                        p = j
                    }
                }
                if p != i {
                    let cp = p &* m
                    for r in 0..<m { q.swapAt(ci &+ r, cp &+ r) }
                    perm.swapAt(p, i)
                    vn1[p] = vn1[i]
                    vn2[p] = vn2[i]
                }
            }

            // Reflector for A[i..<m, i] (dlarfg).
            let alpha = q[ci &+ i]
            let tailNorm = i + 1 < m ? q.euclideanNorm(offset: ci &+ i &+ 1, count: m &- i &- 1) : 0
            var tauI = 0.0
            if tailNorm != 0 {
                let beta = -Self.hypot(alpha, tailNorm).magnitude * (alpha < 0 ? -1 : 1)
                tauI = (beta - alpha) / beta
                let scale = 1 / (alpha - beta)
                for r in (i + 1)..<m { q[ci &+ r] *= scale }
                q[ci &+ i] = beta
            }
            t[i] = tauI

            // A[i..<m, i+1..<n] ← H_i·A[i..<m, i+1..<n] (dlarf), v = (1, A[i+1..<m, i]).
            if tauI != 0 && i + 1 < n {
                for j in (i + 1)..<n {
                    let cj = j &* m
                    let w = Self.dot(q[cj &+ i], q.span, ci &+ i &+ 1, q.span, cj &+ i &+ 1, m &- i &- 1)
                    let tw = tauI * w
                    q[cj &+ i] -= tw
                    Self.subtractMultiple(tw, in: &q, from: ci &+ i &+ 1, to: cj &+ i &+ 1, m &- i &- 1)
                }
            }

            // Downdate the remaining column norms (dlaqp2).
            if i + 1 < n {
                for j in (i + 1)..<n where vn1[j] != 0 {
                    let ratio = q[j &* m &+ i].magnitude / vn1[j]
                    let shrink = max(0, 1 - ratio * ratio)
                    let relative = vn1[j] / vn2[j]
                    if shrink * relative * relative <= tolerance {
                        let norm = i + 1 < m ? q.euclideanNorm(offset: j &* m &+ i &+ 1, count: m &- i &- 1) : 0
                        vn1[j] = norm
                        vn2[j] = norm
                    } else {
                        vn1[j] *= shrink.squareRoot()
                    }
                }
            }
        }
    }

    /// The column permutation: column j of A·P is column `permutation(j)` of A (0-based).
    public func permutation(_ j: Int) -> Int { pivots[j] }

    /// R[i, j] for i ≤ j < n, i < min(m, n).
    public func r(_ i: Int, _ j: Int) -> Double { compact[i + j * rows] }

    /// v ← Qᵀ·v = H_{k−1}⋯H₀·v for a vector of length m (`dormqr` with one column).
    public func applyQTranspose(to v: inout [Double]) {
        precondition(v.count == rows, "vector length must equal the row count")
        let m = rows
        var x = v.mutableSpan
        let q = compact.span, t = tau.span
        for i in 0..<min(m, columns) where t[i] != 0 {
            let ci = i &* m
            let w = Self.dot(x[i], q, ci &+ i &+ 1, x.span, i &+ 1, m &- i &- 1)
            let tw = t[i] * w
            x[i] -= tw
            Self.subtractMultiple(tw, of: q, ci &+ i &+ 1, from: &x, i &+ 1, m &- i &- 1)
        }
    }

    /// initial + Σ x[xo + r]·y[yo + r] for r in 0..<n, added in order.
    @inline(__always)
    private static func dot(_ initial: Double, _ x: Span<Double>, _ xo: Int, _ y: Span<Double>, _ yo: Int, _ n: Int) -> Double {
        precondition(xo >= 0 && yo >= 0 && n >= 0 && xo <= x.count &- n && yo <= y.count &- n)
        var s = initial
        for r in 0..<n { s += x[xo &+ r] * y[yo &+ r] }
        return s
    }

    /// y[yo + r] −= a·x[xo + r] for r in 0..<n (element by element, so exactly the scalar
    /// loop's results), four at a time.
    @inline(__always)
    private static func subtractMultiple(
        _ a: Double, of x: Span<Double>, _ xo: Int, from y: inout MutableSpan<Double>, _ yo: Int, _ n: Int
    ) {
        precondition(xo >= 0 && yo >= 0 && n >= 0 && xo <= x.count &- n && yo <= y.count &- n)
        let a4 = SIMD4<Double>(repeating: a)
        var r = 0
        while r &+ 4 <= n {
            y.setLanes(y.lanes(at: yo &+ r) - x.lanes(at: xo &+ r) * a4, at: yo &+ r)
            r &+= 4
        }
        while r < n {
            y[yo &+ r] -= x[xo &+ r] * a
            r &+= 1
        }
    }

    /// The same within one span: y = s[yo…], x = s[xo…] (the ranges must not overlap).
    @inline(__always)
    private static func subtractMultiple(_ a: Double, in s: inout MutableSpan<Double>, from xo: Int, to yo: Int, _ n: Int) {
        precondition(xo >= 0 && yo >= 0 && n >= 0 && xo <= s.count &- n && yo <= s.count &- n)
        let a4 = SIMD4<Double>(repeating: a)
        var r = 0
        while r &+ 4 <= n {
            s.setLanes(s.lanes(at: yo &+ r) - s.lanes(at: xo &+ r) * a4, at: yo &+ r)
            r &+= 4
        }
        while r < n {
            s[yo &+ r] -= s[xo &+ r] * a
            r &+= 1
        }
    }

    /// √(x² + y²) without overflow (`dlapy2`).
    private static func hypot(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (x.magnitude, y.magnitude)
        let w = max(a, b), z = min(a, b)
        if z == 0 || w.isInfinite { return w }
        let ratio = z / w
        return w * (1 + ratio * ratio).squareRoot()
    }
}
