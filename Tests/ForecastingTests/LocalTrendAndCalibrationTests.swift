import XCTest
import Fitting
@testable import Forecasting

/// The local trend (a random walk with drift on the natural scale) and the real-panel
/// error table its band is drawn from.
final class LocalTrendAndCalibrationTests: XCTestCase {
    /// A share whose logit rises by exactly 0.3 a year, with alternating ±0.05 wiggles:
    /// drift = (z_n − z_first)/span over the last 10 years, walk sd from the changes.
    func testLocalTrendEstimatesDriftAndWalkOnTheLogitScale() throws {
        var observations: [DatedObservation] = []
        for year in 2000...2015 {
            let z = -3 + 0.3 * Double(year - 2000) + (year % 2 == 0 ? 0.05 : -0.05)
            observations.append(DatedObservation(date: CalendarDate(year: year, month: 12, day: 31)!, value: 100 / (1 + exp(-z))))
        }
        let series = try AdoptionSeries.make(observations: observations, kind: .share(.percent))
        let fit = try AdoptionFitter().fit(.localTrend, to: series)
        // Window 2005–2015 (10 years before the last): z(2015) − z(2005), both odd years.
        XCTAssertEqual(fit.estimates[1], 0.3, accuracy: 1e-9)
        XCTAssertEqual(fit.estimates[0], -3 + 0.3 * 15 - 0.05, accuracy: 1e-9)
        // Changes around the drift alternate ±0.1: s = √(10 · 0.01 / 9).
        XCTAssertEqual(fit.sigma, (10 * 0.01 / 9).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(fit.observationCount, 11)
        // The curve is the drift line mapped back: 5 years on, logit 0.3·5 higher.
        let y = fit.curve.level(at: observations.last!.date.decimalYear + 5, fit.estimates)
        XCTAssertEqual(log(y / (100 - y)), fit.estimates[0] + 1.5, accuracy: 1e-9)
        // Two points: the drift is their change; the walk sd is the noise prior's (assumed).
        let two = try AdoptionFitter().fit(.localTrend, to: try AdoptionSeries.make(
            observations: Array(observations.prefix(2)), kind: .share(.percent)))
        XCTAssertEqual(two.noiseSource, .assumed)
        XCTAssertThrowsError(try AdoptionFitter().fit(.localTrend, to: try AdoptionSeries.make(
            observations: Array(observations.prefix(1)), kind: .share(.percent))))
    }

    func testErrorTableInterpolatesAndRoundTripsThroughCSV() throws {
        let levels = hubQuantileLevels
        let normal = levels.map { StandardNormal.quantile($0) }
        let table = try ErrorQuantileTable(levels: levels, quantiles: [.count: [normal, normal.map { 2 * $0 }]],
                                           provenance: ["test"])
        // At a table level and horizon: the entry; between horizons: linear; beyond: the last.
        XCTAssertEqual(table.quantile(.count, horizon: 1, level: 0.9)!, normal[19], accuracy: 1e-12)
        XCTAssertEqual(table.quantile(.count, horizon: 1.5, level: 0.9)!, 1.5 * normal[19], accuracy: 1e-12)
        XCTAssertEqual(table.quantile(.count, horizon: 7, level: 0.9)!, 2 * normal[19], accuracy: 1e-12)
        XCTAssertEqual(table.quantile(.count, horizon: 0.2, level: 0.9)!, normal[19], accuracy: 1e-12)
        // Beyond the outermost levels: linear in Φ⁻¹, so a normal table stays normal.
        XCTAssertEqual(table.quantile(.count, horizon: 1, level: 0.001)!, StandardNormal.quantile(0.001), accuracy: 1e-9)
        // A share falls back to the count rows (scale-free errors).
        XCTAssertEqual(table.quantile(.share, horizon: 1, level: 0.9)!, normal[19], accuracy: 1e-12)
        let back = try ErrorQuantileTable(csv: table.csv, name: "t.csv")
        XCTAssertEqual(back.levels, levels)
        for (a, b) in zip(back.quantiles[.count]!.joined(), table.quantiles[.count]!.joined()) {
            XCTAssertEqual(a, b, accuracy: 1e-9 * max(abs(b), 1))
        }
        XCTAssertEqual(back.provenance, ["test"])
        XCTAssertThrowsError(try ErrorQuantileTable(csv: "kind,horizon,level,quantile\ncount,2,0.5,0\n", name: "gap.csv"))
        XCTAssertThrowsError(try ErrorQuantileTable(csv: "kind,horizon,level,quantile\nshare,1,0.2,1\nshare,1,0.8,0\n", name: "dec.csv"))
        // Read by TextIO's reader: the file's own line numbers (comment lines count), CRLF.
        XCTAssertThrowsError(try ErrorQuantileTable(csv: "# a\r\n# b\r\nkind,horizon,level,quantile\r\ncount,1,0.5,x\r\n", name: "bad.csv")) {
            XCTAssertTrue("\($0)".contains("bad.csv:4: expected share|count"), "\($0)")
        }
    }

    /// With a table equal to the normal quantiles, the calibrated walk is the walk itself;
    /// with a table twice as wide, twice as wide.
    func testCalibratedErrorsKeepTheWalkWhenTheTableIsNormal() throws {
        let levels = hubQuantileLevels
        let normal = levels.map { StandardNormal.quantile($0) }
        let table = try ErrorQuantileTable(levels: levels, quantiles: [.share: [normal]])
        let wide = try ErrorQuantileTable(levels: levels, quantiles: [.share: [normal.map { 2 * $0 }]])
        let same = CalibratedErrors(table: table, kind: .share, sd: 0.3)
        let double = CalibratedErrors(table: wide, kind: .share, sd: 0.3)
        for e in [-1.2, -0.3, 0, 0.05, 0.7, 1.5] {
            // Linear interpolation between the 23 levels: within 0.5 % of the normal.
            XCTAssertEqual(same.map(e, horizon: 2), e, accuracy: 0.005 * abs(e) + 1e-12)
            XCTAssertEqual(double.map(e, horizon: 2), 2 * same.map(e, horizon: 2), accuracy: 1e-12)
        }
    }

    /// End to end: a long share series with `local_trend` alone and the built-in table gives
    /// a band that widens with the horizon on the logit scale and stays inside (0, 100).
    func testLocalTrendForecastWidensAndStaysInRange() throws {
        var observations: [DatedObservation] = []
        for year in 2000...2015 {
            let z = -2 + 0.25 * Double(year - 2000) + 0.04 * sin(Double(year))
            observations.append(DatedObservation(date: CalendarDate(year: year, month: 12, day: 31)!, value: 100 / (1 + exp(-z))))
        }
        let series = try AdoptionSeries.make(observations: observations, kind: .share(.percent))
        let grid = ForecastGrid(referenceDate: observations.last!.date, horizon: CalendarDate(iso: "2025-12-31")!, step: .year)
        let request = ForecastRequest(series: series, families: [.localTrend], grid: grid, variants: [.baseline], targets: [],
                                      thresholds: VerdictThresholds(), paths: 2000, seed: 3)
        let forecast = try Forecaster.run(request, jobs: 2).forecasts[0]
        let logit = { (y: Double) in log(y / (100 - y)) }
        let width = forecast.quantiles.map { logit($0[20]) - logit($0[2]) }
        for h in 1..<width.count { XCTAssertGreaterThan(width[h], width[h - 1]) }
        XCTAssertTrue(forecast.quantiles.joined().allSatisfy { $0 > 0 && $0 < 100 })
        // The median follows the drift line (the table is close to centred).
        XCTAssertEqual(logit(forecast.median[4]), logit(observations.last!.value) + 0.25 * 5, accuracy: 0.35)
    }
}
