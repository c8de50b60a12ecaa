import Fitting
import XCTest
@testable import Forecasting

/// The step loop's four-lane path for a plain logistic batch (one family, no launch, no
/// levers, a level) against the path-by-path loop on the same paths: a variant whose growth
/// multiplier is exactly 1 changes nothing but sends the paths through the general loop. The
/// two must agree to the last bits the vector exp can change (≤ 2 ulp of libm's), on every
/// quantile, mean and CDF value, P(met) and reach date — for paths counts that are and are
/// not multiples of four.
final class LogisticLanesTests: XCTestCase {
    func testFourLanePathAgreesWithThePathByPathLoop() throws {
        let neutral = VariantLevers(id: "neutral", growthMultiplier: .uniform(lower: 1, upper: 1))
        let target = ForecastTarget(label: "826 by mid-2025", value: 826, deadline: ForecastFixtures.date("2025-06-15"))
        for paths in [1000, 1003] {
            let request = ForecastFixtures.request(ForecastFixtures.tightLogisticSeries(), families: [.logistic],
                                                   variants: [.baseline, neutral], targets: [target], paths: paths)
            let result = try Forecaster.run(request, jobs: 2)
            let (lanes, general) = (result.forecasts[0], result.forecasts[1])
            func close(_ a: Double, _ b: Double, _ what: String) {
                XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(a)), "\(what), \(paths) paths")
            }
            for h in lanes.own.quantiles.indices {
                for l in lanes.own.levels.indices { close(lanes.own.quantiles[h][l], general.own.quantiles[h][l], "quantile") }
                close(lanes.own.mean[h], general.own.mean[h], "mean")
                for k in lanes.own.cdf[h].indices { close(lanes.own.cdf[h][k], general.own.cdf[h][k], "cdf") }
            }
            let a = lanes.feasibility[0], b = general.feasibility[0]
            close(a.pMeet, b.pMeet, "P(met)")
            close(a.valueAtDeadline.q50, b.valueAtDeadline.q50, "value at the deadline")
            XCTAssertEqual(a.dateReached.q50, b.dateReached.q50)
            // Not vacuous: the target is neither certain nor impossible.
            XCTAssertGreaterThan(a.pMeet, 0.05)
            XCTAssertLessThan(a.pMeet, 0.95)
        }
    }
}
