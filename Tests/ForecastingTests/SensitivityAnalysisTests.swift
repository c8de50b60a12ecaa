import XCTest
import Fitting
@testable import Forecasting

/// `uptake sensitivity` in the library (``SensitivityAnalysis``, ``FamilyComparison``):
/// common random numbers make P(met) move only through the input.
final class SensitivityAnalysisTests: XCTestCase {
    func target(_ value: Double, _ deadline: String) -> ForecastTarget {
        ForecastTarget(label: "\(value) by \(deadline)", value: value, deadline: CalendarDate(iso: deadline)!)
    }

    /// Two points: the ceiling is not identified, so the ceiling given decides the level.
    func sparseRequest(ceiling: CeilingKnowledge, paths: Int = 600) -> ForecastRequest {
        var series = ForecastFixtures.sparseSeries()
        series.ceiling = ceiling
        return ForecastFixtures.request(series, families: [.logistic, .gompertz],
                                        targets: [target(450, "2025-12-31"), target(520, "2026-06-30")], paths: paths)
    }

    func testRaisingTheCeilingNeverLowersPMeet() throws {
        let runs = CommonRandomNumberRuns(sparseRequest(ceiling: .fixed(600)), jobs: 2)
        var previous: [Double]?
        for k in [530.0, 560, 600, 700, 850, 1000, 1500] {
            let p = try runs.feasibility([.baseline]) { $0.series.ceiling = .fixed(k) }[0].map(\.pMeet)
            if let previous {
                for j in p.indices { XCTAssertGreaterThanOrEqual(p[j], previous[j], "ceiling \(k), target \(j)") }
            }
            previous = p
        }
        XCTAssertGreaterThan(previous![0], 0.5)
    }

    func testInputsAndSettings() throws {
        var request = sparseRequest(ceiling: .range(min: 400, max: 900), paths: 400)
        request.variants = [.baseline, VariantLevers(id: "push", growthMultiplier: .uniform(lower: 1.1, upper: 1.3),
                                                     levelShift: .normal(mean: 20, sd: 5))]
        let analysis = try SensitivityAnalysis.run(request, jobs: 2)
        let rows = analysis.rows(target: request.targets[0])
        func row(_ input: SensitivityAnalysis.Input, _ setting: SensitivityAnalysis.Setting) -> SensitivityAnalysis.Row? {
            rows.first { $0.input == input && $0.setting == setting }
        }
        XCTAssertEqual(rows.first?.input, .baseline)
        XCTAssertEqual(row(.ceiling, .low)?.value, 400)
        XCTAssertEqual(row(.ceiling, .high)?.value, 900)
        XCTAssertEqual(row(.growthRate, .low)?.value, 0.8)
        XCTAssertEqual(row(.growthRate, .high)?.value, 1.25)
        XCTAssertEqual(row(.timing, .low)?.value, -1)
        XCTAssertEqual(row(.noise, .high)?.value, 2)
        XCTAssertEqual(row(.variant(id: "push", lever: .growthMultiplier), .high)?.value, 1.3)
        XCTAssertEqual(row(.variant(id: "push", lever: .levelShift), .low)?.value ?? 0, 20 - 1.6448536 * 5, accuracy: 1e-4)
        XCTAssertNotNil(row(.family, .family(.logistic)))
        // Each lever moves P(met) the way it pushes: a faster clock, a year earlier, a higher ceiling.
        for input in [SensitivityAnalysis.Input.ceiling, .growthRate, .timing] {
            XCTAssertLessThanOrEqual(row(input, .low)!.pMeet!, row(.baseline, .base)!.pMeet!, "\(input)")
            XCTAssertGreaterThanOrEqual(row(input, .high)!.pMeet!, row(.baseline, .base)!.pMeet!, "\(input)")
        }
        // The bars: one per input, largest swing first.
        let bars = analysis.bars(target: request.targets[0])
        XCTAssertEqual(Set(bars.map(\.input)).count, bars.count)
        XCTAssertEqual(bars.map(\.swing), bars.map(\.swing).sorted(by: >))
        XCTAssertFalse(bars.contains { $0.input == .baseline })
    }

    /// The family rows are FamilyComparison's, exactly, and the baseline is the forecast's.
    func testFamilyRowsAreTheFamilyComparison() throws {
        let request = sparseRequest(ceiling: .fixed(700), paths: 400)
        let fitted = try Forecaster.run(request, jobs: 2)
        let comparison = try FamilyComparison.run(request, fitted: fitted, jobs: 2)
        XCTAssertEqual(comparison.rows.count, 2 * fitted.fits.count)
        XCTAssertEqual(comparison.rows.map(\.weight), fitted.weights + fitted.weights)
        let analysis = try SensitivityAnalysis.run(request, jobs: 1)
        let familyRows = analysis.rows.filter { $0.input == .family }
        XCTAssertEqual(familyRows.map(\.pMeet), comparison.rows.map(\.pMeet))
        XCTAssertEqual(familyRows.map(\.setting), comparison.rows.map { .family($0.family) })
        XCTAssertEqual(analysis.rows.filter { $0.input == .baseline }.map(\.pMeet), fitted.forecasts[0].feasibility.map(\.pMeet))
        // A forced family is that family's forecast alone.
        var alone = request
        alone.families = [.gompertz]
        let gompertz = try Forecaster.run(alone).forecasts[0].feasibility.map(\.pMeet)
        XCTAssertEqual(comparison.rows.filter { $0.family == .gompertz }.map(\.pMeet), gompertz)
    }

    func testTheTimeShiftReadsTheCurveAYearAhead() throws {
        let series = ForecastFixtures.tightLogisticSeries()
        var ahead = VariantLevers(id: "ahead")
        ahead.timeShift = 1
        var behind = VariantLevers(id: "behind")
        behind.timeShift = -1
        let request = ForecastFixtures.request(series, horizon: "2030-12-31", variants: [.baseline, ahead, behind], paths: 400)
        let m = try Forecaster.run(request, jobs: 2).forecasts.map(\.median)
        // On the curve: the median a year later, a year sooner (12 monthly grid steps).
        XCTAssertEqual(m[1][20], m[0][32], accuracy: 0.03 * m[0][32])
        XCTAssertGreaterThan(m[1][20], m[0][20])
        XCTAssertLessThan(m[2][30], m[0][30])
        let last = series.observations.last!.value
        XCTAssertEqual(m[2][1], last, accuracy: 0.03 * last)   // held at the reference level, not fallen back
    }

    func testDistributionEnds() {
        XCTAssertEqual(PriorDistribution.uniform(lower: 1.1, upper: 1.4).ends.low, 1.1)
        let normal = PriorDistribution.normal(mean: 10, sd: 2).ends
        XCTAssertEqual(normal.low, 10 - 1.6448536 * 2, accuracy: 1e-5)
        let lognormal = PriorDistribution.lognormal(median: 1000, sdLog: 0.4).ends
        XCTAssertEqual(lognormal.high, 1000 * exp(1.6448536 * 0.4), accuracy: 1e-2)
    }
}
