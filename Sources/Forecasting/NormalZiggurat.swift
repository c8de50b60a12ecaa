import Foundation
import LinearAlgebra

/// Standard normal variates from 64 random bits by the ziggurat method (Marsaglia & Tsang,
/// "The ziggurat method for generating random variables", *J. Stat. Softw.* 5(8), 2000), in
/// Doornik's form ("An improved ziggurat method to generate normal random samples", 2005:
/// 128 layers, the layer index from bits the uniform does not use, so the two are
/// independent).
///
/// The density is covered by 128 layers of equal area v: 127 rectangles [0, xᵢ] × [f(xᵢ),
/// f(xᵢ₊₁)] and a base of the rectangle below f(r) plus the tail beyond r = 3.4426. A draw picks
/// a layer i and a uniform u in (−1, 1); |u| < xᵢ₊₁/xᵢ (the part of the layer inside the curve
/// for sure: on average over the layers 97.2 % of draws; the top layer, whose ratio is 0, always goes on) returns u·xᵢ at the cost of a multiplication and a compare.
/// Otherwise the wedge between the rectangle and the curve is tested with one more uniform,
/// and the base layer samples the tail by Marsaglia's method (1964). Rejection is exact, so
/// the variates are exactly normal up to the precision of the uniforms and of the tables.
///
/// Counter-based: the first attempt uses the given bits; the rare further uniforms (wedge
/// test, tail, retries) come from hashing them onward (w ← mix(w + γ)), so the normal is a
/// pure function of its bits, whatever else the stream draws.
public enum NormalZiggurat {
    @usableFromInline static let layers = 128
    /// The start of the tail and the area of each layer (Doornik 2005, for 128 layers).
    @usableFromInline static let tailStart = 3.442619855899
    @usableFromInline static let layerArea = 9.91256303526217e-3

    /// The layer tables, for a loop that draws many normals (``normal(_:_:)``): read once
    /// outside the loop instead of through the globals at every draw.
    public struct Tables: Sendable {
        @usableFromInline let edges: [Double]
        @usableFromInline let ratios: [Double]

        @usableFromInline init(edges: [Double], ratios: [Double]) {
            self.edges = edges
            self.ratios = ratios
        }
    }

    public static let tables = Tables(edges: edges, ratios: ratios)

    /// x₀ = v/f(r) (the base layer's equivalent width), x₁ = r, …, x₁₂₈ = 0, with
    /// f(x) = e^(−x²/2), and ratio[i] = xᵢ₊₁/xᵢ.
    @usableFromInline static let edges: [Double] = {
        var x = [Double](repeating: 0, count: layers + 1)
        var f = Foundation.exp(-0.5 * tailStart * tailStart)
        x[0] = layerArea / f
        x[1] = tailStart
        for i in 2..<layers {
            x[i] = (-2 * Foundation.log(layerArea / x[i - 1] + f)).squareRoot()
            f = Foundation.exp(-0.5 * x[i] * x[i])
        }
        x[layers] = 0
        return x
    }()
    @usableFromInline static let ratios: [Double] = (0..<layers).map { edges[$0 + 1] / edges[$0] }

    @inlinable @inline(__always)
    static func uniform(_ word: UInt64) -> Double { (Double(word >> 11) + 0.5) * 0x1p-53 }

    @usableFromInline @inline(__always)
    static func next(_ word: UInt64) -> UInt64 { SplitMix64.mix(word &+ CounterBasedRandomStream.gamma) }

    /// A standard normal variate from `bits`.
    @inlinable @inline(__always)
    static func normal(_ bits: UInt64) -> Double {
        normal(bits, tables)
    }

    /// The same, with the tables given.
    @inlinable @inline(__always)
    static func normal(_ bits: UInt64, _ tables: Tables) -> Double {
        let i = Int(bits & 0x7F)
        let u = 2 * uniform(bits) - 1
        if abs(u) < tables.ratios[i] { return u * tables.edges[i] }
        return slowPath(bits)
    }

    /// Four variates from four words, lane by lane exactly ``normal(_:_:)``: the uniforms and
    /// the rectangle test in vector lanes, one branch for the four (the wedges, the tail and
    /// retries, 2.8 % of draws, go lane by lane through ``slowPath(_:)``). The 53-bit integer
    /// behind each uniform is converted exactly without a scalar conversion: its high 21 and
    /// low 32 bits each become a double by the 2⁵² exponent trick (x | bits(2⁵²) − 2⁵² = x
    /// for x < 2⁵²) and high·2³² + low is exact below 2⁵³, so the uniform's bits are those
    /// of `Double(word >> 11)`.
    @inlinable @inline(__always)
    public static func normals(_ bits: SIMD4<UInt64>, _ tables: Tables) -> SIMD4<Double> {
        let k = bits &>> 11
        let exponent = SIMD4<UInt64>(repeating: 0x4330_0000_0000_0000), twoTo52 = SIMD4<Double>(repeating: 0x1p52)
        let high = unsafeBitCast((k &>> 32) | exponent, to: SIMD4<Double>.self) - twoTo52
        let low = unsafeBitCast((k & 0xFFFF_FFFF) | exponent, to: SIMD4<Double>.self) - twoTo52
        let u = 2 * ((high * 0x1p32 + low + 0.5) * 0x1p-53) - 1
        let ratios = tables.ratios, edges = tables.edges
        let i0 = Int(truncatingIfNeeded: bits[0] & 0x7F), i1 = Int(truncatingIfNeeded: bits[1] & 0x7F)
        let i2 = Int(truncatingIfNeeded: bits[2] & 0x7F), i3 = Int(truncatingIfNeeded: bits[3] & 0x7F)
        let ratio = SIMD4(ratios[i0], ratios[i1], ratios[i2], ratios[i3])
        let edge = SIMD4(edges[i0], edges[i1], edges[i2], edges[i3])
        let magnitude = unsafeBitCast(unsafeBitCast(u, to: SIMD4<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF,
                                      to: SIMD4<Double>.self)
        let inside = magnitude .< ratio
        var z = u * edge
        if !all(inside) {
            for l in 0..<4 where !inside[l] { z[l] = slowPath(bits[l]) }
        }
        return z
    }

    /// The wedges, the tail and retries (2.8 % of draws).
    @usableFromInline @inline(never)
    static func slowPath(_ bits: UInt64) -> Double {
        var word = bits
        while true {
            let i = Int(word & 0x7F)
            let u = 2 * uniform(word) - 1
            if abs(u) < ratios[i] { return u * edges[i] }
            word = next(word)
            if i == 0 {
                // The tail beyond r (Marsaglia 1964): x = −log(U₁)/r, y = −log(U₂), accepted
                // when 2y > x².
                while true {
                    let x = -Foundation.log(uniform(word)) / tailStart
                    word = next(word)
                    let y = -Foundation.log(uniform(word))
                    word = next(word)
                    if 2 * y > x * x { return u < 0 ? -(tailStart + x) : tailStart + x }
                }
            }
            let x = u * edges[i]
            let f0 = Foundation.exp(-0.5 * (edges[i] * edges[i] - x * x))
            let f1 = Foundation.exp(-0.5 * (edges[i + 1] * edges[i + 1] - x * x))
            if f1 + uniform(word) * (f0 - f1) < 1 { return x }
            word = next(word)
        }
    }
}
