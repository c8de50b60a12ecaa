import Forecasting
import Foundation
import XCTest

/// The weighted interval score against values computed by hand from the published definition
/// (Bracher, Ray, Gneiting & Reich 2021, PLoS Comput Biol 17(2): e1008618, eq. 3–4):
///
///     IS_α(F, y) = (u − l) + (2/α)(l − y)·1(y < l) + (2/α)(y − u)·1(y > u)
///     WIS(F, y)  = 1/(K + ½) · ( ½·|y − m| + Σₖ (αₖ/2)·IS_αₖ(F, y) )
///
/// and its scoringutils decomposition: dispersion Σ(αₖ/2)(uₖ − lₖ), overprediction
/// Σ(lₖ − y)·1(y < lₖ) + ½(m − y)·1(y < m), underprediction Σ(y − uₖ)·1(y > uₖ) + ½(y − m)·1(y > m),
/// each divided by K + ½.
final class WeightedIntervalScoreTests: XCTestCase {
    /// Quantiles 1, 3, 5, 7, 9 at levels 0.05, 0.25, 0.5, 0.75, 0.95: the median m = 5 and
    /// K = 2 central intervals, the 90 % interval [1, 9] (α₁ = 0.1) and the 50 % interval
    /// [3, 7] (α₂ = 0.5). The normaliser is K + ½ = 2.5.
    let levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    let values = [1.0, 3, 5, 7, 9]

    /// The worked example of issue 5: observation 10, above every interval.
    ///
    ///     90 %: IS = (9 − 1) + (2/0.1)(10 − 9) = 8 + 20 = 28;  ×α/2 = 0.05 → 1.4
    ///           (dispersion 0.05·8 = 0.4, underprediction 0.05·20 = 1.0)
    ///     50 %: IS = (7 − 3) + (2/0.5)(10 − 7) = 4 + 12 = 16;  ×α/2 = 0.25 → 4.0
    ///           (dispersion 0.25·4 = 1.0, underprediction 0.25·12 = 3.0)
    ///     median: ½·|10 − 5| = 2.5 (underprediction)
    ///     WIS = (1.4 + 4.0 + 2.5)/2.5 = 7.9/2.5 = 3.16
    ///     dispersion (0.4 + 1.0)/2.5 = 0.56; underprediction (1.0 + 3.0 + 2.5)/2.5 = 2.60;
    ///     overprediction 0.
    ///
    /// So the numbers are exactly the Bracher normalisation with K = 2 intervals and
    /// 1/(K + ½); they also equal the mean of the five quantile scores 2(1{y ≤ q} − τ)(q − y):
    /// (0.9 + 3.5 + 5 + 4.5 + 1.9)/5 = 3.16.
    func testWorkedExampleObservationAboveEveryInterval() throws {
        let s = try ForecastScoring.weightedIntervalScore(levels: levels, values: values, observation: 10)
        XCTAssertEqual(s.wis, 3.16, accuracy: 1e-12)
        XCTAssertEqual(s.dispersion, 0.56, accuracy: 1e-12)
        XCTAssertEqual(s.underprediction, 2.60, accuracy: 1e-12)
        XCTAssertEqual(s.overprediction, 0)
        XCTAssertEqual(s.intervalCount, 2)
        XCTAssertEqual(s.dispersion + s.overprediction + s.underprediction, s.wis, accuracy: 1e-12)

        let all = try ForecastScoring.score(levels: levels, values: values, observation: 10)
        XCTAssertEqual(all.absoluteErrorOfMedian, 5)
        XCTAssertFalse(all.coverage50)
        XCTAssertFalse(all.coverage90)
    }

    /// Observation 6: inside both intervals, above the median.
    ///
    ///     90 %: IS = 8, ×0.05 = 0.4 (all dispersion);  50 %: IS = 4, ×0.25 = 1.0 (all dispersion)
    ///     median: ½·|6 − 5| = 0.5 (underprediction)
    ///     WIS = (0.4 + 1.0 + 0.5)/2.5 = 0.76; dispersion 1.4/2.5 = 0.56; underprediction 0.5/2.5 = 0.2
    func testObservationInsideEveryInterval() throws {
        let s = try ForecastScoring.weightedIntervalScore(levels: levels, values: values, observation: 6)
        XCTAssertEqual(s.wis, 0.76, accuracy: 1e-12)
        XCTAssertEqual(s.dispersion, 0.56, accuracy: 1e-12)
        XCTAssertEqual(s.underprediction, 0.2, accuracy: 1e-12)
        XCTAssertEqual(s.overprediction, 0)

        let all = try ForecastScoring.score(levels: levels, values: values, observation: 6)
        XCTAssertEqual(all.absoluteErrorOfMedian, 1)
        XCTAssertTrue(all.coverage50)
        XCTAssertTrue(all.coverage90)
        // Bounds are inside (closed intervals, as scoringutils' interval_coverage).
        XCTAssertTrue(try ForecastScoring.intervalCoverage(levels: levels, values: values, observation: 3, range: 0.5))
        XCTAssertTrue(try ForecastScoring.intervalCoverage(levels: levels, values: values, observation: 9, range: 0.9))
        XCTAssertFalse(try ForecastScoring.intervalCoverage(levels: levels, values: values, observation: 2.9, range: 0.5))
        // At the median only the width is left: 0.56.
        XCTAssertEqual(try ForecastScoring.weightedIntervalScore(levels: levels, values: values, observation: 5).wis, 0.56, accuracy: 1e-12)
    }

