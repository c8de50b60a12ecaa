import XCTest
import Fitting
@testable import Forecasting

/// `uptake seek` in the library (``LeverSeek``): fixed levers are degenerate draws that move
/// nothing else, bisection over common random numbers finds the crossing exactly, and each
/// outcome (found, met at baseline, not reachable, missed) is what it says.
final class LeverSeekTests: XCTestCase {
    let series = ForecastFixtures.tightLogisticSeries()

    func target(_ value: Double, _ deadline: String) -> ForecastTarget {
        ForecastTarget(label: "\(value) by \(deadline)", value: value, deadline: CalendarDate(iso: deadline)!)
    }

    /// Two families, so the plain-logistic lane kernel is not in play and every variant runs
    /// the same scalar path code.
    func request(_ targets: [ForecastTarget], paths: Int = 1000) -> ForecastRequest {
        ForecastFixtures.request(series, families: [.logistic, .gompertz], targets: targets, paths: paths)
    }

    func testAFixedLeverIsADegenerateDrawThatMovesNoOtherDraw() throws {
        var request = self.request([target(900, "2025-06-30")], paths: 800)
        request.variants = [.baseline,
                            VariantLevers(id: "u1", growthMultiplier: .uniform(lower: 1, upper: 1)),
                            VariantLevers(id: "n1", growthMultiplier: .normal(mean: 1, sd: 0)),
                            VariantLevers(id: "u12", growthMultiplier: .uniform(lower: 1.2, upper: 1.2)),
                            VariantLevers(id: "n12", growthMultiplier: .normal(mean: 1.2, sd: 0))]
        let forecasts = try Forecaster.run(request, jobs: 2).forecasts
        // ×1 as a fixed lever is the baseline, path for path.
        XCTAssertEqual(forecasts[1].quantiles, forecasts[0].quantiles)
        XCTAssertEqual(forecasts[1].feasibility.map(\.pMeet), forecasts[0].feasibility.map(\.pMeet))
        XCTAssertEqual(forecasts[2].quantiles, forecasts[0].quantiles)
        // Any degenerate distribution of the same value gives the same paths.
        XCTAssertEqual(forecasts[3].quantiles, forecasts[4].quantiles)
        XCTAssertGreaterThan(forecasts[3].feasibility[0].pMeet, forecasts[0].feasibility[0].pMeet)
    }

    /// The answer is a crossing of the CRN step function: P at the value reaches the
    /// probability, one grid step less does not.
    func testSeekFindsTheSmallestGrowthThatReachesTheProbability() throws {
        let request = self.request([target(900, "2025-06-30")])
        let result = try LeverSeek.run(request, lever: .growthMultiplier, probability: 0.8, jobs: 2)[0]
        XCTAssertEqual(result.status, .found)
        guard case let .number(g)? = result.value else { return XCTFail("no value: \(result)") }
        XCTAssertLessThan(result.baselinePMeet, 0.8)
        XCTAssertGreaterThanOrEqual(result.pMeetAtValue, 0.8)
        let runs = CommonRandomNumberRuns(request, jobs: 2)
        let at = try runs.feasibility([VariantLevers(id: "g", growthMultiplier: .uniform(lower: g, upper: g))])[0][0]
        XCTAssertEqual(at.pMeet, result.pMeetAtValue)
        let below = g - 0.0001
        let under = try runs.feasibility([VariantLevers(id: "g", growthMultiplier: .uniform(lower: below, upper: below))])[0][0]
        XCTAssertLessThan(under.pMeet, 0.8)
        // The value is on the documented grid (4 decimals) and has a positive, small s.e.
        XCTAssertEqual(g, (g * 10_000).rounded() / 10_000)
        let se = try XCTUnwrap(result.valueStandardError)
        XCTAssertGreaterThan(se, 0)
        XCTAssertLessThan(se, 0.5 * (g - 1))
        XCTAssertEqual(result.range.neutral, .number(1))
        XCTAssertEqual(result.range.far, .number(10))
        // The baseline, the far end, about 17 halvings of 90,000 steps, and what the coarse
        // slope bisections do not find among those.
        XCTAssertLessThanOrEqual(result.evaluations, 36, "forecasts run")
    }

    func testLevelShiftAndCeilingSeekCrossTheProbability() throws {
        let request = self.request([target(900, "2025-06-30")], paths: 600)
        let runs = CommonRandomNumberRuns(request, jobs: 2)
        let shift = try LeverSeek.run(request, lever: .levelShift, probability: 0.7, jobs: 2)[0]
        guard case let .number(s)? = shift.value else { return XCTFail("no shift: \(shift)") }
        // 0 … 2·(900 − the last observation), on a grid of powers of ten.
        guard case let .number(far) = shift.range.far else { return XCTFail("\(shift.range)") }
        XCTAssertEqual(far, LeverSeek.levelShiftUpper(request.targets[0], series: series), accuracy: 0.01)   // up to the grid
        let at = try runs.feasibility([VariantLevers(id: "s", levelShift: .uniform(lower: s, upper: s))])[0][0]
        XCTAssertGreaterThanOrEqual(at.pMeet, 0.7)
        let ceiling = try LeverSeek.run(request, lever: .ceilingMultiplier, probability: 0.7, jobs: 2)[0]
        XCTAssertEqual(ceiling.status, .found)
        guard case let .number(c)? = ceiling.value else { return XCTFail("no multiplier: \(ceiling)") }
        XCTAssertGreaterThan(c, 1)
    }

