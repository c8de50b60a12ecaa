import XCTest
@testable import Fitting

/// Transforms, priors, error models, quantiles and dates: each against closed forms or
/// values computed by scipy 1.17.1 (stats.t.ppf, stats.norm.ppf).
final class AdoptionBuildingBlockTests: XCTestCase {
    func testTransformsRoundTripAndDifferentiate() {
        let transforms: [ParameterTransform] = [.identity, .positive, .interval(lower: 300, upper: 542)]
        for transform in transforms {
            for phi in [-3.0, -0.2, 0, 0.7, 4] {
                let theta = transform.constrained(phi)
                XCTAssertEqual(transform.unconstrained(theta), phi, accuracy: 1e-9, "\(transform) at \(phi)")
                let h = 1e-6
                let numeric = (transform.constrained(phi + h) - transform.constrained(phi - h)) / (2 * h)
                XCTAssertEqual(transform.derivative(phi), numeric, accuracy: 1e-6 * max(1, abs(numeric)))
            }
        }
        // An interval never reaches its ends, even far out.
        let range = ParameterTransform.interval(lower: 300, upper: 542)
        XCTAssertGreaterThan(range.constrained(-30), 300)
        XCTAssertLessThan(range.constrained(30), 542.0000001)
        XCTAssertTrue(range.unconstrained(542).isFinite)
    }

    /// ½ρ² must equal −log p(φ) + const for every prior: check differences against the density.
    func testPriorRowsAreTheNegativeLogDensity() {
        let uniform = PriorDistribution.uniform(lower: 0, upper: 1)
        for (a, b) in [(0.3, 1.7), (-2.0, 0.0005), (0.0004, 5.0)] {
            let ra = uniform.residual(a, transform: .interval(lower: 0, upper: 1)).value
            let rb = uniform.residual(b, transform: .interval(lower: 0, upper: 1)).value
            // logistic density p(φ) = σ(φ)(1 − σ(φ)).
            func logDensity(_ x: Double) -> Double { let s = 1 / (1 + exp(-x)); return log(s * (1 - s)) }
            XCTAssertEqual(-(ra * ra - rb * rb) / 2, logDensity(a) - logDensity(b), accuracy: 1e-12)
        }
        let lognormal = PriorDistribution.lognormal(median: 2, sdLog: 0.5)
        XCTAssertEqual(lognormal.residual(log(2), transform: .positive).value, 0, accuracy: 1e-15)
        XCTAssertEqual(lognormal.residual(log(2) + 0.5, transform: .positive).value, 1, accuracy: 1e-12)
        // Derivatives against central differences.
        for (prior, transform) in [(uniform, ParameterTransform.interval(lower: 0, upper: 1)),
                                   (lognormal, .positive), (.normal(mean: 3, sd: 2), .positive),
                                   (.normal(mean: 2023.5, sd: 1.5), .identity)] {
            for phi in [-1.3, 0.0002, 0.8] {
                let h = 1e-6
                let numeric = (prior.residual(phi + h, transform: transform).value - prior.residual(phi - h, transform: transform).value) / (2 * h)
                XCTAssertEqual(prior.residual(phi, transform: transform).derivative, numeric, accuracy: 1e-6)
            }
        }
    }

    /// Observations at 0 and at the bound stay finite (0 of 687, 687 of 687), and the
    /// empirical logit with a denominator is log((k + ½)/(N − k + ½)) (Cox & Snell).
    func testErrorModelsAreFiniteAtZeroAndAtTheBound() {
        let share = ErrorModel.logit(bound: 687, denominator: 687)
        XCTAssertEqual(share.transform(687), log(687.5 / 0.5), accuracy: 1e-12)
        XCTAssertEqual(share.transform(0), log(0.5 / 687.5), accuracy: 1e-12)
        XCTAssertEqual(share.transform(168), log(168.5 / 519.5), accuracy: 1e-12)
        let percent = ErrorModel.logit(bound: 100, denominator: nil)
        XCTAssertEqual(percent.transform(100), log(100.05 / 0.05), accuracy: 1e-12)
        XCTAssertEqual(ErrorModel.log.transform(0), log(0.5), accuracy: 1e-15)
        for model in [share, percent, ErrorModel.log, .additive] {
            for y in [0.0, 3, 50, 99.5] {
                XCTAssertEqual(model.inverse(model.transform(y)), y, accuracy: 1e-9, "\(model)")
            }
        }
        // Beyond the metric's range the model value is read as the range's end.
        XCTAssertEqual(percent.transform(130), percent.transform(100))
        XCTAssertEqual(percent.derivative(130), 0)
        XCTAssertEqual(ErrorModel.log.transform(-5), ErrorModel.log.transform(0))
    }

