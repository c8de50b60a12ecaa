import XCTest
@testable import Fitting
@testable import Forecasting
import LinearAlgebra

/// DESIGN.md, "Monte Carlo": shares stay in [0, 1] (or 0–100 %), levels stay under the
/// ceiling, cumulative trends never fall; "Outputs": quantiles never decrease with the level.
final class PathPhysicsTests: XCTestCase {
    func testQuantilesNeverDecreaseWithTheLevel() throws {
        let request = ForecastFixtures.request(ForecastFixtures.tightLogisticSeries(), families: [.logistic, .gompertz],
                                               variants: [.baseline, ForecastReproducibilityTests.campaign], paths: 777)
        let result = try Forecaster.run(request, jobs: 2)
        for forecast in result.forecasts {
            XCTAssertEqual(forecast.levels, hubQuantileLevels)
            XCTAssertEqual(forecast.quantiles.count, request.grid.dates.count)
            for row in forecast.quantiles {
                XCTAssertEqual(row.count, 23)
                for l in 1..<row.count { XCTAssertLessThanOrEqual(row[l - 1], row[l]) }
            }
            for (h, row) in forecast.quantiles.enumerated() { XCTAssertEqual(forecast.median[h], row[11]) }
        }
    }

    func testSharesStayWithinTheirBound() throws {
        // A growth lever and a positive shift push hard against 100 %. With the logit error
        // scale the bound holds by construction; with the additive one only the clamp holds it.
        let push = VariantLevers(id: "push", growthMultiplier: .uniform(lower: 1.5, upper: 3),
                                 levelShift: .normal(mean: 5, sd: 5))
        let logit = ForecastFixtures.shareSeries()
        var additive = logit
        additive.errorModels = logit.errorModels.map { _ in .additive }
        // Linear alone on the additive scale: no ceiling stands between it and the bound.
        for (series, families, mustTouch) in [(logit, [CurveFamily.logistic, .linear], false), (additive, [.linear], true)] {
            let request = ForecastFixtures.request(series, families: families,
                                                   variants: [.baseline, push], paths: 600, samples: 600)
            let result = try Forecaster.run(request, jobs: 2)
            var touched = false
            for forecast in result.forecasts {
                for path in forecast.samples {
                    for y in path {
                        XCTAssert(y >= 0 && y <= 100, "share \(y) outside [0, 100]")
                        if y == 100 { touched = true }
                    }
                }
                XCTAssertLessThanOrEqual(forecast.quantiles.last!.last!, 100)
            }
            if mustTouch { XCTAssertTrue(touched, "the additive case should reach the bound, or it does not test the clamp") }
        }
    }

    func testCumulativePathsNeverFallNorDropBelowTheLastObservation() throws {
        let series = ForecastFixtures.sparseSeries()   // noise assumed, parameters loose
        let request = ForecastFixtures.request(series, families: [.logistic, .linear], paths: 500, samples: 500)
        let result = try Forecaster.run(request, jobs: 1)
        let last = series.observations.last!.value
        for path in result.forecasts[0].samples {
            XCTAssertGreaterThanOrEqual(path[0], last)
            for h in 1..<path.count { XCTAssertGreaterThanOrEqual(path[h], path[h - 1]) }
        }
    }

    func testLevelsStayUnderTheDrawnCeiling() throws {
        // A fixed ceiling of 1000: no path may exceed it, noise or not.
        var series = ForecastFixtures.tightLogisticSeries()
        series.ceiling = .fixed(1000)
        let request = ForecastFixtures.request(series, horizon: "2030-12-31", paths: 400, samples: 400)
        let result = try Forecaster.run(request, jobs: 2)
        let top = result.forecasts[0].samples.map { $0.max()! }.max()!
        XCTAssertLessThanOrEqual(top, 1000)
        XCTAssertGreaterThan(top, 990)
    }

    /// The scenario's fixed ceiling binds trend families too (they have no ceiling of their own).
    func testTrendFamiliesStayUnderTheScenarioCeiling() throws {
        var series = ForecastFixtures.tightLogisticSeries()
        let cap = (series.observations.last?.value ?? 0) * 1.05
        series.ceiling = .fixed(cap)
        let request = ForecastFixtures.request(series, families: [.linear, .exponential], horizon: "2030-12-31",
                                               paths: 400, samples: 400)
        let result = try Forecaster.run(request, jobs: 2)
        let top = result.forecasts[0].samples.map { $0.max()! }.max()!
        XCTAssertLessThanOrEqual(top, cap)
        XCTAssertTrue(result.forecasts[0].quantiles.allSatisfy { $0.allSatisfy { $0 <= cap } })
    }

    /// Unidentified parameters (NaN rows of the covariance) must not produce NaN paths.
    func testUnidentifiedParametersGiveFinitePathsAndAnAssumption() throws {
        let series = ForecastFixtures.sparseSeries()
        let request = ForecastFixtures.request(series, families: [.logistic], paths: 300, samples: 300)
        let result = try Forecaster.run(request)
        XCTAssertTrue(result.fits[0].unconstrainedCovariance.elements.contains { $0.isNaN })
        XCTAssertTrue(result.forecasts[0].samples.allSatisfy { $0.allSatisfy(\.isFinite) })
        XCTAssertTrue(result.forecasts[0].quantiles.allSatisfy { $0.allSatisfy(\.isFinite) })
        XCTAssertTrue(result.assumptions.contains { $0.contains("do not identify") }, "\(result.assumptions)")
        XCTAssertTrue(result.assumptions.contains { $0.contains("AR(1)") }, "\(result.assumptions)")
    }

