import Foundation
import XCTest
import LinearAlgebra
@testable import Fitting

/// The early stop for parameters that run off to infinity (`DivergenceRule`): it ends a
/// logistic fit to still-exponential data long before the budget, and leaves converging fits
/// — including slow ones whose ceiling lies far above the data — exactly as they were.
final class DivergenceRuleTests: XCTestCase {
    private let logistic = try! Formula(parsing: "value = K/(1+exp(-r*(month-t0)))")

    private func model(_ values: (Double) -> Double) throws -> FormulaModel {
        let months = (0..<24).map(Double.init)
        let table = DataTable(columns: ["month": months, "value": months.map(values)], order: ["month", "value"])
        return try FormulaModel(formula: logistic, data: table)
    }

    /// The benchmark's start: K₀ = 2·max y, r₀ and t₀ from the logit-linearisation.
    private func start(_ model: FormulaModel) -> [Double] {
        let y = model.observedValues, t = (0..<y.count).map(Double.init)
        let k0 = 2 * y.max()!
        let z = y.map { log($0 / (k0 - $0)) }
        let tMean = t.reduce(0, +) / Double(t.count), zMean = z.reduce(0, +) / Double(z.count)
        var num = 0.0, den = 0.0
        for (ti, zi) in zip(t, z) { num += zi * (ti - tMean); den += (ti - tMean) * (ti - tMean) }
        let r0 = min(max(num / den, 0.01), 1)
        return [k0, r0, tMean - zMean / r0]
    }

    func testExponentialDataStopAsDivergingWellBeforeTheBudget() throws {
        // Benchmark series s00005 (make_series.py; true t0 = 39 months, beyond the 24 observed):
        // the data are still exponential, and ‖r‖² keeps falling as K → ∞.
        let values = [
            0.7370840961, 0.8099965086, 0.9500160371, 1.18049461, 1.475771798, 1.655020613, 2.154780601,
            2.494136222, 2.981606126, 3.478910597, 4.171024909, 5.130705264, 6.041293778, 7.078342527,
            8.705056541, 10.14782068, 12.90207822, 14.96790382, 17.01246085, 20.02879187, 24.22624397,
            30.55325362, 37.45122432, 42.60377478,
        ]
        let problem = try model { values[Int($0)] }
        let fit = try LevenbergMarquardt().minimize(problem, from: start(problem))
        XCTAssertEqual(fit.termination, .diverging)
        XCTAssertFalse(fit.converged)
        XCTAssertLessThan(fit.evaluations, 600)   // 496 of the budget of 800
        XCTAssertGreaterThan(fit.parameters[0], 100 * 2 * problem.observedValues.max()!)

        // Without the rule the same run only burns the budget: it would not have converged.
        var off = LevenbergMarquardt.Options()
        off.divergenceGrowth = .infinity
        let unstopped = try LevenbergMarquardt(options: off).minimize(problem, from: start(problem))
        XCTAssertEqual(unstopped.termination, .maxEvaluations)
        XCTAssertEqual(unstopped.evaluations, 800)
    }

    /// A review's counterexample: a run from a start far below the solution marches outwards
    /// for more than W steps with shrinking gains, yet converges (a = 5,000, b = 0.02 from
    /// (0.00133, 2.464)); it must not be stopped as diverging.
    func testFinalApproachFromFarBelowIsNotStopped() throws {
        let x = (1...40).map(Double.init)
        let table = DataTable(columns: ["x": x, "y": x.map { 5000 * (1 - exp(-0.02 * $0)) }], order: ["x", "y"])
        let problem = try FormulaModel(formula: try Formula(parsing: "y = a*(1-exp(-b*x))"), data: table)
        let fit = try LevenbergMarquardt().minimize(problem, from: [0.00133, 2.464])
        XCTAssertNotEqual(fit.termination, .diverging)
        XCTAssertTrue(fit.converged, "\(fit.termination)")
        XCTAssertEqual(fit.parameters[0], 5000, accuracy: 1e-3)
        XCTAssertEqual(fit.parameters[1], 0.02, accuracy: 1e-8)
        // A start at the origin gives the rule no scale: it stays off.
        var rule = DivergenceRule(start: [0, 0], growth: DivergenceRule.defaultGrowth)
        for k in 0..<30 {
            let theta = [pow(2, Double(k)), pow(2, Double(k))]
            XCTAssertFalse(rule.accept(theta, sumOfSquares: 1 - 1e-9 * Double(k), scaling: [1, 1]))
        }
    }

    func testFarButFiniteCeilingStillConvergesToTheSameFit() throws {
        // Data that bend only slightly within the window: the solver creeps a long way
        // (K from 2·max y to ≈ 6 × that), yet the optimum is finite.
        for (k, r, t0) in [(1000.0, 0.15, 30.0), (5000.0, 0.2, 40.0), (1500.0, 0.1, 35.0)] {
            let problem = try model { t in k / (1 + exp(-r * (t - t0))) * (1 + 0.01 * sin(1.3 * t)) }
            let fit = try LevenbergMarquardt().minimize(problem, from: start(problem))
            var off = LevenbergMarquardt.Options()
            off.divergenceGrowth = .infinity
            let reference = try LevenbergMarquardt(options: off).minimize(problem, from: start(problem))
            XCTAssertTrue(reference.converged, "K \(k)")
            XCTAssertEqual(fit.termination, reference.termination, "K \(k)")
            XCTAssertEqual(fit.parameters, reference.parameters, "K \(k)")
        }
    }

    func testRuleNeedsGrowthAMarchOutwardsAndNoGain() {
        let d = [1.0, 1.0]
        let window = DivergenceRule.window
        // Geometric growth ×1.5 per step with a flat sum of squares: stops once ‖θ‖ ≥ 100·‖θ₀‖.
        var rule = DivergenceRule(start: [1, 0], growth: 100)
        var stoppedAt: Int?
        for k in 1...40 where stoppedAt == nil {
            if rule.accept([pow(1.5, Double(k)), 0], sumOfSquares: 1 + 1e-9 / Double(k), scaling: d) { stoppedAt = k }
        }
        XCTAssertEqual(stoppedAt, 12)   // 1.5¹² = 130 ≥ 100 > 1.5¹¹ = 86, and 12 > window
        XCTAssertGreaterThanOrEqual(stoppedAt ?? 0, window + 1)

        // The same march with ‖r‖² still falling by 1 % per step: not "almost no gain".
        rule = DivergenceRule(start: [1, 0], growth: 100)
        for k in 1...40 {
            XCTAssertFalse(rule.accept([pow(1.5, Double(k)), 0], sumOfSquares: pow(0.99, Double(k)), scaling: d))
        }
        // Large but not monotone (a search, not a march): never.
        rule = DivergenceRule(start: [1, 0], growth: 100)
        for k in 1...40 {
            XCTAssertFalse(rule.accept([k % 2 == 0 ? 1000 : 900, 0], sumOfSquares: 1, scaling: d))
        }
        // Turned off.
        rule = DivergenceRule(start: [1, 0], growth: .infinity)
        for k in 1...40 { XCTAssertFalse(rule.accept([pow(2, Double(k)), 0], sumOfSquares: 1, scaling: d)) }
    }
}
