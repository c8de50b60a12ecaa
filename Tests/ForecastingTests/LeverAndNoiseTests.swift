import XCTest
import Fitting
@testable import Forecasting

/// Variant levers move the forecast the right way; the residual process has the right
/// stationary variance; the calibration scales act on the spread.
final class LeverAndNoiseTests: XCTestCase {
    let series = ForecastFixtures.tightLogisticSeries()

    func medians(_ variants: [VariantLevers], horizon: String = "2026-12-31") throws -> [[Double]] {
        let request = ForecastFixtures.request(series, horizon: horizon, variants: variants, paths: 600)
        return try Forecaster.run(request, jobs: 2).forecasts.map(\.median)
    }

    func testGrowthMultiplierBringsTheCurveForward() throws {
        let faster = VariantLevers(id: "faster", from: CalendarDate(iso: "2023-06-01"), growthMultiplier: .uniform(lower: 1.3, upper: 1.5))
        let m = try medians([.baseline, faster])
        let h = 20   // 2024-11-30, mid-curve
        XCTAssertGreaterThan(m[1][h], m[0][h] + 30)
        XCTAssertEqual(m[1][0], m[0][0], accuracy: 1e-9)   // the lever starts after the first grid point
    }

    func testCeilingMultiplierRaisesTheLongRunLevel() throws {
        let higher = VariantLevers(id: "higher", ceilingMultiplier: .uniform(lower: 1.19, upper: 1.21))
        let m = try medians([.baseline, higher], horizon: "2032-12-31")
        XCTAssertEqual(m[0].last!, 1000, accuracy: 15)
        XCTAssertEqual(m[1].last!, 1200, accuracy: 20)
    }

    func testLevelShiftAddsToTheValue() throws {
        let shifted = VariantLevers(id: "shifted", levelShift: .normal(mean: 100, sd: 1))
        let m = try medians([.baseline, shifted])
        XCTAssertEqual(m[1][0] - m[0][0], 100, accuracy: 10)
    }

    func testLeversDoNotRewriteThePast() throws {
        // `from` before the last observation (2023-03-31): the levers act from the last
        // observation on, exactly as a lever without a date.
        let early = VariantLevers(id: "early", from: CalendarDate(iso: "2020-01-01"), growthMultiplier: .uniform(lower: 2, upper: 2.1))
        let undated = VariantLevers(id: "undated", growthMultiplier: .uniform(lower: 2, upper: 2.1))
        let request = ForecastFixtures.request(series, variants: [.baseline, early, undated], paths: 200)
        let result = try Forecaster.run(request)
        XCTAssertTrue(result.assumptions.contains { $0.contains("before the last observation") })
        XCTAssertEqual(result.forecasts[1].median, result.forecasts[2].median)
        XCTAssertGreaterThan(result.forecasts[1].median[0], result.forecasts[0].median[0])
        // A clock doubled since 2020 would put 2023-04-30 past the inflection (> 900).
        XCTAssertLessThan(result.forecasts[1].median[0], 550)
    }

    /// AR(1) on the error scale: Var(e_h) → σ², and corr(e_h, e_{h−1}) = ρ, from 20,000
    /// paths of the same counter-based streams the engine uses.
    func testResidualProcessHasTheStationaryVarianceAndCorrelation() {
        let process = ResidualProcess(rho: 0.7, sigma: 0.2, start: 1.0, errorModel: .log)
        let n = 20_000, steps = 60
        var last = [Double](repeating: 0, count: n), previous = last
        for p in 0..<n {
            let stream = CounterBasedRandomStream(seed: 11, path: p)
            var e = process.start
            for h in 0..<steps {
                if h == steps - 1 { previous[p] = e }
                e = process.next(e, innovation: stream.normal(RandomDrawLayout.residualInnovations + h))
            }
            last[p] = e
        }
        let mean = last.reduce(0, +) / Double(n)
        let variance = last.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        XCTAssertEqual(mean, 0, accuracy: 4 * 0.2 / Double(n).squareRoot())
        // Var of a sample variance ≈ 2σ⁴/n: 4 standard errors is 4·0.04·0.01 = 0.0016.
        XCTAssertEqual(variance, 0.04, accuracy: 0.0016)
        let pm = previous.reduce(0, +) / Double(n)
        var covariance = 0.0, vp = 0.0
        for p in 0..<n { covariance += (previous[p] - pm) * (last[p] - mean); vp += (previous[p] - pm) * (previous[p] - pm) }
        XCTAssertEqual(covariance / (vp * variance * Double(n - 1)).squareRoot(), 0.7, accuracy: 0.02)
        // At h = 1 the variance is σ²(1 − ρ²) around ρ·e₀: the band starts at the data.
        XCTAssertEqual(process.innovationSD, 0.2 * (1 - 0.49).squareRoot(), accuracy: 1e-15)
    }

    /// End to end: with the curve fixed (parameterScale 0) and σ inflated to 0.1, the first
    /// forecast point is g⁻¹(g(f(t₁)) + e₁), e₁ ~ N(ρe₀, σ²(1 − ρ²)). Its upper half is not
    /// touched by the running maximum (which floors the lower tail at the last observation)
    /// or the ceiling, so the upper quartile of log values sits 0.6745·sd above the median.
    func testEngineNoiseMatchesSigmaOnTheErrorScale() throws {
        var request = ForecastFixtures.request(series, paths: 4000, samples: 4000)
        request.calibration = UncertaintyCalibration(parameterScale: 0, noiseScale: 20)
        let result = try Forecaster.run(request, jobs: 2)
        let process = ResidualProcess(fit: result.fits[0], series: series, referenceTime: request.grid.referenceDate.decimalYear,
                                      gridTimes: request.grid.times, noiseScale: 20)
        XCTAssertEqual(process.sigma, result.fits[0].sigma * 20)
        let logs = result.forecasts[0].samples.map { log($0[0] + 0.5) }.sorted()
        let spread = SampleQuantiles.quantile(sorted: logs, 0.75) - SampleQuantiles.quantile(sorted: logs, 0.5)
        XCTAssertEqual(spread, 0.6745 * process.innovationSD, accuracy: 0.08 * 0.6745 * process.innovationSD)
    }

    func testCalibrationScalesTheSpread() throws {
        var request = ForecastFixtures.request(series, paths: 800)
        request.calibration = UncertaintyCalibration(parameterScale: 0, noiseScale: 0)
        let none = try Forecaster.run(request).forecasts[0]
        for row in none.quantiles { XCTAssertEqual(row.first!, row.last!, accuracy: 1e-9 * row.last!) }
        request.calibration = UncertaintyCalibration(parameterScale: 1, noiseScale: 1)
        let plain = try Forecaster.run(request).forecasts[0]
        request.calibration = UncertaintyCalibration(parameterScale: 3, noiseScale: 3)
        let wide = try Forecaster.run(request).forecasts[0]
        let h = 30
        let width = { (f: VariantForecast) in f.quantiles[h][20] - f.quantiles[h][2] }
        XCTAssertGreaterThan(width(plain), 0)
        XCTAssertGreaterThan(width(wide), 2 * width(plain))
    }

    func testAutocorrelationEstimate() {
        XCTAssertEqual(ResidualProcess.lagOneAutocorrelation([1, -1, 1, -1, 1, -1]), -5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(ResidualProcess.lagOneAutocorrelation([2, 2, 2]), 0)
        XCTAssertGreaterThan(ResidualProcess.lagOneAutocorrelation([1, 2, 3, 4, 5, 6]), 0.4)
    }
}
