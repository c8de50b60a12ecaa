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
