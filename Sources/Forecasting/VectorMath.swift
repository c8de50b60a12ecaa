import Foundation
import LinearAlgebra

/// Elementary functions on four lanes at once (`SIMD4<Double>`), for the Monte Carlo's step
/// loop, which applies the same function to every path of a batch. Portable Swift SIMD: the
/// compiler maps it to SSE2 or AVX on x86-64 and to NEON on arm64; no instruction set is
/// assumed beyond the platform's baseline.
public enum VectorMath {
    /// e^x lane by lane, within 2 ulp of libm's `exp` (``VectorMathTests``): LinearAlgebra's
    /// ``LinearAlgebra/LaneMath/exp(_:)``, which the formula models' tape shares.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        LaneMath.exp(x)
    }

    /// The logistic function 1/(1 + e^(−z)) lane by lane, as `AdoptionCurve.sigmoid` computes
    /// it (never e^(+large)): 1/(1 + e^(−z)) for z ≥ 0, e^z/(1 + e^z) below.
    @inlinable @inline(__always)
    public static func sigmoid(_ z: SIMD4<Double>) -> SIMD4<Double> {
        let negative = z .< 0
        let e = exp(z.replacing(with: -z, where: .!negative))      // e^(−|z|)
        return (1 / (1 + e)).replacing(with: e / (1 + e), where: negative)
    }
}
