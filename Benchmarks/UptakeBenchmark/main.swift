// Uptake's side of the benchmarks in BENCHMARKS.md, on series.csv from
// Benchmarks/baseline/make_series.py; one thread, release build.
//
// Usage:
//   UptakeBenchmark fit SERIES_CSV [--repeat N] [--max-evaluations N] [--tolerances minpack]
//                      [--output CSV]
//     The same work as stage 1 of Benchmarks/baseline/numpy_baseline.py: a logistic
//     least-squares fit (formula model) per series from the same logit-linearisation start.
//     Prints: series, fitted, failed; fits/s (median over N passes). `--output` writes one
//     row per series of the last pass (termination, evaluations, K, r, t0, their standard
//     errors) to compare solver versions series by series.
//   UptakeBenchmark prior SERIES_CSV TRUTH_CSV [--limit N] [--show-failures N]
//     Issue 3's robustness check: AdoptionFitter's logistic fit per series (times in decimal
//     years, log error model) with a ceiling prior that does not look at the truth —
//     lognormal(median 2·max y, sd_log 0.7) — and, for contrast, with the ceiling estimated.
//     Prints converged / failed counts, how often the true K, r, t0 (truth.csv, converted to
//     years) lie in the 95 % intervals, the median interval width of K relative to the true
//     K, and the time per fit. Compare with Benchmarks/prior_scipy_compare.py.
//   UptakeBenchmark calibrate [--seed S] [--count N] [--paths P] [--jobs J] [--plain]
//                             [--parameter-scale s] [--noise-scale s] [--dof ν|normal]
//     Issue 4's honest-intervals check (IntervalCoverage.swift, docs/forecasting.md): N series
//     like make_series.py's over months 0–83 from seed S, months 0–23 forecast by
//     Forecaster.run, coverage of months 24–83 by the central 50/80/90 % intervals.
//   UptakeBenchmark kernel [--count N] [--paths P] [--repeat R]
//     Issue 10's kernel against its arithmetic floor (KernelFloor.swift): Forecaster.run per
//     path-step on N such series, and the bare path arithmetic at the fitted parameters.

import Fitting
import Forecasting
import ForecastingAVX2
import Foundation
import LinearAlgebra

BLAS.setThreadCount(1)
// As `uptake` does: the kernel built for this processor (the `kernel` benchmark's floor then
// takes the matching build, KernelFloor or KernelFloorAVX2).
LogisticLaneKernel.installIfSupported(x86_64_v3: AVX2Kernels.logisticStep,
                                      environment: ProcessInfo.processInfo.environment)

let usage = """
    usage: UptakeBenchmark fit SERIES_CSV [--repeat N] [--max-evaluations N] [--tolerances minpack]
                              [--output CSV]
           UptakeBenchmark prior SERIES_CSV TRUTH_CSV [--limit N] [--show-failures N]
           UptakeBenchmark calibrate [--seed S] [--count N] [--paths P] [--jobs J] [--plain]
                                     [--parameter-scale s] [--noise-scale s] [--dof ν|normal]
           UptakeBenchmark kernel [--count N] [--paths P] [--repeat R]

    """

/// One benchmark series: months 0, 1, … and the observed values.
struct Series {
    var name: String
    var months: [Double]
    var values: [Double]
}

/// series,month,value → series sorted by name.
func readSeries(_ path: String) throws -> [Series] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var values: [String: [Double]] = [:]
    var months: [String: [Double]] = [:]
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let fields = line.split(separator: ",")
        let name = String(fields[0])
        months[name, default: []].append(Double(fields[1])!)
        values[name, default: []].append(Double(fields[2])!)
    }
    return values.keys.sorted().map { Series(name: $0, months: months[$0]!, values: values[$0]!) }
}

/// series,K,r,t0 (r per month, t0 in months) → by name.
func readTruth(_ path: String) throws -> [String: (k: Double, r: Double, t0: Double)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var truth: [String: (k: Double, r: Double, t0: Double)] = [:]
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let f = line.split(separator: ",")
        truth[String(f[0])] = (Double(f[1])!, Double(f[2])!, Double(f[3])!)
    }
    return truth
}

