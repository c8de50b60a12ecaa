import XCTest
import LinearAlgebra
@testable import Fitting

/// A problem given by closures, for tests.
struct ClosureProblem: LeastSquaresProblem {
    let residualCount: Int
    let parameterCount: Int
    let r: ([Double]) -> [Double]
    let j: ([Double]) -> [[Double]]   // rows

    func residuals(at p: [Double], into out: inout [Double]) -> Bool {
        out = r(p)
        return out.allSatisfy(\.isFinite)
    }

    func jacobian(at p: [Double], into out: inout Matrix) -> Bool {
        let rows = j(p)
        for i in 0..<residualCount { for k in 0..<parameterCount { out[i, k] = rows[i][k] } }
        return out.elements.allSatisfy(\.isFinite)
    }
}

final class LevenbergMarquardtTests: XCTestCase {
    /// Rosenbrock's function as least squares (Moré, Garbow & Hillstrom 1981, problem 1):
    /// minimum 0 at (1, 1) from the standard start (−1.2, 1).
    func testRosenbrockReachesTheKnownMinimum() throws {
        let problem = ClosureProblem(residualCount: 2, parameterCount: 2,
            r: { p in [10 * (p[1] - p[0] * p[0]), 1 - p[0]] },
            j: { p in [[-20 * p[0], 10], [-1, 0]] })
        let fit = try LevenbergMarquardt().minimize(problem, from: [-1.2, 1])
        XCTAssertTrue(fit.converged)
        XCTAssertEqual(fit.parameters[0], 1, accuracy: 1e-10)
        XCTAssertEqual(fit.parameters[1], 1, accuracy: 1e-10)
        XCTAssertLessThan(fit.rss, 1e-20)
    }

    /// Freudenstein and Roth (MGH problem 2) has a local minimum with ‖r‖² = 48.9842536792…
    /// reached from (0.5, −2); the solver must stop there, converged, not wander.
    func testFreudensteinRothStopsAtTheDocumentedLocalMinimum() throws {
        let problem = ClosureProblem(residualCount: 2, parameterCount: 2,
            r: { p in [-13 + p[0] + ((5 - p[1]) * p[1] - 2) * p[1], -29 + p[0] + ((p[1] + 1) * p[1] - 14) * p[1]] },
            j: { p in [[1, (10 - 3 * p[1]) * p[1] - 2], [1, (3 * p[1] + 2) * p[1] - 14]] })
        let fit = try LevenbergMarquardt().minimize(problem, from: [0.5, -2])
        XCTAssertTrue(fit.converged)
        XCTAssertEqual(fit.rss, 48.98425367924, accuracy: 1e-8)
    }

    /// A linear model: LM must reproduce LAPACK's QR least-squares solution and the
    /// textbook covariance s²(XᵀX)⁻¹.
    func testLinearModelMatchesQRSolutionAndCovariance() throws {
        let x: [Double] = [0, 1, 2, 3, 4, 5, 6]
        let y: [Double] = [1.1, 2.9, 5.2, 7.1, 8.8, 11.2, 12.9]
        let problem = ClosureProblem(residualCount: 7, parameterCount: 2,
            r: { p in zip(x, y).map { p[0] + p[1] * $0 - $1 } },
            j: { _ in x.map { [1, $0] } })
        let fit = try LevenbergMarquardt().minimize(problem, from: [0, 0])
        let design = Matrix(x.map { [1, $0] })
        let solution = try LAPACK.leastSquares(design, Matrix(rows: 7, columns: 1, columnMajor: y))
        XCTAssertEqual(fit.parameters[0], solution[0, 0], accuracy: 1e-12)
        XCTAssertEqual(fit.parameters[1], solution[1, 0], accuracy: 1e-12)
        XCTAssertEqual(fit.dof, 5)
        // (XᵀX)⁻¹ for x = 0…6: n = 7, Σx = 21, Σx² = 91, det = 7·91 − 21² = 196.
        let s2 = fit.rss / 5
        XCTAssertEqual(fit.covariance.matrix[0, 0], s2 * 91 / 196, accuracy: 1e-12 * s2)
        XCTAssertEqual(fit.covariance.matrix[0, 1], -s2 * 21 / 196, accuracy: 1e-12 * s2)
        XCTAssertEqual(fit.standardErrors[1], (s2 * 7 / 196).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(fit.residualSD, s2.squareRoot(), accuracy: 1e-15)
    }

    /// y = a·b·x: only the product is identified. Both parameters are reported, with NaN
    /// standard errors instead of a 10¹⁶ variance.
    func testRankDeficiencyNamesTheUnidentifiedParameters() throws {
        let x: [Double] = [1, 2, 3, 4]
        let y: [Double] = [2.1, 3.9, 6.2, 7.9]
        let problem = ClosureProblem(residualCount: 4, parameterCount: 3,
            r: { p in zip(x, y).map { p[0] * p[1] * $0 + p[2] - $1 } },
            j: { p in x.map { [p[1] * $0, p[0] * $0, 1] } })
        let fit = try LevenbergMarquardt().minimize(problem, from: [1, 1, 0])
        XCTAssertEqual(fit.covariance.rank, 2)
        XCTAssertEqual(fit.unidentifiedParameters, [0, 1])
        XCTAssertTrue(fit.standardErrors[0].isNaN)
        XCTAssertTrue(fit.standardErrors[2].isFinite)
    }

    func testBudgetExhaustionIsReportedAsNotConverged() throws {
        var options = LevenbergMarquardt.Options()
        options.maxEvaluations = 3
        let problem = ClosureProblem(residualCount: 2, parameterCount: 2,
            r: { p in [10 * (p[1] - p[0] * p[0]), 1 - p[0]] },
            j: { p in [[-20 * p[0], 10], [-1, 0]] })
        let fit = try LevenbergMarquardt(options: options).minimize(problem, from: [-1.2, 1])
        XCTAssertEqual(fit.termination, .maxEvaluations)
        XCTAssertFalse(fit.converged)
        XCTAssertLessThanOrEqual(fit.evaluations, 3)
    }

    /// A trial point where the model is undefined is a rejected step, not a crash.
    func testDomainErrorsShrinkTheStep() throws {
        // r = sqrt(p) − 3 with a huge first step into p < 0.
        let problem = ClosureProblem(residualCount: 1, parameterCount: 1,
            r: { p in [p[0].squareRoot() - 3] },
            j: { p in [[0.5 / p[0].squareRoot()]] })
        let fit = try LevenbergMarquardt().minimize(problem, from: [0.01])
        XCTAssertTrue(fit.converged)
        XCTAssertEqual(fit.parameters[0], 9, accuracy: 1e-9)
    }

    func testInvalidProblemsThrow() {
        let problem = ClosureProblem(residualCount: 1, parameterCount: 2, r: { _ in [0] }, j: { _ in [[0, 0]] })
        XCTAssertThrowsError(try LevenbergMarquardt().minimize(problem, from: [1, 1])) {
            XCTAssertEqual($0 as? LeastSquaresError, .tooFewResiduals(residuals: 1, parameters: 2))
        }
        XCTAssertThrowsError(try LevenbergMarquardt().minimize(problem, from: [1]))
    }
}
