import XCTest
@testable import Fitting
@testable import Forecasting
import LinearAlgebra

/// DESIGN.md, "Monte Carlo": shares stay in [0, 1] (or 0–100 %) and "k of N" counts in
/// [0, N] by transformation, cumulative latent curves never fall; "Outputs": quantiles never
/// decrease with the level.
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
        // A growth lever and a positive shift push hard against 100 %. The noise lives on
        // the logit of [0, 100] whatever the fit's error scale, so the bound holds by
        // construction, for the curve and for a linear trend alike.
        let push = VariantLevers(id: "push", growthMultiplier: .uniform(lower: 1.5, upper: 3),
                                 levelShift: .normal(mean: 5, sd: 5))
        let logit = ForecastFixtures.shareSeries()
        var additive = logit
        additive.errorModels = logit.errorModels.map { _ in .additive }
        for (series, families) in [(logit, [CurveFamily.logistic, .linear]), (additive, [.linear])] {
            let request = ForecastFixtures.request(series, families: families,
                                                   variants: [.baseline, push], paths: 600, samples: 600)
            let result = try Forecaster.run(request, jobs: 2)
            for forecast in result.forecasts {
                for path in forecast.samples {
                    for y in path { XCTAssert(y >= 0 && y <= 100, "share \(y) outside [0, 100]") }
                }
                XCTAssertLessThanOrEqual(forecast.quantiles.last!.last!, 100)
            }
        }
    }

    /// "Cumulative never falls" constrains the latent curve, not the measurement: the median
    /// path does not fall, but no floor holds measured values at the last observation (a
    /// measured count may dip, as real series do), and nothing piles up there.
    func testCumulativeLatentNeverFallsButMeasurementsAreNotFloored() throws {
        let series = ForecastFixtures.sparseSeries()   // noise assumed, parameters loose
        let request = ForecastFixtures.request(series, families: [.logistic, .linear], paths: 2000, samples: 2000)
        let forecast = try Forecaster.run(request, jobs: 1).forecasts[0]
        let last = series.observations.last!.value
        for h in 1..<forecast.median.count { XCTAssertGreaterThanOrEqual(forecast.median[h], forecast.median[h - 1] - 1e-9) }
        let below = forecast.samples.filter { $0[0] < last }.count
        XCTAssertGreaterThan(below, 0, "some measured paths dip below the last observation")
        XCTAssertEqual(forecast.samples.filter { $0[0] == last }.count, 0, "no path is held at the last observation")
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
        XCTAssertTrue(result.assumptions.contains(where: \.isUnidentifiedParameter), "\(result.assumptions)")
        XCTAssertTrue(result.assumptions.contains(.meanReversionAssumed(minimumObservations: 5)), "\(result.assumptions)")
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
                    iterations: fit.iterations, diagnostics: fit.diagnostics, sources: fit.sources)
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

/// DESIGN.md, "Fitting": "a family is never frozen at its point estimate because one of its
/// parameters is unidentified"; fit.csv reports what the paths actually draw.
final class PartlyIdentifiedFitTests: XCTestCase {
    /// A Richards fit whose shape is unidentified (NaN row and column, as the fitter marks
    /// it) and whose ceiling is identified: paths still vary in the ceiling (the identified
    /// block is drawn), and the shape comes from its default prior.
    func testRichardsWithUnidentifiedShapeStillVariesItsCeiling() throws {
        let series = ForecastFixtures.tightLogisticSeries()
        let fit = try AdoptionFitter().fit(.richards, to: series)
        let shape = fit.parameterNames.firstIndex(of: "shape")!
        let position = fit.freeIndices.firstIndex(of: shape)!
        var covariance = fit.unconstrainedCovariance
        for k in 0..<covariance.rows { covariance[position, k] = .nan; covariance[k, position] = .nan }
        var sources = fit.sources
        sources[shape] = .prior
        let base = AdoptionFitWithCovariance.replacing(fit, covariance: covariance)
        let unidentified = AdoptionFit(
            family: base.family, curve: base.curve, parameterNames: base.parameterNames, estimates: base.estimates,
            freeIndices: base.freeIndices, transforms: base.transforms, unconstrainedEstimates: base.unconstrainedEstimates,
            unconstrainedCovariance: covariance, standardErrors: base.standardErrors, intervals: base.intervals,
            residuals: base.residuals, errorModels: base.errorModels, sigma: base.sigma, noiseSource: base.noiseSource,
            observationCount: base.observationCount, freeParameterCount: base.freeParameterCount, rss: base.rss,
            aicc: base.aicc, logEvidence: base.logEvidence, termination: base.termination, iterations: base.iterations,
            diagnostics: base.diagnostics, sources: sources)
        let sampler = try ParameterSampler(fit: unidentified, series: series, parameterScale: 1)
        XCTAssertEqual(sampler.identifiedCount, 3, "ceiling, growth rate and inflection stay in the identified block")
        XCTAssertEqual(sampler.priorDraws.map(\.position), [position])
        let draws = try sampler.draws(seed: 3, count: 2000)
        let ceilings = draws.map { $0[0] }, shapes = draws.map { $0[shape] }
        let spread = { (x: [Double]) in x.max()! - x.min()! }
        XCTAssertGreaterThan(spread(ceilings), 0.01 * fit.estimates[0], "the ceiling is not frozen")
        XCTAssertGreaterThan(spread(shapes), 1, "the shape is drawn from its prior, lognormal(1, 0.7)")
        // The ceiling's draws follow its own Laplace spread: sd ≈ |dK/dφ|·sd(φ).
        let mean = ceilings.reduce(0, +) / 2000
        let sd = (ceilings.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 1999).squareRoot()
        XCTAssertEqual(sd, fit.standardErrors[0], accuracy: 0.25 * fit.standardErrors[0])
    }

