import Foundation

/// Elementary functions on four lanes at once (`SIMD4<Double>`), shared by the layers that
/// apply one function to many values: the Monte Carlo's step loop (Forecasting's
/// `VectorMath`) and the formula models' tape (Fitting). Portable Swift SIMD: the compiler
/// maps it to SSE2 or AVX on x86-64 and to NEON on arm64.
public enum LaneMath {
    /// ln 2 split so that k·ln2Hi is exact for |k| < 2²⁰ (fdlibm's `ln2_hi`, `ln2_lo`).
    @usableFromInline static let ln2Hi = 6.93147180369123816490e-01
    @usableFromInline static let ln2Lo = 1.90821492927058770002e-10
    @usableFromInline static let log2e = 1.44269504088896338700e+00
    /// 1.5·2⁵²: adding and subtracting it rounds a double of magnitude < 2⁵¹ to the nearest
    /// integer (ties to even) in the default rounding mode, without SSE4.1's `roundpd`; the
    /// sum's low bits are that integer in two's complement.
    @usableFromInline static let roundingShift = 6755399441055744.0

    /// e^x lane by lane, within 2 ulp of libm's `exp` (ForecastingTests' `VectorMathTests`);
    /// lanes with |x| ≥ 708 (near overflow or in the subnormal range), ±∞ or NaN go to
    /// libm, so the vector path never has to build a power of 2 outside the normal range.
    ///
    /// ```swift
    /// let y = LaneMath.exp(SIMD4(0, 1, -1, 0.5))   // e⁰, e¹, e⁻¹, e^½
    /// ```
    ///
    /// Method (Cody & Waite, *Software Manual for the Elementary Functions*, 1980; Tang,
    /// "Table-driven implementation of the exponential function", ACM TOMS 15, 1989, for the
    /// error analysis): x = k·ln 2 + r with k = round(x/ln 2) and r reduced in two parts,
    /// |r| ≤ ½ln 2; e^r by its Taylor polynomial to degree 13 (the first omitted term,
    /// r¹⁴/14!, is below 4·10⁻¹⁸ relative), evaluated by Estrin's scheme; then e^x = e^r·2^k,
    /// with 2^k built from its exponent bits.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        if !all((x .> -708) .& (x .< 708)) {
            return SIMD4(Foundation.exp(x[0]), Foundation.exp(x[1]), Foundation.exp(x[2]), Foundation.exp(x[3]))
        }
        let shift = SIMD4<Double>(repeating: roundingShift)
        let shifted = x * log2e + shift
        let k = shifted - shift
        let r = (x - k * ln2Hi) - k * ln2Lo
        // Estrin's scheme (pairs, then powers r², r⁴, r⁸): a dependency chain of five
        // multiply-adds instead of Horner's thirteen, so the lanes' work overlaps.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let p01 = 1 + r, p23 = 0.5 + r * (1.0 / 6.0)
        let p45 = 1.0 / 24.0 + r * (1.0 / 120.0), p67 = 1.0 / 720.0 + r * (1.0 / 5040.0)
        let p89 = 1.0 / 40320.0 + r * (1.0 / 362880.0), p1011 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0)
        let p1213 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0)
        let q03 = p01 + r2 * p23, q47 = p45 + r2 * p67, q811 = p89 + r2 * p1011
        let q0_7 = q03 + r4 * q47, q8_13 = q811 + r4 * p1213
        let p = q0_7 + r8 * q8_13
        // 2^k from k's two's complement bits in the low bits of the shifted sum.
        let kBits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- unsafeBitCast(shift, to: SIMD4<UInt64>.self)
        return p * unsafeBitCast((kBits &+ 1023) &<< 52, to: SIMD4<Double>.self)
    }
}
