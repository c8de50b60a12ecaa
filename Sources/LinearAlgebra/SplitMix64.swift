import Foundation

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a 64-bit state advanced by γ and finalised by `mix`. Its n-th output is
/// mix(state₀ + n·γ), so it is counter-based by construction; the Monte Carlo builds its
/// per-path streams from `mix`, and tests and benchmarks use the sequential form to draw
/// seeded synthetic data that are the same on every machine.
///
/// ```swift
/// var rng = SplitMix64(seed: 20240602)
/// let k = rng.uniform(500, 1500)
/// let noise = rng.normal()
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The output function (Stafford's "Mix13" variant of the MurmurHash3 finaliser).
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// Uniform on the open interval (0, 1): (k + ½)·2⁻⁵³ with k the top 53 bits.
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Uniform on (low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// A standard normal by Box–Muller (one of the pair; the open uniform keeps the log finite).
    public mutating func normal() -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
