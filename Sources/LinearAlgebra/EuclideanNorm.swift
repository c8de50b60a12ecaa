extension Span where Element == Double {
    /// ‖(self[offset], …, self[offset + count − 1])‖₂ without spurious overflow or
    /// underflow (the contract of BLAS `dnrm2` and MINPACK `enorm`).
    ///
    /// ```swift
    /// let v: [Double] = [3, 4, 12]
    /// v.span.euclideanNorm(offset: 0, count: 3)   // 13
    /// ```
    ///
    /// A plain sum of squares, in order; only when that sum overflows, or is NaN-free but
    /// below 2⁻¹⁰²²/ε (where underflowed squares could matter), are the elements rescaled by
    /// the largest magnitude and summed again. (Four-lane accumulation would be faster, but it
    /// rounds differently, and fits along flat, unidentified valleys stop at points that
    /// depend on every rounding; BENCHMARKS.md, "Fit speed".)
    @inlinable
    public func euclideanNorm(offset: Int, count n: Int) -> Double {
        precondition(offset >= 0 && n >= 0 && offset <= count &- n, "norm range out of bounds")
        var s = 0.0
        for k in 0..<n { let x = self[offset &+ k]; s += x * x }
        if s.isFinite && s >= Double.leastNormalMagnitude / Double.ulpOfOne { return s.squareRoot() }
        if s.isNaN { return s }
        var scale = 0.0
        for k in 0..<n { scale = Swift.max(scale, self[offset &+ k].magnitude) }
        if scale == 0 || !scale.isFinite { return scale }
        s = 0
        for k in 0..<n { let x = self[offset &+ k] / scale; s += x * x }
        return scale * s.squareRoot()
    }

    /// The norm of the whole span.
    @inlinable
    public var euclideanNorm: Double { euclideanNorm(offset: 0, count: count) }
}

extension MutableSpan where Element == Double {
    /// ``Swift/Span/euclideanNorm(offset:count:)`` of a mutable span.
    @inlinable
    public func euclideanNorm(offset: Int, count n: Int) -> Double {
        span.euclideanNorm(offset: offset, count: n)
    }
}

extension Span where Element == Double {
    /// True if self[offset], …, self[offset + count − 1] are all finite (no NaN, no ±∞).
    ///
    /// Branch-free, four lanes at a time: 0·x is 0 for finite x and NaN for NaN or ±∞, so the
    /// sum of 0·x over the range is 0 exactly when every element is finite. Cheaper than an
    /// early-exit loop for the short columns of a fit, which are almost always all finite.
    @inlinable
    public func allFinite(offset: Int, count n: Int) -> Bool {
        precondition(offset >= 0 && n >= 0 && offset <= count &- n, "range out of bounds")
        var lanes4 = SIMD4<Double>()
        var i = 0
        while i &+ 4 <= n {
            lanes4 += lanes(at: offset &+ i) * 0
            i &+= 4
        }
        var s = lanes4.sum()
        while i < n {
            s += self[offset &+ i] * 0
            i &+= 1
        }
        return s == 0
    }
}
