import XCTest
import Fitting
@testable import Forecasting

/// DESIGN.md, "Monte Carlo": results depend on (scenario, seed, paths) only — never on
/// thread count or batch order.
final class ForecastReproducibilityTests: XCTestCase {
    static let campaign = VariantLevers(id: "campaign", from: CalendarDate(iso: "2023-07-01"),
                                        growthMultiplier: .uniform(lower: 1.1, upper: 1.4),
                                        ceilingMultiplier: .lognormal(median: 1.1, sdLog: 0.05),
                                        levelShift: .normal(mean: 10, sd: 5))

    /// 1000 paths: three full batches and a partial one; two families mixed.
    func mixedRequest(seed: UInt64 = 7) -> ForecastRequest {
        let targets = [ForecastTarget(label: "900 by 2025", value: 900, deadline: CalendarDate(iso: "2025-06-15")!),
                       ForecastTarget(label: "met", value: 300, deadline: CalendarDate(iso: "2024-12-31")!)]
        return ForecastFixtures.request(ForecastFixtures.tightLogisticSeries(), families: [.logistic, .gompertz],
                                        variants: [.baseline, Self.campaign], targets: targets, paths: 1000,
                                        seed: seed, samples: 1000)
    }

    func assertIdentical(_ a: ForecastResult, _ b: ForecastResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.forecasts.count, b.forecasts.count, file: file, line: line)
        for (x, y) in zip(a.forecasts, b.forecasts) {
            XCTAssertEqual(x.quantiles, y.quantiles, file: file, line: line)
            XCTAssertEqual(x.mean, y.mean, file: file, line: line)
            XCTAssertEqual(x.median, y.median, file: file, line: line)
            XCTAssertEqual(x.cdf, y.cdf, file: file, line: line)
            XCTAssertEqual(x.feasibility, y.feasibility, file: file, line: line)
            XCTAssertEqual(x.samples, y.samples, file: file, line: line)
        }
        XCTAssertEqual(a.assumptions, b.assumptions, file: file, line: line)
    }

    func testIdenticalForAnyNumberOfJobs() throws {
        let request = mixedRequest()
        let one = try Forecaster.run(request, jobs: 1)
        let two = try Forecaster.run(request, jobs: 2)
        let three = try Forecaster.run(request, jobs: 3)
        XCTAssertEqual(one.fits.count, 2)
        assertIdentical(one, two)
        assertIdentical(one, three)
    }

    /// The same across several batches, where more jobs mean more workers and each date is
    /// summarised while the paths advance to the next: a level with two families and a
    /// variant, and a flow with a `cumulative: false` target (running totals, the look-back,
    /// a deadline between month ends).
    func testIdenticalForAnyNumberOfJobsAcrossBatches() throws {
        var level = mixedRequest()
        level.paths = 2 * PathSimulator.batchSize + 37
        level.sampleCount = level.paths
        let flows = [9000.0, 21000, 38000, 59000, 80000]
        let observations = flows.enumerated().map {
            DatedObservation(date: CalendarDate(iso: "\(2021 + $0.offset)-12-31")!, value: $0.element)
        }
        let series = try AdoptionSeries.make(observations: observations, kind: .count, observed: .flow,
                                              launch: CalendarDate(iso: "2020-12-31"), ceiling: .range(min: 300_000, max: 600_000))
        let targets = [ForecastTarget(label: "350k in total", value: 350_000, deadline: CalendarDate(iso: "2026-12-31")!),
                       ForecastTarget(label: "70k in a year", value: 70_000, deadline: CalendarDate(iso: "2026-06-15")!,
                                      cumulative: false)]
        let flow = ForecastFixtures.request(series, families: [.bass], horizon: "2027-12-31", step: .quarter, targets: targets,
                                            paths: 3 * PathSimulator.batchSize + 11, samples: 50)
        for request in [level, flow] {
            let one = try Forecaster.run(request, jobs: 1)
            assertIdentical(one, try Forecaster.run(request, jobs: 2))
            assertIdentical(one, try Forecaster.run(request, jobs: 3))
        }
    }

    func testSameSeedSameResultDifferentSeedDifferentResult() throws {
        let a = try Forecaster.run(mixedRequest(seed: 7), jobs: 2)
        let b = try Forecaster.run(mixedRequest(seed: 7), jobs: 2)
        let c = try Forecaster.run(mixedRequest(seed: 8), jobs: 2)
        assertIdentical(a, b)
        XCTAssertNotEqual(a.forecasts[0].samples, c.forecasts[0].samples)
        XCTAssertNotEqual(a.forecasts[0].quantiles, c.forecasts[0].quantiles)
    }

    /// A path is a function of its own index: the first 300 paths of a 1000-path run are
    /// the paths of a 300-path run, and a variant does not depend on the others listed.
    /// Variants share their random numbers (common random numbers): a variant listed alone
    /// gives the same paths as when listed second.
    func testPathsDoNotDependOnOtherPathsOrVariants() throws {
        let full = try Forecaster.run(mixedRequest(), jobs: 2)
        var small = mixedRequest()
        small.paths = 300
        small.sampleCount = 300
        small.variants = [.baseline]
        let part = try Forecaster.run(small, jobs: 1)
        XCTAssertEqual(Array(full.forecasts[0].samples.prefix(300)), part.forecasts[0].samples)
        small.variants = [Self.campaign]
        let campaignAlone = try Forecaster.run(small, jobs: 3)
        XCTAssertEqual(Array(full.forecasts[1].samples.prefix(300)), campaignAlone.forecasts[0].samples)
    }

    func testCounterBasedStreamIsAPureFunctionOfItsCoordinates() {
        let a = CounterBasedRandomStream(seed: 1, path: 5)
        let b = CounterBasedRandomStream(seed: 1, path: 5)
        XCTAssertEqual(a.bits(3), b.bits(3))
        XCTAssertNotEqual(a.bits(3), CounterBasedRandomStream(seed: 1, path: 6).bits(3))
        XCTAssertNotEqual(a.bits(3), CounterBasedRandomStream(seed: 2, path: 5).bits(3))
        XCTAssertNotEqual(a.bits(3), a.bits(4))
    }

    /// Distribution, not single draws: moments of 200,000 normals across paths, and the
    /// inverse CDF against known quantiles.
    func testNormalDrawsHaveStandardMoments() {
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0, sumFourth = 0.0
        for p in 0..<n {
            let z = CounterBasedRandomStream(seed: 3, path: p).normal(40)
            sum += z; sumSquares += z * z; sumFourth += z * z * z * z
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        XCTAssertEqual(mean, 0, accuracy: 4 / Double(n).squareRoot())        // 4 standard errors
        XCTAssertEqual(variance, 1, accuracy: 4 * (2 / Double(n)).squareRoot())
        XCTAssertEqual(sumFourth / Double(n), 3, accuracy: 4 * (96 / Double(n)).squareRoot())
        XCTAssertEqual(StandardNormal.quantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(StandardNormal.quantile(0.5), 0, accuracy: 1e-16)
        XCTAssertEqual(StandardNormal.quantile(1e-10), -6.361340902404056, accuracy: 1e-12)
    }
}
