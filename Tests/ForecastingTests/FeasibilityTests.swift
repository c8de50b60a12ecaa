import XCTest
import Fitting
@testable import Forecasting

/// DESIGN.md, "Feasibility": P(met by deadline) with its Monte Carlo standard error, the
/// value at the deadline, the date first reached, and a verdict.
final class FeasibilityTests: XCTestCase {
    let series = ForecastFixtures.tightLogisticSeries()

    func target(_ value: Double, _ deadline: String, _ label: String = "t") -> ForecastTarget {
        ForecastTarget(label: label, value: value, deadline: CalendarDate(iso: deadline)!)
    }

    /// A tight fit (σ ≈ 0.005, small covariance): the truth at 2024-12-31 is 768.5, so 700
    /// is met on essentially every path and 850 on none.
    func testProbabilityOfATightFitIsNearZeroOrOne() throws {
        XCTAssertEqual(ForecastFixtures.logisticTruth(CalendarDate(iso: "2024-12-31")!), 768.5, accuracy: 0.1)
        let request = ForecastFixtures.request(series, targets: [target(700, "2024-12-31"), target(850, "2024-12-31")],
                                               paths: 2000)
        let f = try Forecaster.run(request).forecasts[0].feasibility
        XCTAssertEqual(f[0].pMeet, 1)
        XCTAssertEqual(f[0].verdict, .onTrack)
        XCTAssertEqual(f[1].pMeet, 0)
        XCTAssertEqual(f[1].verdict, .offTrack)
        XCTAssertEqual(f[0].valueAtDeadline.q50, 768.5, accuracy: 15)
        XCTAssertLessThan(f[0].valueAtDeadline.q05, f[0].valueAtDeadline.q95)
        // The level crosses 700 around 2024.5 (truth: t0 + log(7/3)/0.8 = 2024.56).
        let reached = try XCTUnwrap(f[0].dateReached.q50)
        XCTAssertEqual(reached.decimalYear, 2024.56, accuracy: 0.1)
        XCTAssertLessThanOrEqual(f[0].dateReached.q10!, reached)
        XCTAssertLessThanOrEqual(reached, f[0].dateReached.q90!)
    }

    func testTargetAboveEveryPathIsOffTrackWithoutDates() throws {
        let request = ForecastFixtures.request(series, targets: [target(5000, "2026-06-30")], paths: 500)
        let f = try Forecaster.run(request).forecasts[0].feasibility[0]
        XCTAssertEqual(f.pMeet, 0)
        XCTAssertEqual(f.pMeetStandardError, 0)
        XCTAssertEqual(f.verdict, .offTrack)
        XCTAssertNil(f.dateReached.q10)
        XCTAssertNil(f.dateReached.q50)
        XCTAssertNil(f.dateReached.q90)
    }

    func testTargetMetInTheDataIsMetWithTheDateItWasMet() throws {
        // Observations cross 300 at the 2022-06-30 point (~309 × 1.005; 2022-03-31 is ~268).
        let request = ForecastFixtures.request(series, targets: [target(300, "2025-12-31")], paths: 200)
        let f = try Forecaster.run(request).forecasts[0].feasibility[0]
        let first = series.observations.first { $0.value >= 300 }!
        XCTAssertEqual(f.verdict, .met)
        XCTAssertEqual(f.pMeet, 1)
        XCTAssertEqual(f.pMeetStandardError, 0)
        XCTAssertEqual(f.dateReached.q10, CalendarDate(decimalYear: first.time))
        XCTAssertEqual(f.dateReached.q50, CalendarDate(iso: "2022-06-30"))
        XCTAssertEqual(f.dateReached.q90, f.dateReached.q10)
    }

    /// DESIGN.md: a target "whose deadline passed unmet" is missed, not off track.
    func testPassedDeadlineNotMetIsMissed() throws {
        let request = ForecastFixtures.request(series, targets: [target(900, "2022-12-31")], paths: 200)
        let f = try Forecaster.run(request).forecasts[0].feasibility[0]
        XCTAssertEqual(f.pMeet, 0)
        XCTAssertEqual(f.pMeetStandardError, 0)
        XCTAssertEqual(f.verdict, .missed)
        // The value at a past deadline is the observations' (between ~397 and ~436).
        XCTAssertEqual(f.valueAtDeadline.q50, f.valueAtDeadline.q05)
        XCTAssert((380...450).contains(f.valueAtDeadline.q50), "\(f.valueAtDeadline)")
    }