    /// Observation −2: below every interval.
    ///
    ///     90 %: IS = 8 + (2/0.1)(1 − (−2)) = 8 + 60 = 68;  ×0.05 = 3.4 (dispersion 0.4, overprediction 3.0)
    ///     50 %: IS = 4 + (2/0.5)(3 − (−2)) = 4 + 20 = 24; ×0.25 = 6.0 (dispersion 1.0, overprediction 5.0)
    ///     median: ½·|−2 − 5| = 3.5 (overprediction)
    ///     WIS = (3.4 + 6.0 + 3.5)/2.5 = 12.9/2.5 = 5.16; dispersion 0.56;
    ///     overprediction (3 + 5 + 3.5)/2.5 = 4.6; underprediction 0
    func testObservationBelowEveryInterval() throws {
        let s = try ForecastScoring.weightedIntervalScore(levels: levels, values: values, observation: -2)
        XCTAssertEqual(s.wis, 5.16, accuracy: 1e-12)
        XCTAssertEqual(s.dispersion, 0.56, accuracy: 1e-12)
        XCTAssertEqual(s.overprediction, 4.6, accuracy: 1e-12)
        XCTAssertEqual(s.underprediction, 0)

        let all = try ForecastScoring.score(levels: levels, values: values, observation: -2)
        XCTAssertEqual(all.absoluteErrorOfMedian, 7)
        XCTAssertFalse(all.coverage50)
        XCTAssertFalse(all.coverage90)
    }

    /// The order of the levels does not matter, and 1 − 0.15 matches 0.85 (levels are matched
    /// to 10 digits).
    func testLevelOrderAndFloatingPointMirrors() throws {
        let shuffled = try ForecastScoring.weightedIntervalScore(levels: [0.95, 0.5, 0.05, 0.75, 0.25],
                                                                values: [9, 5, 1, 7, 3], observation: 10)
        XCTAssertEqual(shuffled.wis, 3.16, accuracy: 1e-12)
        let computed = try ForecastScoring.weightedIntervalScore(levels: [0.15, 1 - 0.15], values: [1, 2], observation: 1.5)
        XCTAssertEqual(computed.intervalCount, 1)
    }

    /// Without a median the median term is left out and the normaliser is K (scoringutils).
    func testWithoutMedian() throws {
        // 90 % only: IS = 28, ×0.05 = 1.4, /K = 1 → 1.4.
        let s = try ForecastScoring.weightedIntervalScore(levels: [0.05, 0.95], values: [1, 9], observation: 10)
        XCTAssertEqual(s.wis, 1.4, accuracy: 1e-12)
        XCTAssertEqual(s.dispersion, 0.4, accuracy: 1e-12)
        XCTAssertEqual(s.underprediction, 1.0, accuracy: 1e-12)
        // Median only: ½|y − m| / ½ = |y − m| (scoringutils' "wis works, median only").
        XCTAssertEqual(try ForecastScoring.weightedIntervalScore(levels: [0.5], values: [2], observation: -15).wis, 17)
    }