    /// The real fitter on one observation (Vung Tau's 168 of 542 with a launch, as in the
    /// bundled scenario): the inflection is not identified, yet every path's curve passes
    /// through the fitted level at the observation (``DataAnchor``) and the paths vary.
    func testUnidentifiedInflectionIsDrawnAroundTheData() throws {
        let launch = CalendarDate(iso: "2022-03-31")!
        let series = try AdoptionSeries.make(
            observations: [DatedObservation(date: CalendarDate(iso: "2022-07-25")!, value: 168, of: 542)],
            kind: .count, launch: launch, ceiling: .fixed(542), growthRatePrior: .lognormal(median: 1, sdLog: 0.7))
        var request = ForecastFixtures.request(series, families: [.logistic], horizon: "2024-12-31", paths: 2000)
        request.targets = [ForecastTarget(label: "half", value: 271, deadline: CalendarDate(iso: "2022-12-31")!)]
        let result = try Forecaster.run(request, jobs: 2)
        let fit = result.fits[0]
        XCTAssertEqual(fit.sources[fit.parameterNames.firstIndex(of: "inflection")!], .prior)
        let draws = result.parameterDraws[0]
        let inflection = fit.parameterNames.firstIndex(of: "inflection")!
        XCTAssertLessThan(draws.low[inflection], draws.high[inflection])
        XCTAssertEqual(draws.sources[inflection], .prior)
        // The first month's quantiles sit around the observation, not at 0.
        let first = result.forecasts[0].quantiles[0]
        XCTAssertGreaterThan(first[2], 100)    // 5 %
        XCTAssertLessThan(first[20], 300)      // 95 %
        XCTAssertLessThan(first[2], first[20])
    }
}

/// Fixes from the review of the new model: no pile-up at the bound under levers, every
/// anchored draw passes through the data, a flow's noise per reporting period.
final class LeverBoundAndFlowNoiseTests: XCTestCase {
    func testCeilingAndShiftLeversStayInsideTheBound() throws {
        let series = ForecastFixtures.shareSeries()
        let push = VariantLevers(id: "push", ceilingMultiplier: .uniform(lower: 1.3, upper: 1.6),
                                 levelShift: .normal(mean: 8, sd: 2))
        let request = ForecastFixtures.request(series, families: [.logistic], horizon: "2032-12-31",
                                               variants: [.baseline, push], paths: 800, samples: 800)
        let forecast = try Forecaster.run(request, jobs: 2).forecasts[1]
        XCTAssertTrue(forecast.samples.joined().allSatisfy { $0 > 0 && $0 < 100 }, "no path sits on the bound")
        for row in forecast.quantiles { XCTAssertLessThan(row[22], 100) }
        // The levers still raise the level.
        let baseline = try Forecaster.run(request, jobs: 2).forecasts[0]
        XCTAssertGreaterThan(forecast.median.last!, baseline.median.last!)
    }

