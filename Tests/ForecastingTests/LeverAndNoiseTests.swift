import XCTest
import Fitting
@testable import Forecasting

/// Variant levers move the forecast the right way; the residual process is an exact
/// Ornstein–Uhlenbeck process; the calibration scales act on the spread.
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
        XCTAssertTrue(result.assumptions.contains(.leversStartAtReference(variant: "early", requested: CalendarDate(iso: "2020-01-01")!,
                                                                          reference: request.grid.referenceDate)))
        XCTAssertEqual(result.forecasts[1].median, result.forecasts[2].median)
        XCTAssertGreaterThan(result.forecasts[1].median[0], result.forecasts[0].median[0])
        // A clock doubled since 2020 would put 2023-04-30 past the inflection (> 900).
        XCTAssertLessThan(result.forecasts[1].median[0], 550)
    }

    /// The Ornstein–Uhlenbeck transition is exact over any Δt: after 5 years from e₀ = 1,
    /// Var → σ² and mean → 0; the correlation over Δt is e^(−κΔt); and stepping monthly or
    /// in one yearly step gives the same distribution at one year (grid invariance).
    func testResidualProcessIsExactOverAnyStep() {
        let process = ResidualProcess(meanReversion: 0.8, sigma: 0.2)
        let n = 20_000
        var monthly = [Double](repeating: 0, count: n), yearly = monthly, late = monthly, beforeLate = monthly
        for p in 0..<n {
            let stream = CounterBasedRandomStream(seed: 11, path: p)
            var e = 1.0
            for m in 0..<12 { e = process.next(e, over: 1.0 / 12, innovation: stream.normal(RandomDrawLayout.residualInnovations + m)) }
            monthly[p] = e
            yearly[p] = process.next(1.0, over: 1, innovation: stream.normal(RandomDrawLayout.residualInnovations + 100))
            var f = 1.0
            for m in 0..<60 {
                if m == 59 { beforeLate[p] = f }
                f = process.next(f, over: 1.0 / 12, innovation: stream.normal(RandomDrawLayout.residualInnovations + 200 + m))
            }
            late[p] = f
        }
        func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
            let mean = x.reduce(0, +) / Double(x.count)
            return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1))
        }
        // At one year: mean e^(−0.8) = 0.449, variance σ²(1 − e^(−1.6)) = 0.03192.
        for x in [monthly, yearly] {
            let (mean, variance) = moments(x)
            XCTAssertEqual(mean, exp(-0.8), accuracy: 4 * 0.18 / Double(n).squareRoot())
            XCTAssertEqual(variance, 0.04 * (1 - exp(-1.6)), accuracy: 4 * 0.0319 * (2 / Double(n)).squareRoot())
        }
        let (mean, variance) = moments(late)
        XCTAssertEqual(mean, exp(-4), accuracy: 4 * 0.2 / Double(n).squareRoot())
        XCTAssertEqual(variance, 0.04, accuracy: 0.0016)
        let (pm, pv) = moments(beforeLate)
        var covariance = 0.0
        for p in 0..<n { covariance += (beforeLate[p] - pm) * (late[p] - mean) }
        XCTAssertEqual(covariance / Double(n - 1) / (pv * variance).squareRoot(), exp(-0.8 / 12), accuracy: 0.01)
    }

    /// The bridge at a mid-month date has the marginal of the process there: from e₀ = 0.5,
    /// stepping to 0.3 years directly or bridging between 0 and 1 year gives the same mean
    /// and variance.
    func testBridgeHasTheMarginalOfTheProcess() {
        let process = ResidualProcess(meanReversion: 1.2, sigma: 0.3)
        let n = 20_000
        var direct = [Double](repeating: 0, count: n), bridged = direct
        for p in 0..<n {
            let stream = CounterBasedRandomStream(seed: 5, path: p)
            direct[p] = process.next(0.5, over: 0.3, innovation: stream.normal(40))
            let end = process.next(0.5, over: 1, innovation: stream.normal(41))
            bridged[p] = process.bridge(0.5, end, before: 0.3, after: 0.7, innovation: stream.normal(42))
        }
        let mean = { (x: [Double]) in x.reduce(0, +) / Double(x.count) }
        let variance = { (x: [Double]) -> Double in let m = mean(x); return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1) }
        let expectedVariance = 0.09 * (1 - exp(-0.72))
        for x in [direct, bridged] {
            XCTAssertEqual(mean(x), 0.5 * exp(-0.36), accuracy: 4 * 0.2 / Double(n).squareRoot())
            XCTAssertEqual(variance(x), expectedVariance, accuracy: 4 * expectedVariance * (2 / Double(n)).squareRoot())
        }
    }

    /// End to end: with the curve fixed (parameterScale 0) and σ inflated, the first
    /// forecast point (one month on) is h⁻¹(h(L(t₁)) + e₁), e₁ ~ N(a·e₀, σ²(1 − a²)),
    /// a = e^(−κ/12): no floor, no ceiling, so the quartiles of log values sit 0.6745·sd
    /// either side of the median.
    func testEngineNoiseMatchesSigmaOnTheNaturalScale() throws {
        var request = ForecastFixtures.request(series, paths: 4000, samples: 4000)
        request.calibration = UncertaintyCalibration(parameterScale: 0, noiseScale: 20)
        let result = try Forecaster.run(request, jobs: 2)
        let process = ResidualProcess(fit: result.fits[0], series: series, scale: .log, noiseScale: 20)
        XCTAssertEqual(process.sigma, result.fits[0].sigma * 20, accuracy: 1e-12)
        let dt = request.grid.times[0] - request.grid.referenceDate.decimalYear
        let a = process.decay(over: dt)
        let sd = process.sigma * (1 - a * a).squareRoot()
        let logs = result.forecasts[0].samples.map { log($0[0]) }.sorted()
        let median = SampleQuantiles.quantile(sorted: logs, 0.5)
        XCTAssertEqual(SampleQuantiles.quantile(sorted: logs, 0.75) - median, 0.6745 * sd, accuracy: 0.08 * 0.6745 * sd)
        XCTAssertEqual(median - SampleQuantiles.quantile(sorted: logs, 0.25), 0.6745 * sd, accuracy: 0.08 * 0.6745 * sd)
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
