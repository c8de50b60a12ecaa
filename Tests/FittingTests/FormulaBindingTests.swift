import LinearAlgebra
import XCTest
@testable import Fitting

/// `FormulaModel.binding(_:)`: a compiled formula reused for another table with the same
/// columns gives exactly what compiling afresh gives, and another column layout is compiled
/// afresh.
final class FormulaBindingTests: XCTestCase {
    private let logistic = try! Formula(parsing: "value = K/(1+exp(-r*(month-t0)))")

    func testBindingReusesTheCompiledFormulaOnlyForTheSameMonths() throws {
        let months = (0..<24).map(Double.init)
        let first = try FormulaModel(formula: logistic, data: DataTable(
            columns: ["month": months, "value": months.map { 10 + $0 }], order: ["month", "value"]))
        let other = DataTable(columns: ["month": months, "value": months.map { 3 * $0 + 1 }], order: ["month", "value"])
        let shifted = DataTable(columns: ["month": months.map { $0 + 0.5 }, "value": months.map { 3 * $0 + 1 }], order: ["month", "value"])
        let theta = [200.0, 0.2, 12.0]
        for table in [other, shifted] {
            let bound = try first.binding(table)
            let fresh = try FormulaModel(formula: logistic, data: table)
            var r1 = [Double](), r2 = [Double]()
            XCTAssertTrue(bound.residuals(at: theta, into: &r1))
            XCTAssertTrue(fresh.residuals(at: theta, into: &r2))
            XCTAssertEqual(r1, r2)
            XCTAssertEqual(bound.observedValues, fresh.observedValues)
            var j1 = Matrix(rows: 24, columns: 3), j2 = Matrix(rows: 24, columns: 3)
            XCTAssertTrue(bound.jacobian(at: theta, into: &j1))
            XCTAssertTrue(fresh.jacobian(at: theta, into: &j2))
            XCTAssertEqual(j1, j2)
        }
        // Other column names change what is a parameter ("month" is one here): built afresh.
        let renamed = try first.binding(DataTable(columns: ["t": months, "value": months], order: ["t", "value"]))
        XCTAssertEqual(renamed.parameterNames, ["K", "r", "month", "t0"])
    }
}