    func testAnchoredDrawsPassThroughTheObservation() throws {
        let series = try AdoptionSeries.make(
            observations: [DatedObservation(date: CalendarDate(iso: "2022-07-25")!, value: 168, of: 542)],
            kind: .count, launch: CalendarDate(iso: "2022-03-31")!, ceiling: .fixed(542),
            growthRatePrior: .lognormal(median: 1, sdLog: 0.7))
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        let sampler = try ParameterSampler(fit: fit, series: series, parameterScale: 1.1, degreesOfFreedom: 4)
        let anchor = try XCTUnwrap(sampler.anchor)
        let draws = try sampler.draws(seed: 9, count: 2000)
        let time = series.observations[0].time
        // Each path passes through the observation moved by its noise: h(level) + σ·z, with
        // z a standard normal (the fit's σ, times the parameter scale 1.1).
        let z = draws.enumerated().map { p, theta -> Double in
            let y = fit.curve.level(at: time, theta)
            let stream = CounterBasedRandomStream(seed: 9, path: p)
            let expected = stream.normal(RandomDrawLayout.anchorNormal)
            let hy = log(y / (542 - y)), hl = log(anchor.level / (542 - anchor.level))
            XCTAssertEqual((hy - hl) / anchor.sigma, expected, accuracy: 1e-5)
            return (hy - hl) / anchor.sigma
        }
        XCTAssertEqual(anchor.sigma, fit.sigma * 1.1, accuracy: 1e-12)
        XCTAssertEqual(z.reduce(0, +) / Double(z.count), 0, accuracy: 0.1)
        // Slow draws were raised to the least pace that reaches each path's level four months
        // after launch: r ≥ −log(1 − y/542)/Δt for the anchored logistic's limit K(1 − e^(−rΔt)).
        for theta in draws {
            let y = fit.curve.level(at: time, theta)
            XCTAssertGreaterThanOrEqual(theta[1], -log(1 - y / 542) / (time - series.launch!) * 0.999)
        }
        XCTAssertGreaterThan(Set(draws.map { $0[1] }).count, 1000, "the pace still varies")
    }

    /// A yearly flow's noise: with the curve fixed, log(next year's flow) has the sd of one
    /// reporting period's deviation, σ√(1 − a²) around a·e₀ — not σ/√12 (monthly draws).
    func testFlowNoiseIsOneDeviationPerReportingPeriod() throws {
        let flows = [9000.0, 21000, 38000, 59000, 80000]
        let observations = flows.enumerated().map {
            DatedObservation(date: CalendarDate(iso: "\(2021 + $0.offset)-12-31")!, value: $0.element)
        }
        let series = try AdoptionSeries.make(observations: observations, kind: .count, observed: .flow,
                                              launch: CalendarDate(iso: "2020-12-31"), ceiling: .range(min: 300_000, max: 600_000))
        var request = ForecastFixtures.request(series, families: [.bass], horizon: "2027-12-31", step: .year,
                                               paths: 4000, samples: 4000)
        request.calibration = UncertaintyCalibration(parameterScale: 0, noiseScale: 1)
        let result = try Forecaster.run(request, jobs: 2)
        let process = ResidualProcess(fit: result.fits[0], series: series, scale: .log, noiseScale: 1)
        let a = process.decay(over: 1)
        let expected = process.sigma * (1 - a * a).squareRoot()
        let logs = result.forecasts[0].samples.map { log($0[0]) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sd = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)).squareRoot()
        XCTAssertGreaterThan(expected, 0.02)
        XCTAssertEqual(sd, expected, accuracy: 0.1 * expected)
    }
}

/// The data anchor's closed-form inflection (logistic, Gompertz, no launch) is the root the
/// bisection closes in on: the curve passes through the level at the observation's date,
/// and the root lies inside the bisection's final 10⁻⁹-year bracket around it.
final class DataAnchorClosedFormTests: XCTestCase {
    func testClosedFormInflectionIsTheBisectionRoot() {
        var generator = SplitMix64(seed: 3)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(generator.next() >> 11) * 0x1p-53 }
        for family in [CurveFamily.logistic, .gompertz] {
            let curve = LaunchAnchoredCurve(AdoptionCurve(family), launch: nil)
            for _ in 0..<200 {
                let time = uniform(2015, 2025), ceiling = uniform(50, 5000)
                let level = ceiling * uniform(0.01, 0.99)
                let anchor = DataAnchor(curve: curve, time: time, level: level, timingIndex: 2, rateIndex: 1,
                                        scale: .log, sigma: 0)
                var theta = [ceiling, uniform(0.05, 2), 0]
                guard let root = anchor.closedFormInflection(theta, level: level) else {
                    XCTFail("\(family): no closed form for K \(ceiling), level \(level)")
                    continue
                }
                theta[2] = root
                XCTAssertEqual(curve.level(at: time, theta), level, accuracy: 1e-11 * ceiling, "\(family)")
                theta[2] = root - 1e-9
                XCTAssertGreaterThan(curve.level(at: time, theta), level, "\(family): an earlier inflection is higher now")
                theta[2] = root + 1e-9
                XCTAssertLessThan(curve.level(at: time, theta), level, "\(family)")
                // solve() takes it (no noise: σ = 0).
                var solved = [ceiling, theta[1], 0.0]
                anchor.solve(&solved, normal: 0)
                XCTAssertEqual(solved[2], root)
            }
            // Outside the bisection's bracket (a rate so slow the root is centuries away): nil.
            let anchor = DataAnchor(curve: curve, time: 2020, level: 1, timingIndex: 2, rateIndex: 1, scale: .log, sigma: 0)
            XCTAssertNil(anchor.closedFormInflection([1000, 0.001, 0], level: 1))
        }
    }
}
