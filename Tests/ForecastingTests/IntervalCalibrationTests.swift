import Foundation
import LinearAlgebra
import XCTest
import Fitting
@testable import Forecasting

/// Honest intervals (DESIGN.md, "Monte Carlo"; docs/forecasting.md, "Honest intervals"): a
/// small version of `UptakeBenchmark calibrate`. 100 series like make_series.py's (logistic,
/// K ~ U(500, 1500), r ~ U(0.05, 0.3)/month, t0 ~ U(10, 40) months, 3 % noise), generated
/// exactly as the benchmark does from the report seed 20240602 (its first 100 series), months
/// 0–23 fitted, months 24–83 held out. With the default calibration the 90 % band covers about
/// 86 % of the held-out observations (plain Gaussian draws: 74 %); this fails if the
/// calibration is removed or its tails are thinned.
final class IntervalCalibrationTests: XCTestCase {
    // Series drawn as the benchmark draws them (Benchmarks/UptakeBenchmark/IntervalCoverage.swift).

    /// Share of held-out observations inside the central 50 %, 80 %, 90 % bands.
    func coverage(_ calibration: UncertaintyCalibration, series count: Int = 100, paths: Int = 400) throws -> [Double] {
        var rng = SplitMix64(seed: 20_240_602)
        let base = CalendarDate(year: 2019, month: 12, day: 31)!
        let dates = (0..<84).map { base.endOfMonth(after: $0 + 1) }
        let t = dates.map { 12 * ($0.decimalYear - dates[0].decimalYear) }
        let bands = [(0.25, 0.75), (0.10, 0.90), (0.05, 0.95)].map { pair in
            (hubQuantileLevels.firstIndex { abs($0 - pair.0) < 1e-12 }!, hubQuantileLevels.firstIndex { abs($0 - pair.1) < 1e-12 }!)
        }
        var inside = [0, 0, 0], total = 0
        for s in 0..<count {
            let k = 500 + 1000 * rng.uniform(), r = 0.05 + 0.25 * rng.uniform(), t0 = 10 + 30 * rng.uniform()
            let y = t.map { k / (1 + exp(-r * ($0 - t0))) * (1 + 0.03 * rng.normal()) }
            let series = try AdoptionSeries.make(observations: (0..<24).map { DatedObservation(date: dates[$0], value: y[$0]) },
                                                 kind: .count)
            var request = ForecastRequest(series: series, families: [.logistic],
                                          grid: ForecastGrid(referenceDate: dates[23], horizon: dates[83], step: .month),
                                          variants: [.baseline], targets: [], thresholds: VerdictThresholds(),
                                          paths: paths, seed: UInt64(s + 1))
            request.calibration = calibration
            let forecast = try Forecaster.run(request, jobs: 2).forecasts[0]
            for h in 1...60 {
                let q = forecast.quantiles[h - 1]
                for (i, band) in bands.enumerated() where q[band.0] <= y[23 + h] && y[23 + h] <= q[band.1] { inside[i] += 1 }
                total += 1
            }
        }
        return inside.map { Double($0) / Double(total) }
    }

    func testDefaultCalibrationGivesHonestIntervals() throws {
        XCTAssertEqual(ForecastFixtures.request(ForecastFixtures.tightLogisticSeries()).calibration, .backtested)
        let calibrated = try coverage(.backtested)
        let plain = try coverage(.none)
        // Measured (= `UptakeBenchmark calibrate --count 100 --paths 400`): calibrated 51.4 / 76.9 / 86.7 %,
        // plain (`--plain`) 45.4 / 70.0 / 77.7 %.
        XCTAssertGreaterThanOrEqual(calibrated[2], 0.82, "90 % band: \(calibrated)")
        XCTAssertLessThanOrEqual(calibrated[2], 0.95, "90 % band: \(calibrated)")
        XCTAssertEqual(calibrated[1], 0.80, accuracy: 0.06, "80 % band: \(calibrated)")
        XCTAssertEqual(calibrated[0], 0.50, accuracy: 0.08, "50 % band: \(calibrated)")
        XCTAssertGreaterThan(calibrated[2] - plain[2], 0.07, "the calibration must matter: plain \(plain)")
    }

    /// χ² quantiles behind the t scale mixture, against scipy.stats.chi2.ppf (scipy 1.17).
    func testChiSquareQuantiles() {
        let cases: [(p: Double, nu: Double, x: Double)] = [
            (0.5, 4, 3.3566939800333224), (0.05, 3, 0.35184631774927144), (0.95, 3, 7.814727903251179),
            (0.95, 1, 3.841458820694124), (0.01, 21, 8.897197942077216), (0.999, 4, 18.46682695290317),
            (0.3, 2.5, 1.0580425215960214),
        ]
        for c in cases {
            XCTAssertEqual(ChiSquare.quantile(c.p, degreesOfFreedom: c.nu), c.x, accuracy: 1e-10 * c.x, "p \(c.p), ν \(c.nu)")
        }
        XCTAssertEqual(ChiSquare.quantile(1e-12, degreesOfFreedom: 4), 2.828428458080386e-06, accuracy: 1e-10 * 2.83e-6)
        for p in stride(from: 0.01, to: 1, by: 0.07) {
            let x = ChiSquare.quantile(p, degreesOfFreedom: 4)
            XCTAssertEqual(ChiSquare.regularizedLowerGamma(2, x / 2), p, accuracy: 1e-12)
        }
    }

    /// The scale-mixture draw has its own slot, clear of the lever draws and the innovations.
    func testScaleMixtureSlotIsFree() {
        XCTAssertGreaterThan(RandomDrawLayout.parameterScaleMixture, RandomDrawLayout.leverUniforms + 2)
        XCTAssertLessThan(RandomDrawLayout.parameterScaleMixture, RandomDrawLayout.residualInnovations)
    }

    /// ν never claims lighter tails than the fit's own n − k, and `.none` is Gaussian.
    func testDegreesOfFreedomFollowTheFit() throws {
        let series = ForecastFixtures.tightLogisticSeries()   // 17 points, 3 parameters: n − k = 14
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        XCTAssertEqual(try ParameterSampler(fit: fit, series: series, parameterScale: 1, degreesOfFreedom: 4).degreesOfFreedom, 4)
        XCTAssertEqual(try ParameterSampler(fit: fit, series: series, parameterScale: 1, degreesOfFreedom: 30).degreesOfFreedom, 14)
        XCTAssertNil(try ParameterSampler(fit: fit, series: series, parameterScale: 1, degreesOfFreedom: nil).degreesOfFreedom)
        XCTAssertNil(UncertaintyCalibration.none.parameterDegreesOfFreedom)
        var request = ForecastFixtures.request(series, paths: 10)
        request.calibration.parameterDegreesOfFreedom = 0
        XCTAssertThrowsError(try Forecaster.run(request))
    }
}
