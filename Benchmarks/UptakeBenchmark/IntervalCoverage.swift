// `UptakeBenchmark calibrate`: do the engine's central intervals cover held-out truth?
// (Issue 4, item 7; docs/forecasting.md, "Honest intervals".)
//
// Seeds: 20240601 tuned UncertaintyCalibration.backtested (the tuning seed); 20240602, the
// default, is the report seed, never used for tuning. Options: --count (500), --paths (2000),
// --jobs (2), --plain (UncertaintyCalibration.none), --parameter-scale s, --noise-scale s,
// --dof ν|normal (override the engine's default calibration).

import Dispatch
import Fitting
import Forecasting
import Foundation
import LinearAlgebra

/// One synthetic series as make_series.py draws it, over months 0…83: the first 24 are fitted,
/// the last 60 held out.
struct SyntheticSeries {
    var k: Double, r: Double, t0: Double
    /// The noisy observation of months 0…83.
    var values: [Double]
    var dates: [CalendarDate]

    static let months = 84
    static let fitted = 24

    /// Month m ends on the last day of the m-th month after December 2019 (m = 0: 2020-01-31).
    /// The truth is evaluated at the engine's own time of that date, t_m = 12·(year(d_m) −
    /// year(d_0)) months (within ±0.05 of m), so the logistic the engine fits is exactly the
    /// generating curve rather than a curve on a slightly different time axis.
    ///
    /// Draw order (the generator is seeded once per run): for each series in turn K ~ U(500, 1500),
    /// r ~ U(0.05, 0.3) per month, t0 ~ U(10, 40) months, then 84 standard normals ε_m, and
    /// y_m = K/(1 + exp(−r(t_m − t0)))·(1 + 0.03 ε_m). So series i is the same for every --count.
    static func generate(count: Int, seed: UInt64) -> [SyntheticSeries] {
        var rng = SplitMix64(seed: seed)
        let base = CalendarDate(year: 2019, month: 12, day: 31)!
        let dates = (0..<months).map { base.endOfMonth(after: $0 + 1) }
        let t = dates.map { 12 * ($0.decimalYear - dates[0].decimalYear) }
        return (0..<count).map { _ in
            let k = rng.uniform(500, 1500), r = rng.uniform(0.05, 0.3), t0 = rng.uniform(10, 40)
            let values = t.map { k / (1 + exp(-r * ($0 - t0))) * (1 + 0.03 * rng.normal()) }
            return SyntheticSeries(k: k, r: r, t0: t0, values: values, dates: dates)
        }
    }
}

/// Coverage tallies of the central 50/80/90 % intervals.
struct CoverageTally {
    static let intervals: [(nominal: Double, low: Double, high: Double)] = [(0.5, 0.25, 0.75), (0.8, 0.10, 0.90), (0.9, 0.05, 0.95)]
    /// Grid steps h (1-based) of each band.
    static let bands: [(label: String, range: ClosedRange<Int>)] = [("1–12", 1...12), ("13–36", 13...36), ("37–60", 37...60)]

    /// [band][interval]: inside, below, above; and the count per band.
    var inside = [[Int]](repeating: [0, 0, 0], count: 3)
    var below = [[Int]](repeating: [0, 0, 0], count: 3)
    var above = [[Int]](repeating: [0, 0, 0], count: 3)
    var total = [0, 0, 0]

    mutating func add(_ other: CoverageTally) {
        for b in 0..<3 {
            total[b] += other.total[b]
            for i in 0..<3 {
                inside[b][i] += other.inside[b][i]; below[b][i] += other.below[b][i]; above[b][i] += other.above[b][i]
            }
        }
    }

    func share(_ counts: [[Int]], interval i: Int, bands: [Int] = [0, 1, 2]) -> Double {
        let n = bands.reduce(0) { $0 + total[$1] }
        return n == 0 ? .nan : Double(bands.reduce(0) { $0 + counts[$1][i] }) / Double(n)
    }
}

struct CalibrationOutcome {
    var tally = CoverageTally()
    /// By how far along its curve the fitted window ends, y(23)/K: < 0.1, 0.1–0.5, 0.5–0.9, ≥ 0.9.
    var byPhase = [CoverageTally](repeating: CoverageTally(), count: 4)
    /// Series whose fit leaves a parameter unidentified (the forecast's assumptions say so).
    var unidentified = CoverageTally()
    var unidentifiedCount = 0
    /// The other series.
    var identified = CoverageTally()
    var failed: [String] = []
}

let phaseLabels = ["< 0.1", "0.1–0.5", "0.5–0.9", "≥ 0.9"]