    func testStartSeeksTheLatestFromDate() throws {
        let request = self.request([target(900, "2025-06-30")], paths: 600)
        let campaign = VariantLevers(id: "campaign", from: CalendarDate(iso: "2024-01-01"), growthMultiplier: .uniform(lower: 1.6, upper: 1.8))
        let result = try LeverSeek.run(request, lever: .start, probability: 0.5, startVariant: campaign, jobs: 2)[0]
        XCTAssertEqual(result.status, .found, "\(result)")
        guard case let .date(date)? = result.value else { return XCTFail("no date: \(result)") }
        let runs = CommonRandomNumberRuns(request, jobs: 2)
        func p(_ from: CalendarDate) throws -> Double {
            var variant = campaign
            variant.from = from
            return try runs.feasibility([variant])[0][0].pMeet
        }
        XCTAssertGreaterThanOrEqual(try p(date), 0.5)
        XCTAssertLessThan(try p(date.adding(days: 1)), 0.5)   // a day later is not enough
        XCTAssertEqual(result.range.far, .date(request.grid.referenceDate))
        XCTAssertEqual(result.range.neutral, .date(CalendarDate(iso: "2025-06-30")!))
    }

    func testMetAtBaselineNotReachableAndMissed() throws {
        let request = self.request([target(500, "2025-12-31"), target(1100, "2025-12-31"), target(2000, "2020-12-31")], paths: 400)
        let results = try LeverSeek.run(request, lever: .growthMultiplier, probability: 0.8, jobs: 2)
        XCTAssertEqual(results.map(\.status), [.metAtBaseline, .unreachable, .missed])
        XCTAssertEqual(results[0].value, .number(1))
        XCTAssertNil(results[1].value)
        XCTAssertLessThan(results[1].pMeetAtValue, 0.8)   // P(met) at ×10
        XCTAssertNil(results[2].value)
        // Start: met at baseline is the deadline itself.
        let campaign = VariantLevers(id: "c", growthMultiplier: .uniform(lower: 1.1, upper: 1.2))
        let start = try LeverSeek.run(request, targets: [0], lever: .start, probability: 0.8, startVariant: campaign)[0]
        XCTAssertEqual(start.value, .date(CalendarDate(iso: "2025-12-31")!))
    }

    func testBadRequestsAreRefused() {
        let request = self.request([target(900, "2025-06-30")], paths: 50)
        XCTAssertThrowsError(try LeverSeek.run(request, lever: .growthMultiplier, probability: 1))
        XCTAssertThrowsError(try LeverSeek.run(request, lever: .growthMultiplier, probability: 0))
        XCTAssertThrowsError(try LeverSeek.run(request, targets: [3], lever: .growthMultiplier, probability: 0.5))
        XCTAssertThrowsError(try LeverSeek.run(request, lever: .start, probability: 0.5))
    }

    /// The extra reach-date level is the same quantile as date_reached_q10/q50/q90.
    func testDateAtAProbabilityIsTheQuantileOfTheFirstReachDate() throws {
        var request = self.request([target(900, "2026-12-31"), target(700, "2026-12-31")], paths: 500)
        for (level, path) in [(0.1, \TargetFeasibility.dateReached.q10), (0.5, \.dateReached.q50), (0.9, \.dateReached.q90)] {
            request.reachQuantileLevel = level
            for f in try Forecaster.run(request, jobs: 2).forecasts[0].feasibility {
                XCTAssertEqual(f.dateReachedAtLevel, f[keyPath: path], "level \(level), \(f.target.label)")
            }
        }
        request.reachQuantileLevel = nil
        XCTAssertNil(try Forecaster.run(request).forecasts[0].feasibility[0].dateReachedAtLevel)
    }

    func testDayArithmetic() {
        let d = CalendarDate(iso: "2024-02-28")!
        XCTAssertEqual(d.adding(days: 1), CalendarDate(iso: "2024-02-29"))
        XCTAssertEqual(d.adding(days: 2), CalendarDate(iso: "2024-03-01"))
        XCTAssertEqual(d.adding(days: -59), CalendarDate(iso: "2023-12-31"))
        XCTAssertEqual(CalendarDate(iso: "1970-01-01")!.dayNumber, 0)
        XCTAssertEqual(CalendarDate(iso: "2025-12-31")!.dayNumber - CalendarDate(iso: "2021-01-01")!.dayNumber, 1825)
    }
}
