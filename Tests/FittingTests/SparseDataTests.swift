import XCTest
@testable import Fitting

/// Issue 3, "Sparse data": the seed reports give one or two snapshots per metric.
final class SparseDataTests: XCTestCase {
    private let launch = CalendarDate(iso: "2022-03-31")!.decimalYear
    private let snapshot = CurveObservation(time: CalendarDate(iso: "2022-07-25")!.decimalYear, value: 168)

    private func allFinite(_ fit: AdoptionFit) -> Bool {
        (fit.estimates + fit.residuals + [fit.sigma]).allSatisfy(\.isFinite) && fit.unconstrainedEstimates.allSatisfy(\.isFinite)
    }

    /// One observation (168 of 542 traders) + launch + a ceiling range [300, 542]: a finite
    /// fit whose 90 % ceiling interval spans at least 80 % of the range, and a diagnostic.
    func testOneObservationLaunchAndCeilingRange() throws {
        let series = AdoptionSeries(observations: [snapshot], errorModels: [.logit(bound: 542, denominator: 542)],
                                    launch: launch, ceiling: .range(min: 300, max: 542))
        for family in [CurveFamily.logistic, .gompertz, .richards] {
            let fit = try AdoptionFitter().fit(family, to: series)
            XCTAssertTrue(fit.converged, "\(family)")
            XCTAssertTrue(allFinite(fit), "\(family): \(fit.estimates)")
            let k = fit.parameterNames.firstIndex(of: "ceiling")!
            let j = fit.freeIndices.firstIndex(of: k)!
            let sd = fit.unconstrainedCovariance[j, j].squareRoot()
            let transform = fit.transforms[k]
            let z90 = StudentT.normalQuantile(0.95)
            let low = transform.constrained(fit.unconstrainedEstimates[j] - z90 * sd)
            let high = transform.constrained(fit.unconstrainedEstimates[j] + z90 * sd)
            let span = (high - low) / (542 - 300)
            print("\(family): 90 % ceiling interval [\(low), \(high)] spans \(span) of the range; notes: \(fit.diagnostics)")
            XCTAssertGreaterThanOrEqual(span, 0.8, "\(family)")
            XCTAssertTrue(fit.diagnostics.contains { $0.contains("growth rate is not identified") && $0.contains("growth_rate prior") },
                          "\(family): \(fit.diagnostics)")
            XCTAssertTrue(fit.diagnostics.contains { $0.contains("ceiling rests on its prior") })
        }
    }

    /// With a growth-rate prior as well, ceiling and growth rate get finite intervals. The fast
    /// start (31 % within four months of launch) fits any inflection long before the launch
    /// (the anchored curve then tends to K(1 − e^(−r(t−L)))), so one point cannot place it:
    /// the fit says so, gives it no interval (NaN, never a fake 10⁶-year one) and suggests an
    /// inflection prior. The curve stays finite and under the ceiling.
    func testOneObservationWithGrowthPriorIsIdentified() throws {
        let series = AdoptionSeries(observations: [snapshot], errorModels: [.logit(bound: 542, denominator: 542)],
                                    launch: launch, ceiling: .range(min: 300, max: 542),
                                    growthRatePrior: .lognormal(median: 1.0, sdLog: 0.7))
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        print("one observation + growth prior:", fit.estimates, fit.intervals, fit.diagnostics)
        XCTAssertTrue(fit.converged)
        XCTAssertTrue(allFinite(fit))
        for name in ["ceiling", "growth_rate"] {
            let interval = fit.interval(name)!
            XCTAssertTrue(interval.low.isFinite && interval.high.isFinite, "\(name): \(interval)")
        }
        for t in [2022.5, 2023.0, 2025.0, 2030.0] {
            let level = fit.level(at: t, fit.estimates)
            XCTAssertTrue(level.isFinite && level >= 0 && level <= fit.estimate("ceiling")!, "level \(level) at \(t)")
        }
        XCTAssertTrue(fit.interval("inflection")!.low.isNaN)
        XCTAssertFalse(fit.diagnostics.contains { $0.contains("ceiling is not identified") || $0.contains("growth rate is not identified") },
                       "\(fit.diagnostics)")
        XCTAssertTrue(fit.diagnostics.contains { $0.contains("inflection is not identified") && $0.contains("inflection prior") },
                      "\(fit.diagnostics)")
    }

    /// With an inflection prior too, every parameter has a finite interval.
    func testOneObservationWithGrowthAndInflectionPriorsHasFiniteIntervals() throws {
        let series = AdoptionSeries(observations: [snapshot], errorModels: [.logit(bound: 542, denominator: 542)],
                                    launch: launch, ceiling: .range(min: 300, max: 542),
                                    growthRatePrior: .lognormal(median: 1.0, sdLog: 0.7),
                                    inflectionPrior: .normal(mean: 2023.0, sd: 1.0))
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        XCTAssertTrue(fit.converged)
        XCTAssertTrue(fit.intervals.allSatisfy { $0.low.isFinite && $0.high.isFinite }, "\(fit.intervals)")
    }

    /// Zero observations: valid with launch, ceiling and growth prior; a clear error otherwise.
    func testZeroObservationsNeedLaunchCeilingAndGrowthPrior() throws {
        let complete = AdoptionSeries(observations: [], errorModels: [], launch: 2024.0, ceiling: .fixed(800),
                                      growthRatePrior: .lognormal(median: 0.8, sdLog: 0.5),
                                      inflectionPrior: .normal(mean: 2026, sd: 1.5))
        let fit = try AdoptionFitter().fit(.logistic, to: complete)
        XCTAssertTrue(fit.converged)
        XCTAssertTrue(allFinite(fit))
        XCTAssertEqual(fit.estimate("ceiling"), 800)
        XCTAssertEqual(fit.estimate("growth_rate")!, 0.8, accuracy: 0.05)

        var missing = complete
        missing.growthRatePrior = nil
        missing.ceiling = .estimated
        XCTAssertThrowsError(try AdoptionFitter().fit(.logistic, to: missing)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("no observations"), message)
            XCTAssertTrue(message.contains("a ceiling") && message.contains("a growth_rate prior"), message)
            XCTAssertFalse(message.contains("launch date,") && message.hasSuffix("a launch date"), message)
        }
    }

    /// Two snapshots, no ceiling: the ceiling cannot be identified, and the fit says so in
    /// words instead of printing a huge variance; nothing is NaN.
    func testTwoPointsWithoutCeilingSayWhatIsMissing() throws {
        let observations = [CurveObservation(time: 2023.5, value: 120), CurveObservation(time: 2024.5, value: 260)]
        let series = AdoptionSeries(observations: observations, errorModels: [.log, .log])
        let result = AdoptionFitter().fitAll([.logistic, .gompertz, .linear, .exponential], to: series)
        XCTAssertFalse(result.fits.isEmpty)
        for fit in result.fits {
            XCTAssertTrue(fit.estimates.allSatisfy { !$0.isNaN }, "\(fit.family) \(fit.estimates)")
        }
        XCTAssertTrue(result.weights.allSatisfy(\.isFinite))
        // Without priors nothing pins K: a logistic through two points cannot fix 3 parameters.
        if let logistic = result.fits.first(where: { $0.family == .logistic }) {
            XCTAssertTrue(logistic.diagnostics.contains { $0.contains("ceiling") && $0.contains("give a ceiling") }, "\(logistic.diagnostics)")
        } else {
            XCTFail("the logistic must be fitted and diagnosed, not dropped: \(result.failures)")
        }
    }
}