    func testQuantilesAgreeWithScipy() {
        // scipy.stats.t.ppf(0.975, ν) and t.ppf(0.95, ν).
        let reference: [(Double, Double, Double)] = [
            (1, 12.706204736174694, 6.313751514675037), (2, 4.302652729749462, 2.9199855803537242),
            (3, 3.1824463052837078, 2.3533634348018233), (5, 2.5705818356363146, 2.0150483733330233),
            (9, 2.262157162798205, 1.833112932656237), (30, 2.0422724563012378, 1.697260886593957),
            (1000, 1.9623390808264083, 1.6463788172854643),
        ]
        for (nu, q975, q95) in reference {
            // Hill's algorithm: 5 significant digits or better (worst at ν = 3).
            XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: nu), q975, accuracy: 1e-5 * q975, "ν = \(nu)")
            XCTAssertEqual(StudentT.quantile(0.95, degreesOfFreedom: nu), q95, accuracy: 1e-5 * q95, "ν = \(nu)")
            XCTAssertEqual(StudentT.quantile(0.025, degreesOfFreedom: nu), -q975, accuracy: 1e-5 * q975)
        }
        XCTAssertEqual(StudentT.normalQuantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(StudentT.normalQuantile(0.05), -1.6448536269514729, accuracy: 1e-14)
        XCTAssertEqual(StudentT.normalQuantile(1e-10), -6.361340902404056, accuracy: 1e-12)
    }

    func testCalendarDatesMapToTheEndOfTheDay() throws {
        XCTAssertEqual(CalendarDate(iso: "2025-12-31")!.decimalYear, 2026.0)
        XCTAssertEqual(CalendarDate(iso: "1962-12-31")!.decimalYear, 1963.0)
        XCTAssertEqual(CalendarDate(iso: "2024-02-29")!.dayOfYear, 60)
        XCTAssertNil(CalendarDate(iso: "2023-02-29"))
        XCTAssertNil(CalendarDate(iso: "2023-1-05"))
        XCTAssertNil(CalendarDate(iso: "2023-13-01"))
        for text in ["2022-07-25", "2024-02-29", "2023-01-01", "2023-12-31"] {
            let date = CalendarDate(iso: text)!
            XCTAssertEqual(CalendarDate(decimalYear: date.decimalYear), date)
            XCTAssertEqual(date.description, text)
        }
        XCTAssertEqual(CalendarDate(iso: "2022-07-25")!.endOfMonth(after: 1).description, "2022-08-31")
        XCTAssertEqual(CalendarDate(iso: "2023-11-30")!.endOfMonth(after: 3).description, "2024-02-29")
    }

    func testModelWeightsFollowAkaike() throws {
        // Two fits whose AICc differ by 2 log 3: weights 3/4 and 1/4.
        let series = AdoptionSeries(observations: (0..<10).map { CurveObservation(time: Double($0), value: 100 + 5 * Double($0) + ($0 % 2 == 0 ? 1 : -1)) },
                                    errorModels: Array(repeating: .additive, count: 10))
        let result = AdoptionFitter().fitAll([.linear, .exponential], to: series)
        XCTAssertEqual(result.fits.count, 2)
        let a = result.fits[0].aicc!, b = result.fits[1].aicc!
        let expected = 1 / (1 + exp(-(b - a) / 2))
        XCTAssertEqual(result.weights[0], expected, accuracy: 1e-12)
        XCTAssertEqual(result.weights.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(result.weights[0], result.weights[1], "a straight line is the better model here")
    }
}
