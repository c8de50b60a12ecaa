import Dispatch
import Fitting
import Forecasting
import Foundation
import KernelFloor
import KernelFloorAVX2
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
    // The floor built for the same instruction set as the kernel in use (KernelFloorAVX2 is the
    // x86-64-v3 build of KernelFloor's inlinable loop, called only when that kernel is in use).
    let floorArithmetic = LogisticLaneKernel.currentName == "x86-64-v3" ? KernelFloorAVX2.paths : KernelFloor.paths
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
            checksum += floorArithmetic(fit.estimates, fit.sigma, times[0] - 1.0 / 12, times,
                                        item.values[SyntheticSeries.fitted - 1], target.value, paths, UInt64(s + 1))
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