    /// Reached in the data, but after the deadline: missed, with the date it was reached.
    func testTargetReachedInTheDataAfterItsDeadlineIsMissed() throws {
        // 300 is first reached at the 2022-06-30 observation; the deadline is a month before.
        let request = ForecastFixtures.request(series, targets: [target(300, "2022-05-31")], paths: 200)
        let f = try Forecaster.run(request).forecasts[0].feasibility[0]
        XCTAssertEqual(f.verdict, .missed)
        XCTAssertEqual(f.pMeet, 0)
        XCTAssertEqual(f.dateReached.q50, CalendarDate(iso: "2022-06-30"))
    }

    /// P is the share of paths at or above the value at the deadline and the standard error
    /// is √(P(1 − P)/n); a deadline between two grid points is evaluated at itself (the
    /// latent curve there and the Ornstein–Uhlenbeck bridge), so its median lies between
    /// the medians of the month ends around it.
    func testProbabilityAndStandardErrorFromThePaths() throws {
        let paths = 1500
        let deadline = CalendarDate(iso: "2024-10-31")!           // a grid point
        var request = ForecastFixtures.request(series, paths: paths, samples: paths)
        let first = try Forecaster.run(request)
        let grid = request.grid
        let h = grid.dates.firstIndex(of: deadline)!
        let atDeadline = first.forecasts[0].samples.map { $0[h] }.sorted()
        let value = atDeadline[paths / 2]                            // about half the paths meet it
        request.targets = [ForecastTarget(label: "median", value: value, deadline: deadline)]
        let f = try Forecaster.run(request, jobs: 2).forecasts[0].feasibility[0]
        let meeting = atDeadline.filter { $0 >= value }.count
        XCTAssertEqual(f.pMeet, Double(meeting) / Double(paths))
        XCTAssertEqual(f.pMeet, 0.5, accuracy: 0.01)
        XCTAssertEqual(f.pMeetStandardError, (f.pMeet * (1 - f.pMeet) / Double(paths)).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(f.verdict, .atRisk)
        XCTAssertEqual(f.valueAtDeadline.q50, SampleQuantiles.quantile(sorted: atDeadline, 0.5), accuracy: 1e-9)
        // Mid-month: between the month ends' medians (the curve rises through October).
        request.targets = [ForecastTarget(label: "mid", value: value, deadline: CalendarDate(iso: "2024-10-15")!)]
        let mid = try Forecaster.run(request, jobs: 2).forecasts[0].feasibility[0]
        let before = first.forecasts[0].median[h - 1], after = first.forecasts[0].median[h]
        XCTAssertGreaterThan(mid.valueAtDeadline.q50, before - 0.02 * (after - before) - 1e-9)
        XCTAssertLessThan(mid.valueAtDeadline.q50, after + 0.02 * (after - before) + 1e-9)
        XCTAssertLessThan(mid.pMeet, f.pMeet)
        // The CDF at the target value: P(y ≤ v) at a grid point, from the same paths.
        let forecast = try Forecaster.run(request).forecasts[0]
        XCTAssertEqual(forecast.cdfValues, [value])
        let column = first.forecasts[0].samples.map { $0[h] }
        XCTAssertEqual(forecast.cdf[h][0], Double(column.filter { $0 <= value }.count) / Double(paths))
    }

    func testVerdictThresholds() {
        let t = VerdictThresholds()
        XCTAssertEqual(TargetFeasibilityAnalysis.verdict(0.8, t), .onTrack)
        XCTAssertEqual(TargetFeasibilityAnalysis.verdict(0.79, t), .atRisk)
        XCTAssertEqual(TargetFeasibilityAnalysis.verdict(0.2, t), .atRisk)
        XCTAssertEqual(TargetFeasibilityAnalysis.verdict(0.19, t), .offTrack)
        XCTAssertEqual(TargetFeasibilityAnalysis.verdict(0.5, VerdictThresholds(onTrack: 0.5, offTrack: 0.1)), .onTrack)
    }

    /// Date quantiles are nil when fewer than that share of paths reach the target.
    func testReachDateQuantilesNeedThatShareOfPaths() {
        let inf = Double.infinity
        // 10 paths, 3 reach: q10 and q50? q10 yes (3 ≥ 1), q50 no (3 < 5), q90 no.
        let times = [2024.1, 2024.2, 2024.3, inf, inf, inf, inf, inf, inf, inf]
        let dates = TargetFeasibilityAnalysis.reachDates(times, paths: 10)
        XCTAssertNotNil(dates.q10)
        XCTAssertNil(dates.q50)
        XCTAssertNil(dates.q90)
        XCTAssertEqual(CalendarDate.day(containing: CalendarDate(iso: "2024-03-05")!.decimalYear), CalendarDate(iso: "2024-03-05"))
        XCTAssertEqual(CalendarDate.day(containing: CalendarDate(iso: "2024-03-05")!.decimalYear - 0.001), CalendarDate(iso: "2024-03-05"))
        XCTAssertEqual(CalendarDate.day(containing: 2024.0 + 1e-6), CalendarDate(iso: "2024-01-01"))
    }

    func testTypeSevenQuantilesMatchNumpy() {
        let x = (1...10).map(Double.init)
        // numpy.quantile(np.arange(1, 11), [0.01, 0.1, 0.25, 0.5, 0.975])
        let expected = [1.09, 1.9, 3.25, 5.5, 9.775]
        for (p, q) in zip([0.01, 0.1, 0.25, 0.5, 0.975], expected) {
            XCTAssertEqual(SampleQuantiles.quantile(sorted: x, p), q, accuracy: 1e-12)
        }
        XCTAssertEqual(SampleQuantiles.quantile(sorted: [3], 0.99), 3)
        XCTAssertEqual(SampleQuantiles.cumulativeProbability(sorted: x, atMost: 3), 0.3)
        XCTAssertEqual(SampleQuantiles.cumulativeProbability(sorted: x, atMost: 2.5), 0.2)
    }
}

final class RadixSortTests: XCTestCase {
    /// The radix sort agrees with the comparison sort, across signs, magnitudes and ±∞.
    func testRadixSortAgreesWithComparisonSort() {
        let rng = CounterBasedRandomStream(seed: 5, path: 0)
        var values: [Double] = [0, -0.0, .infinity, -.infinity, 1e-310, -1e-310, .greatestFiniteMagnitude, 5, 5]
        for d in 0..<5000 {
            let u = rng.uniform(d)
            values.append(d % 3 == 0 ? (u - 0.5) * 1e6 : d % 3 == 1 ? u * 1000 : exp(60 * (u - 0.5)))
        }
        var sorter = RadixSort()
        var radix = values
        sorter.sort(&radix)
        XCTAssertEqual(radix, values.sorted())
        var short = [3.0, 1, 2]
        sorter.sort(&short)                     // a shorter array through the same buffers
        XCTAssertEqual(short, [1, 2, 3])
        var same = [Double](repeating: 7, count: 10)
        sorter.sort(&same)                      // every pass skipped
        XCTAssertEqual(same, [Double](repeating: 7, count: 10))
    }