    /// With the 23 hub levels, WIS equals the mean of the 23 quantile scores
    /// 2(1{y ≤ q} − τ)(q − y) (Bracher et al. 2021, section "Relationship to the quantile
    /// score"), computed here independently of the interval form.
    func testHubLevelsMatchTheQuantileScoreForm() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let centre = Double.random(in: -50...50, using: &generator)
            let spread = Double.random(in: 0.1...20, using: &generator)
            // Quantiles of a logistic distribution: monotone in the level.
            let values = hubQuantileLevels.map { centre + spread * Foundation.log($0 / (1 - $0)) }
            let y = Double.random(in: -120...120, using: &generator)
            let s = try ForecastScoring.weightedIntervalScore(levels: hubQuantileLevels, values: values, observation: y)
            let quantileScores = zip(hubQuantileLevels, values).map { tau, q in 2 * ((y <= q ? 1 : 0) - tau) * (q - y) }
            let mean = quantileScores.reduce(0, +) / Double(quantileScores.count)
            XCTAssertEqual(s.intervalCount, 11)
            XCTAssertEqual(s.wis, mean, accuracy: 1e-9 * max(1, abs(mean)))
            XCTAssertEqual(s.dispersion + s.overprediction + s.underprediction, s.wis, accuracy: 1e-9 * max(1, s.wis))
            XCTAssertTrue(s.overprediction == 0 || s.underprediction == 0, "one side only")
        }
    }

    func testInvalidInput() {
        // 0.1 has no 0.9.
        XCTAssertThrowsError(try ForecastScoring.weightedIntervalScore(levels: [0.1, 0.5, 0.95, 0.05], values: [1, 2, 3, 0], observation: 1)) {
            XCTAssertTrue("\($0)".contains("0.1"), "\($0)")
        }
        // Lower bound above the upper bound.
        XCTAssertThrowsError(try ForecastScoring.weightedIntervalScore(levels: [0.05, 0.95], values: [9, 1], observation: 1))
        XCTAssertThrowsError(try ForecastScoring.weightedIntervalScore(levels: [0.05, 0.95], values: [1, .nan], observation: 1))
        XCTAssertThrowsError(try ForecastScoring.weightedIntervalScore(levels: levels, values: values, observation: .infinity))
        XCTAssertThrowsError(try ForecastScoring.intervalCoverage(levels: [0.25, 0.5, 0.75], values: [1, 2, 3], observation: 2, range: 0.9))
        XCTAssertThrowsError(try ForecastScoring.absoluteErrorOfMedian(levels: [0.25, 0.75], values: [1, 3], observation: 2))
    }
}

/// The naive baseline of `uptake backtest`: last value + mean change over the last 3 periods,
/// intervals from past h-step changes around that trend.
final class WeightedIntervalScoreNaiveBaselineTests: XCTestCase {
    func testStraightLineHasNoSpread() throws {
        let q = try NaiveTrendForecast.quantiles(history: [1, 2, 3, 4, 5, 6], horizons: [1, 2, 10], levels: [0.05, 0.5, 0.95])
        XCTAssertEqual(q, [[7, 7, 7], [8, 8, 8], [16, 16, 16]])
    }

    func testTrendAndEmpiricalIntervals() throws {
        // Changes 1, 3, 1, 3, 1: the trend over the last 3 periods is (10 − 5)/3 = 5/3.
        let history: [Double] = [1, 2, 5, 6, 9, 10]
        let q = try NaiveTrendForecast.quantiles(history: history, horizons: [1], levels: [0.05, 0.5, 0.95])[0]
        // 1-step deviations: changes − 5/3 = −2/3, 4/3, −2/3, 4/3, −2/3; median −2/3,
        // q0.05 −2/3, q0.95 4/3 (type 7: h = 3.8 between 4/3 and 4/3).
        let point = 10 + 5.0 / 3
        XCTAssertEqual(q[0], point - 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(q[1], point - 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(q[2], point + 4.0 / 3, accuracy: 1e-12)
    }

    func testLongHorizonsScaleTheLongestSpanWithThreeChanges() throws {
        // n = 6: spans up to n − 3 = 3 have at least 3 changes; h = 6 uses span 3 scaled by 2.
        let history: [Double] = [0, 1, 3, 4, 6, 7]
        let q6 = try NaiveTrendForecast.quantiles(history: history, horizons: [6], levels: [0.05, 0.95])[0]
        let q3 = try NaiveTrendForecast.quantiles(history: history, horizons: [3], levels: [0.05, 0.95])[0]
        let trend = (7.0 - 3) / 3
        XCTAssertEqual(q6[0] - (7 + 6 * trend), 2 * (q3[0] - (7 + 3 * trend)), accuracy: 1e-12)
        XCTAssertEqual(q6[1] - (7 + 6 * trend), 2 * (q3[1] - (7 + 3 * trend)), accuracy: 1e-12)
        XCTAssertLessThan(q6[0], q6[1])
        // Clamped to the bounds.
        let bounded = try NaiveTrendForecast.quantiles(history: [90, 95, 99], horizons: [5], levels: [0.5], upper: 100)
        XCTAssertEqual(bounded[0][0], 100)
        XCTAssertThrowsError(try NaiveTrendForecast.quantiles(history: [1], horizons: [1], levels: [0.5]))
    }
}
