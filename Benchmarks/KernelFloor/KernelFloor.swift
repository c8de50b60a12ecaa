import Forecasting
import Foundation

/// Issue 10's arithmetic floor (UptakeBenchmark `kernel`): the bare path arithmetic of one
/// scenario, inlinable so that KernelFloorAVX2 can build it for x86-64-v3 like the kernel's
/// four-lane step (ForecastingAVX2), and the comparison is between the same instructions.
public enum KernelFloor {
    /// The path arithmetic of one scenario at fixed parameters (K, r, t0 of the logistic, in
    /// decimal years), batches of 256 paths, month by month; returns the share of paths that
    /// reach the target (so the work cannot be optimised away).
    @inlinable @inline(__always)
    public static func paths(parameters: [Double], sigma: Double, reference: Double, times: [Double], last: Double,
                             target: Double, paths: Int, seed: UInt64) -> Double {
        let k = parameters[0], r = parameters[1], t0 = parameters[2]
        let a = exp(-log(2.0) / 12), innovation = sigma * (1 - a * a).squareRoot()
        let batch = 256
        let tables = NormalZiggurat.tables
        var reached = 0
        var noiseStorage = [Double](repeating: 0, count: batch), runningStorage = noiseStorage
        var measuredStorage = noiseStorage, reachStorage = noiseStorage
        var start = 0
        while start < paths {
            let n = min(batch, paths - start)
            let padded = (n + 3) & ~3
            let streams = (0..<n).map { CounterBasedRandomStream(seed: seed, path: start + $0) }
            let level0 = k / (1 + exp(-r * (reference - t0)))
            do {
                var noise = noiseStorage.mutableSpan, running = runningStorage.mutableSpan
                var measured = measuredStorage.mutableSpan, reach = reachStorage.mutableSpan
                for i in 0..<batch {
                    noise[i] = log(last) - log(level0)
                    running[i] = level0
                    reach[i] = .infinity
                }
                for (m, t) in times.enumerated() {
                    var g = 0
                    while g < padded {
                        var bits = SIMD4<UInt64>()
                        for l in 0..<4 { bits[l] = streams[min(g + l, n - 1)].bits(32 + m) }
                        let z = NormalZiggurat.normals(bits, tables)
                        let e = a * SIMD4(noise[g], noise[g + 1], noise[g + 2], noise[g + 3]) + innovation * z
                        let level = k * VectorMath.sigmoid(r * (t - SIMD4(repeating: t0)))
                        let before = SIMD4(running[g], running[g + 1], running[g + 2], running[g + 3])
                        let latent = before.replacing(with: level, where: level .> before)
                        let y = latent * VectorMath.exp(e)
                        for l in 0..<4 {
                            noise[g + l] = e[l]
                            running[g + l] = latent[l]
                            measured[g + l] = y[l]
                        }
                        g += 4
                    }
                    for i in 0..<n where reach[i] == .infinity && measured[i] >= target { reach[i] = t }
                }
                for i in 0..<n where reach[i] < .infinity { reached += 1 }
            }
            start += n
        }
        return Double(reached) / Double(paths)
    }
}