/// Fits months 0–23 of each series (count, log errors, logistic) with `Forecaster.run` and
/// tallies where the held-out observations of months 24–83 fall.
func measureCoverage(_ all: [SyntheticSeries], paths: Int, calibration: UncertaintyCalibration, jobs: Int) -> CalibrationOutcome {
    final class Slot: @unchecked Sendable { var tally: CoverageTally?; var phase = 0; var unidentified = false; var failure: String? }
    let slots = all.map { _ in Slot() }
    let levels = hubQuantileLevels
    let index = { (q: Double) in levels.firstIndex { abs($0 - q) < 1e-12 }! }
    let columns = CoverageTally.intervals.map { (index($0.low), index($0.high)) }
    DispatchQueue.concurrentPerform(iterations: max(1, jobs)) { worker in
        var s = worker
        while s < all.count {
            defer { s += max(1, jobs) }
            let item = all[s]
            let observed = (0..<SyntheticSeries.fitted).map { DatedObservation(date: item.dates[$0], value: item.values[$0]) }
            do {
                let series = try AdoptionSeries.make(observations: observed, kind: .count)
                let grid = ForecastGrid(referenceDate: item.dates[SyntheticSeries.fitted - 1],
                                        horizon: item.dates[SyntheticSeries.months - 1], step: .month)
                var request = ForecastRequest(series: series, families: [.logistic], grid: grid, variants: [.baseline],
                                              targets: [], thresholds: VerdictThresholds(), paths: paths, seed: UInt64(s + 1))
                request.calibration = calibration
                let result = try Forecaster.run(request)
                let forecast = result.forecasts[0]
                var tally = CoverageTally()
                for (b, band) in CoverageTally.bands.enumerated() {
                    for h in band.range {
                        let y = item.values[SyntheticSeries.fitted - 1 + h]
                        let q = forecast.quantiles[h - 1]
                        tally.total[b] += 1
                        for (i, (lo, hi)) in columns.enumerated() {
                            if y < q[lo] { tally.below[b][i] += 1 } else if y > q[hi] { tally.above[b][i] += 1 } else { tally.inside[b][i] += 1 }
                        }
                    }
                }
                let reached = item.k / (1 + exp(-item.r * (Double(SyntheticSeries.fitted - 1) - item.t0)))
                slots[s].phase = reached / item.k < 0.1 ? 0 : reached / item.k < 0.5 ? 1 : reached / item.k < 0.9 ? 2 : 3
                slots[s].tally = tally
                slots[s].unidentified = result.assumptions.contains(where: \.isUnidentifiedParameter)
            } catch {
                slots[s].failure = "series \(s): \(error)"
            }
        }
    }
    var outcome = CalibrationOutcome()
    for slot in slots {
        if let failure = slot.failure { outcome.failed.append(failure); continue }
        outcome.tally.add(slot.tally!)
        outcome.byPhase[slot.phase].add(slot.tally!)
        if slot.unidentified {
            outcome.unidentified.add(slot.tally!)
            outcome.unidentifiedCount += 1
        } else {
            outcome.identified.add(slot.tally!)
        }
    }
    return outcome
}

func runCalibrate(_ arguments: [String]) throws {
    let seed = option(arguments, "--seed").flatMap { UInt64($0) } ?? 20_240_602
    let count = option(arguments, "--count").flatMap { Int($0) } ?? 500
    let paths = option(arguments, "--paths").flatMap { Int($0) } ?? 2000
    let jobs = option(arguments, "--jobs").flatMap { Int($0) } ?? 2
    // The engine's default (UncertaintyCalibration.backtested) unless told otherwise;
    // --plain starts from .none (Gaussian draws, no scale), the options then override.
    var calibration: UncertaintyCalibration = arguments.contains("--plain") ? .none : .backtested
    if let p = option(arguments, "--parameter-scale").flatMap({ Double($0) }) { calibration.parameterScale = p }
    if let n = option(arguments, "--noise-scale").flatMap({ Double($0) }) { calibration.noiseScale = n }
    if let nu = option(arguments, "--dof") { calibration.parameterDegreesOfFreedom = nu == "normal" ? nil : Double(nu) }
    let all = SyntheticSeries.generate(count: count, seed: seed)
    let clock = ContinuousClock()
    var outcome = CalibrationOutcome()
    let elapsed = clock.measure { outcome = measureCoverage(all, paths: paths, calibration: calibration, jobs: jobs) }
    let nu = calibration.parameterDegreesOfFreedom.map { String(format: "t, ν = %g", $0) } ?? "Gaussian"
    print("seed \(seed), series \(count) (\(count - outcome.failed.count) forecast, \(outcome.failed.count) failed), paths \(paths); "
        + String(format: "parameter draws %@, scale %g; noise scale %g; %.1f s", nu, calibration.parameterScale,
                 calibration.noiseScale, seconds(elapsed)))
    func pct(_ x: Double) -> String { String(format: "%.1f", 100 * x) }
    let t = outcome.tally
    print("\n| horizon (months ahead) | observations | 50 % | 80 % | 90 % | 90 %: below / above |")
    print("|---|---:|---:|---:|---:|---:|")
    let rows: [(String, [Int])] = [("all (1–60)", [0, 1, 2])] + CoverageTally.bands.enumerated().map { ($1.label, [$0]) }
    for (label, bands) in rows {
        print("| \(label) | \(bands.reduce(0) { $0 + t.total[$1] }) | "
            + (0..<3).map { pct(t.share(t.inside, interval: $0, bands: bands)) }.joined(separator: " | ")
            + " | \(pct(t.share(t.below, interval: 2, bands: bands))) / \(pct(t.share(t.above, interval: 2, bands: bands))) |")
    }
    print("\nby how far along the curve month 23 is (y/K at month 23; uses the truth): series-observations, 50/80/90 % coverage")
    for (p, tally) in outcome.byPhase.enumerated() where tally.total.reduce(0, +) > 0 {
        print("  \(phaseLabels[p]): \(tally.total.reduce(0, +)) obs, "
            + (0..<3).map { pct(tally.share(tally.inside, interval: $0)) }.joined(separator: " / ")
            + "  (90 % below/above \(pct(tally.share(tally.below, interval: 2))) / \(pct(tally.share(tally.above, interval: 2))))")
    }
    let u = outcome.unidentified, i = outcome.identified
    print("fits with an unidentified parameter (the forecast says so; \(outcome.unidentifiedCount) series): "
        + (0..<3).map { pct(u.share(u.inside, interval: $0)) }.joined(separator: " / ")
        + "; all other series: " + (0..<3).map { pct(i.share(i.inside, interval: $0)) }.joined(separator: " / "))
    for failure in outcome.failed.prefix(5) { print("failed: " + failure) }
}
