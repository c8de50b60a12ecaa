// Uptake's side of the fit benchmark (BENCHMARKS.md): the same work as stage 1 of
// Benchmarks/baseline/numpy_baseline.py on the same series.csv — a logistic least-squares fit
// per series from the same logit-linearisation start — one thread, release build.
//
// Usage: UptakeBenchmark fit SERIES_CSV [--repeat N]
// Prints: series, fitted, failed; fits/s (median over N passes).

import Fitting
import Foundation
import LinearAlgebra

BLAS.setThreadCount(1)

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "fit" else {
    FileHandle.standardError.write(Data("usage: UptakeBenchmark fit SERIES_CSV [--repeat N]\n".utf8))
    exit(2)
}
let repeatCount = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 5

// series,month,value
let text = try String(contentsOfFile: arguments[2], encoding: .utf8)
var seriesValues: [String: [Double]] = [:]
var seriesMonths: [String: [Double]] = [:]
for line in text.split(whereSeparator: \.isNewline).dropFirst() {
    let fields = line.split(separator: ",")
    let name = String(fields[0])
    seriesMonths[name, default: []].append(Double(fields[1])!)
    seriesValues[name, default: []].append(Double(fields[2])!)
}
let names = seriesValues.keys.sorted()

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

let formula = try Formula(parsing: "value = K/(1+exp(-r*(month-t0)))")
// `--tolerances minpack` uses MINPACK's (and scipy curve_fit's) defaults, ftol = xtol = √ε,
// for a like-for-like comparison; the default is Uptake's own (1e-14), as in `uptake fit`.
var options = LevenbergMarquardt.Options()
if let i = arguments.firstIndex(of: "--tolerances"), arguments[i + 1] == "minpack" {
    options.ftol = 1.49012e-8
    options.xtol = 1.49012e-8
}
// scipy's curve_fit counts the 3 finite-difference columns of every Jacobian against its
// maxfev = 800, so it gets at most 200 Jacobians; `--max-evaluations 200` gives Uptake's
// solver the same number of iterations. The default is the solver's own (200·(n+1) = 800).
if let i = arguments.firstIndex(of: "--max-evaluations"), let budget = Int(arguments[i + 1]) {
    options.maxEvaluations = budget
}
let solver = LevenbergMarquardt(options: options)
let allSeries = names.map { (months: seriesMonths[$0]!, values: seriesValues[$0]!) }

func fitAll(_ allSeries: [(months: [Double], values: [Double])]) throws -> (seconds: Double, failed: Int, checksum: Double, evaluations: Int) {
    let clock = ContinuousClock()
    var failed = 0
    var evaluations = 0
    var checksum = 0.0
    let elapsed = try clock.measure {
        for (t, y) in allSeries {
            let table = DataTable(columns: ["month": t, "value": y], order: ["month", "value"])
            let model = try FormulaModel(formula: formula, data: table)
            let fit = try solver.minimize(model, from: logitStart(t, y))
            evaluations += fit.evaluations + fit.jacobianEvaluations
            if fit.converged && fit.standardErrors.allSatisfy(\.isFinite) {
                checksum += fit.parameters[0]
            } else {
                failed += 1
                if ProcessInfo.processInfo.environment["BENCH_DEBUG"] != nil { print(fit.termination, fit.evaluations, fit.parameters, fit.standardErrors) }
            }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (seconds, failed, checksum, evaluations)
}

var times: [Double] = []
var last = (seconds: 0.0, failed: 0, checksum: 0.0, evaluations: 0)
for _ in 0..<repeatCount {
    last = try fitAll(allSeries)
    times.append(last.seconds)
}
times.sort()
let median = times[times.count / 2]
print("series \(names.count), fitted \(names.count - last.failed), failed \(last.failed)")
print(String(format: "fit: %.0f fits/s (median %.4f s over %d passes; %.1f evaluations per fit; checksum %.6g)",
             Double(names.count) / median, median, repeatCount,
             Double(last.evaluations) / Double(names.count), last.checksum))