    /// Selected order statistics are bit-for-bit the values of the full radix sort at those
    /// ranks: spread data, heavy ties (a cap many paths hit), ±0, ±∞, and small samples.
    func testOrderStatisticsMatchFullSort() {
        let rng = CounterBasedRandomStream(seed: 9, path: 0)
        var spread: [Double] = [0, -0.0, .infinity, -.infinity, 1e-310, -1e-310, 5, 5]
        var capped: [Double] = []
        for d in 0..<10_000 {
            let u = rng.uniform(d)
            spread.append(d % 3 == 0 ? (u - 0.5) * 1e6 : d % 3 == 1 ? u * 1000 : exp(60 * (u - 0.5)))
            capped.append(min(0.9, 0.5 + u * 0.6))
        }
        var selector = OrderStatistics()
        var sorter = RadixSort()
        for values in [spread, capped, [3.0, 1, 2], [7.0], [Double](repeating: 7, count: 100), [0.0, -0.0, 0.0, -0.0]] {
            var sorted = values
            sorter.sort(&sorted)
            let n = values.count
            let ranks = Array(Set(hubQuantileLevels.flatMap { SampleQuantiles.ranks(count: n, $0) } + [0, n - 1])).sorted()
            let selected = selector.select(values, ranks: ranks)
            XCTAssertEqual(selected.map(\.bitPattern), ranks.map { sorted[$0].bitPattern })
            XCTAssertEqual(selector.select(values, ranks: Array(0..<n)).map(\.bitPattern), sorted.map(\.bitPattern))
        }
    }
}