func option(_ arguments: [String], _ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

// MARK: - fit

/// The baseline's starting values: K₀ = 2·max y, r₀ from the slope of logit(y/K₀) on t
/// (clipped to [0.01, 1]), t₀ from its intercept.
func logitStart(_ t: [Double], _ y: [Double]) -> [Double] {
    let k0 = 2 * y.max()!
    let z = y.map { log(max($0, 1e-9) / (k0 - $0)) }
    let tMean = t.reduce(0, +) / Double(t.count)
    let zMean = z.reduce(0, +) / Double(z.count)
    var num = 0.0, den = 0.0
    for (ti, zi) in zip(t, z) { num += zi * (ti - tMean); den += (ti - tMean) * (ti - tMean) }
    let r0 = min(max(num / den, 0.01), 1.0)
    return [k0, r0, tMean - zMean / r0]
}

func runFit(_ arguments: [String]) throws {
    let allSeries = try readSeries(arguments[2])
    let repeatCount = option(arguments, "--repeat").flatMap { Int($0) } ?? 5
    let formula = try Formula(parsing: "value = K/(1+exp(-r*(month-t0)))")
    // `--tolerances minpack` uses MINPACK's (and scipy curve_fit's) defaults, ftol = xtol = √ε,
    // for a like-for-like comparison; the default is Uptake's own (1e-14), as in `uptake fit`.
    var options = LevenbergMarquardt.Options()
    if option(arguments, "--tolerances") == "minpack" {
        options.ftol = 1.49012e-8
        options.xtol = 1.49012e-8
    }
    // scipy's curve_fit counts the 3 finite-difference columns of every Jacobian against its
    // maxfev = 800, so it gets at most 200 Jacobians; `--max-evaluations 200` gives Uptake's
    // solver the same number of iterations. The default is the solver's own (200·(n+1) = 800).
    if let budget = option(arguments, "--max-evaluations").flatMap({ Int($0) }) {
        options.maxEvaluations = budget
    }
    let solver = LevenbergMarquardt(options: options)
    let debug = ProcessInfo.processInfo.environment["BENCH_DEBUG"] != nil

    let outputPath = option(arguments, "--output")
    var fits: [LeastSquaresFit] = []
    fits.reserveCapacity(outputPath == nil ? 0 : allSeries.count)

    func fitAll() throws -> (seconds: Double, failed: Int, checksum: Double, evaluations: Int) {
        let clock = ContinuousClock()
        var failed = 0
        var evaluations = 0
        var checksum = 0.0
        fits.removeAll(keepingCapacity: true)
        let elapsed = try clock.measure {
            // The formula is compiled once per batch: series observed at the same months share
            // the compiled right side (`binding` recompiles when the months differ).
            var previous: FormulaModel?
            for series in allSeries {
                let (t, y) = (series.months, series.values)
                let table = DataTable(columns: ["month": t, "value": y], order: ["month", "value"])
                let model = try previous?.binding(table) ?? FormulaModel(formula: formula, data: table)
                previous = model
                let fit = try solver.minimize(model, from: logitStart(t, y))
                if outputPath != nil { fits.append(fit) }
                evaluations += fit.evaluations + fit.jacobianEvaluations
                if fit.converged && fit.standardErrors.allSatisfy(\.isFinite) {
                    checksum += fit.parameters[0]
                } else {
                    failed += 1
                    if debug { print(fit.termination, fit.evaluations, fit.parameters, fit.standardErrors) }
                }
            }
        }
        return (seconds(elapsed), failed, checksum, evaluations)
    }

    var times: [Double] = []
    var last = (seconds: 0.0, failed: 0, checksum: 0.0, evaluations: 0)
    for _ in 0..<repeatCount {
        last = try fitAll()
        times.append(last.seconds)
    }
    let medianTime = times.sorted()[times.count / 2]   // upper median, as before
    print("series \(allSeries.count), fitted \(allSeries.count - last.failed), failed \(last.failed)")
    print(String(format: "fit: %.0f fits/s (median %.4f s over %d passes; %.1f evaluations per fit; checksum %.6g)",
                 Double(allSeries.count) / medianTime, medianTime, repeatCount,
                 Double(last.evaluations) / Double(allSeries.count), last.checksum))
    if let outputPath {
        var text = "series,termination,converged,evaluations,jacobians,K,r,t0,se_K,se_r,se_t0\n"
        for (series, fit) in zip(allSeries, fits) {
            let numbers = (fit.parameters + fit.standardErrors).map { "\($0)" }
            text += "\(series.name),\(fit.termination.rawValue),\(fit.converged),\(fit.evaluations),"
                + "\(fit.jacobianEvaluations),\(numbers.joined(separator: ","))\n"
        }
        try text.write(toFile: outputPath, atomically: true, encoding: .utf8)
    }
}

// MARK: - prior

/// What one configuration (with or without the ceiling prior) did on every series.
struct PriorTally {
    var label: String
    var converged = 0
    var failed = 0
    var coveredK = 0, coveredR = 0, coveredT0 = 0
    var wildK = 0                    // K̂ > 10 × true K
    var relativeWidthsK: [Double] = []
    var seconds = 0.0
    var failures: [String] = []
    /// Per phase bin (max y / true K): series, converged, K covered.
    var phase = [[Int]](repeating: [0, 0, 0], count: phaseBins.count)
    var phaseWidths = [[Double]](repeating: [], count: phaseBins.count)
}

/// How much of the curve the 24 months show: max y / true K (a diagnostic; uses the truth).
let phaseBins: [(label: String, low: Double, high: Double)] = [
    ("< 0.1", 0, 0.1), ("0.1–0.25", 0.1, 0.25), ("0.25–0.5", 0.25, 0.5), ("≥ 0.5", 0.5, .infinity),
]

func runPrior(_ arguments: [String]) throws {
    var allSeries = try readSeries(arguments[2])
    let truth = try readTruth(arguments[3])
    if let limit = option(arguments, "--limit").flatMap({ Int($0) }) { allSeries = Array(allSeries.prefix(limit)) }
    let showFailures = option(arguments, "--show-failures").flatMap { Int($0) } ?? 5
    let fitter = AdoptionFitter()
    let clock = ContinuousClock()

    func tally(_ label: String, ceiling: (Series) -> CeilingKnowledge) -> PriorTally {
        var tally = PriorTally(label: label)
        for series in allSeries {
            guard let truth = truth[series.name] else { continue }
            // Decimal years from 0: month m is m/12, so r per year = 12 r per month and
            // t0 in years = t0 in months / 12.
            let observations = zip(series.months, series.values).map { CurveObservation(time: $0 / 12, value: $1) }
            let adoption = AdoptionSeries(observations: observations, errorModels: observations.map { _ in .log },
                                          ceiling: ceiling(series))
            let trueTheta = [truth.k, 12 * truth.r, truth.t0 / 12]
            var fit: AdoptionFit?
            var thrown: String?
            let elapsed = clock.measure {
                do { fit = try fitter.fit(.logistic, to: adoption) } catch { thrown = "\(error)" }
            }
            tally.seconds += seconds(elapsed)
            let reached = series.values.max()! / truth.k
            let bin = phaseBins.firstIndex { $0.low <= reached && reached < $0.high }!
            tally.phase[bin][0] += 1
            guard let fit, fit.converged, fit.intervals.allSatisfy({ $0.low.isFinite && $0.high.isFinite }) else {
                tally.failed += 1
                let why = thrown ?? fit.map { "\($0.termination), θ̂ \($0.estimates), intervals \($0.intervals)" } ?? "?"
                tally.failures.append("\(series.name) truth \(trueTheta): \(why)")
                continue
            }
            tally.converged += 1
            tally.phase[bin][1] += 1
            let covered = zip(fit.intervals, trueTheta).map { $0.low <= $1 && $1 <= $0.high }
            if covered[0] { tally.coveredK += 1; tally.phase[bin][2] += 1 }
            if covered[1] { tally.coveredR += 1 }
            if covered[2] { tally.coveredT0 += 1 }
            if fit.estimates[0] > 10 * truth.k { tally.wildK += 1 }
            tally.relativeWidthsK.append((fit.intervals[0].high - fit.intervals[0].low) / truth.k)
            tally.phaseWidths[bin].append(tally.relativeWidthsK.last!)
        }
        return tally
    }

    let withPrior = tally("Uptake, ceiling prior") { .prior(.lognormal(median: 2 * $0.values.max()!, sdLog: 0.7)) }
    let withoutPrior = tally("Uptake, no prior") { _ in .estimated }

    func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "–" : String(format: "%.1f %%", 100 * Double(a) / Double(b)) }
    print("series \(allSeries.count); 95 % intervals; coverage among converged fits")
    print("| run | converged | failed | K in 95 % | r in 95 % | t0 in 95 % | K̂ > 10×K | median width(K)/K | ms/fit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in [withPrior, withoutPrior] {
        print(String(format: "| %@ | %d | %d | %@ | %@ | %@ | %d | %.3g | %.3f |",
                     t.label, t.converged, t.failed, percent(t.coveredK, t.converged), percent(t.coveredR, t.converged),
                     percent(t.coveredT0, t.converged), t.wildK, median(t.relativeWidthsK),
                     1000 * t.seconds / Double(allSeries.count)))
    }
    print("\nby how much of the curve the data show (max y / true K): converged / series, K in 95 % among converged, median width(K)/K")
    print("| run |" + phaseBins.map { " \($0.label) |" }.joined())
    print("|---|" + String(repeating: "---:|", count: phaseBins.count))
    for t in [withPrior, withoutPrior] {
        print("| \(t.label) |" + zip(t.phase, t.phaseWidths).map {
            " \($0[1])/\($0[0]), \(percent($0[2], $0[1])), " + String(format: "%.3g", median($1)) + " |"
        }.joined())
    }
    for t in [withPrior, withoutPrior] where !t.failures.isEmpty && showFailures > 0 {
        print("first failures, \(t.label):")
        for line in t.failures.prefix(showFailures) { print("  " + line) }
    }
}

// MARK: - main

let arguments = CommandLine.arguments
switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
case (3..., "fit"): try runFit(arguments)
case (4..., "prior"): try runPrior(arguments)
case (2..., "calibrate"): try runCalibrate(arguments)
case (2..., "kernel"): try runKernelFloor(arguments)
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