    func testUnidentifiedParameterWithAPriorIsDrawnFromIt() throws {
        // Covariance with a NaN row for the ceiling, and a ceiling range: draws span it.
        var series = ForecastFixtures.sparseSeries()
        series.ceiling = .range(min: 400, max: 542)
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        var covariance = fit.unconstrainedCovariance
        for k in 0..<covariance.rows { covariance[0, k] = .nan; covariance[k, 0] = .nan }
        let unidentified = AdoptionFitWithCovariance.replacing(fit, covariance: covariance)
        let sampler = try ParameterSampler(fit: unidentified, series: series, parameterScale: 1)
        XCTAssertEqual(sampler.priorDraws.map(\.position), [0])
        var theta = [Double](repeating: 0, count: 3)
        var ceilings: [Double] = []
        let phi = Matrix(rows: 1, columns: sampler.identifiedCount)
        for p in 0..<2000 {
            sampler.naturalParameters(row: 0, of: phi, CounterBasedRandomStream(seed: 1, path: p), into: &theta)
            ceilings.append(theta[0])
        }
        XCTAssertGreaterThanOrEqual(ceilings.min()!, 400)
        XCTAssertLessThanOrEqual(ceilings.max()!, 542)
        XCTAssertEqual(ceilings.reduce(0, +) / 2000, 471, accuracy: 4)   // uniform mean, sd 41/√2000 ≈ 0.9
    }

    func testCovarianceFactorFallsBackForIndefiniteMatrices() throws {
        let pd = Matrix([[4, 2], [2, 3]])
        let cholesky = try CovarianceFactor(pd)
        XCTAssertEqual(cholesky.method, .cholesky)
        let singular = Matrix([[1, 1], [1, 1]])
        let jitter = try CovarianceFactor(singular)
        XCTAssertNotEqual(jitter.method, .cholesky)
        let indefinite = Matrix([[1, 2], [2, 1]])   // eigenvalues 3 and −1
        let clipped = try CovarianceFactor(indefinite)
        XCTAssertEqual(clipped.method, .eigenvalueClipped(negativeCount: 1))
        // F·Fᵀ = nearest PSD matrix = 1.5·[[1, 1], [1, 1]].
        let product = try BLAS.product(clipped.factor, clipped.factor, transposeB: .transpose)
        for v in product.elements { XCTAssertEqual(v, 1.5, accuracy: 1e-12) }
    }

    func testNoFamilyFittedIsAPlannerReadableError() {
        let request = ForecastFixtures.request(ForecastFixtures.sparseSeries(), families: [.bass])
        XCTAssertThrowsError(try Forecaster.run(request)) { error in
            guard case ForecastError.noFamilyFitted(let reasons) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reasons.map(\.family), [.bass])
            XCTAssertTrue("\(error)".contains("the Bass model needs a launch date"), "\(error)")
        }
    }
}

/// Builds a copy of a fit with another covariance (to test the unidentified-parameter path).
enum AdoptionFitWithCovariance {
    static func replacing(_ fit: AdoptionFit, covariance: Matrix) -> AdoptionFit {
        AdoptionFit(family: fit.family, curve: fit.curve, parameterNames: fit.parameterNames, estimates: fit.estimates,
                    freeIndices: fit.freeIndices, transforms: fit.transforms,
                    unconstrainedEstimates: fit.unconstrainedEstimates, unconstrainedCovariance: covariance,
                    standardErrors: fit.standardErrors, intervals: fit.intervals, residuals: fit.residuals,
                    errorModels: fit.errorModels, sigma: fit.sigma, noiseSource: fit.noiseSource,
                    observationCount: fit.observationCount, freeParameterCount: fit.freeParameterCount, rss: fit.rss,
                    aicc: fit.aicc, logEvidence: fit.logEvidence, termination: fit.termination,
                    iterations: fit.iterations, diagnostics: fit.diagnostics)
    }
}

/// Flows (per-period observations, e.g. yearly sales): the forecast is the flow over each
/// grid period, not a cumulative level, so it may fall; it stays ≥ 0.
final class FlowForecastTests: XCTestCase {
    func testBassSalesForecastFallsAfterThePeak() throws {
        // Colour TV sales in the US (thousands), Bass (1969) / Tests/Data/adoption.
        let sales = [747.0, 1480, 2646, 5118, 5777, 5982, 5962, 4631]
        let observations = sales.enumerated().map {
            DatedObservation(date: CalendarDate(iso: "\(1963 + $0.offset)-12-31")!, value: $0.element)
        }
        let series = try AdoptionSeries.make(observations: observations, kind: .count, observed: .flow,
                                              launch: CalendarDate(iso: "1962-12-31"))
        let request = ForecastFixtures.request(series, families: [.bass], horizon: "1975-12-31", step: .year,
                                               paths: 500, samples: 500)
        let forecast = try Forecaster.run(request, jobs: 2).forecasts[0]
        XCTAssertEqual(forecast.grid.dates.first, CalendarDate(iso: "1971-12-31"))
        XCTAssertTrue(forecast.samples.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= 0 } })
        XCTAssertLessThan(forecast.median[0], 5982)
        XCTAssertGreaterThan(forecast.median[0], 1000)
        XCTAssertLessThan(forecast.median.last!, forecast.median[0])
        // Some paths fall from one year to the next (a running maximum would forbid it).
        XCTAssertTrue(forecast.samples.contains { $0[1] < $0[0] })
    }

    func testDeadlineAfterTheHorizonIsRejected() {
        let request = ForecastFixtures.request(ForecastFixtures.tightLogisticSeries(), horizon: "2025-12-31",
                                               targets: [ForecastTarget(label: "late", value: 900, deadline: CalendarDate(iso: "2027-12-31")!)])
        XCTAssertThrowsError(try Forecaster.run(request)) { error in
            XCTAssertTrue("\(error)".contains("after the forecast horizon"), "\(error)")
        }
    }
}
