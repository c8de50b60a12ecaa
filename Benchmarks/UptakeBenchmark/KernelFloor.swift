import Dispatch
import Fitting
import Forecasting
import Foundation
import LinearAlgebra

/// Issue 10's kernel-versus-floor measurement. For N synthetic series like make_series.py's
/// (months 0–23 observed, 60 monthly steps forecast, one target 1.5 × the last value by the
/// horizon, P paths, one thread):
/// - kernel: the wall time of `Forecaster.run` (fit, parameter draws, 60 clock steps per
///   path, per-step quantiles/mean/CDF, reach dates, feasibility), per path-step;
/// - floor: the same path arithmetic and nothing else, with the same code inlined (the
///   engine's vector functions and normals are `@inlinable`) — per path and month a counter-based
///   normal (ziggurat), the exact OU step, the logistic at the fitted parameters, the running
///   maximum and y = L·e^e four paths at a time (vector sigmoid and exp), and the reach
///   test — over struct-of-arrays buffers written through spans, per path-step.
/// The floor has no parameter draws, no summaries and no files, so kernel/floor overstates
/// how far the step loop itself is from the arithmetic.
func runKernelFloor(_ arguments: [String]) throws {
    let count = option(arguments, "--count").flatMap { Int($0) } ?? 30
    let paths = option(arguments, "--paths").flatMap { Int($0) } ?? 10_000
    let repeats = option(arguments, "--repeat").flatMap { Int($0) } ?? 5
    let all = SyntheticSeries.generate(count: count, seed: 20240602)
    let steps = SyntheticSeries.months - SyntheticSeries.fitted
    var kernelTimes: [Double] = [], floorTimes: [Double] = []
    var checksum = 0.0
    for _ in 0..<repeats {
        var kernel = 0.0, floor = 0.0
        for (s, item) in all.enumerated() {
            let observed = (0..<SyntheticSeries.fitted).map { DatedObservation(date: item.dates[$0], value: item.values[$0]) }
            let series = try AdoptionSeries.make(observations: observed, kind: .count)
            let horizon = item.dates[SyntheticSeries.months - 1]
            let grid = ForecastGrid(referenceDate: item.dates[SyntheticSeries.fitted - 1], horizon: horizon, step: .month)
            let target = ForecastTarget(label: "1.5 x last", value: 1.5 * item.values[SyntheticSeries.fitted - 1], deadline: horizon)
            let request = ForecastRequest(series: series, families: [.logistic], grid: grid, variants: [.baseline],
                                          targets: [target], thresholds: VerdictThresholds(), paths: paths, seed: UInt64(s + 1))
            var start = DispatchTime.now().uptimeNanoseconds
            let result = try Forecaster.run(request, jobs: 1)
            kernel += Double(DispatchTime.now().uptimeNanoseconds - start)
            checksum += result.forecasts[0].feasibility[0].pMeet

            let fit = result.fits[0]
            let times = (SyntheticSeries.fitted..<SyntheticSeries.months).map { item.dates[$0].decimalYear }
            start = DispatchTime.now().uptimeNanoseconds
            checksum += floorPaths(parameters: fit.estimates, sigma: fit.sigma, reference: times[0] - 1.0 / 12, times: times,
                                   last: item.values[SyntheticSeries.fitted - 1], target: target.value, paths: paths, seed: UInt64(s + 1))
            floor += Double(DispatchTime.now().uptimeNanoseconds - start)
        }
        let pathSteps = Double(count * paths * steps)
        kernelTimes.append(kernel / pathSteps)
        floorTimes.append(floor / pathSteps)
    }
    let median = { (v: [Double]) in v.sorted()[v.count / 2] }
    print("series \(count), paths \(paths), steps \(steps), repeats \(repeats) (checksum \(String(format: "%.3f", checksum))), lane kernel \(LogisticLaneKernel.currentName)")
    print("kernel (Forecaster.run): " + kernelTimes.map { String(format: "%.2f", $0) }.joined(separator: " / ")
        + String(format: " ns per path-step, median %.2f (%.2f ms per scenario)", median(kernelTimes), median(kernelTimes) * Double(paths * steps) / 1e6))
    print("floor (path arithmetic): " + floorTimes.map { String(format: "%.2f", $0) }.joined(separator: " / ")
        + String(format: " ns per path-step, median %.2f (%.2f ms per scenario)", median(floorTimes), median(floorTimes) * Double(paths * steps) / 1e6))
    print(String(format: "kernel / floor: %.2f", median(kernelTimes) / median(floorTimes)))
}

/// The path arithmetic of one scenario at fixed parameters (K, r, t0 of the logistic, in
/// decimal years), batches of 256 paths, month by month; returns the share of paths that
/// reach the target (so the work cannot be optimised away).
func floorPaths(parameters: [Double], sigma: Double, reference: Double, times: [Double], last: Double, target: Double,
                paths: Int, seed: UInt64) -> Double {
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
