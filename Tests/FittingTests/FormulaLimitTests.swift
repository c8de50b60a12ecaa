@testable import Fitting
import LinearAlgebra
import XCTest

/// The formula language's limits (issue 14): nesting of brackets, calls, signs and exponents
/// at most `Formula.maximumNesting` deep, at most `Formula.maximumOperations` operations; past
/// them a one-line error at the column, never a stack overflow. The tape is compiled without
/// recursion, so a tree as deep as the limits allow compiles in a small stack.
final class FormulaLimitTests: XCTestCase {
    private func nested(_ open: String, _ close: String, _ depth: Int) -> String {
        "y = " + String(repeating: open, count: depth) + "b1*x" + String(repeating: close, count: depth)
    }

    func testNestingUpToTheLimitParses() throws {
        XCTAssertEqual(Formula.maximumNesting, 200)
        for (open, close) in [("(", ")"), ("[", "]"), ("abs(", ")"), ("-", ""), ("+", "")] {
            XCTAssertNoThrow(try Formula(parsing: nested(open, close, 200)), open)
            XCTAssertThrowsError(try Formula(parsing: nested(open, close, 201)), open) { error in
                // At the 201st opening: its bracket, or its sign.
                XCTAssertEqual(error as? FormulaError, .nestedTooDeeply(limit: 200, column: 4 + 201 * open.count))
            }
        }
        let powers = "y = b1*" + String(repeating: "x^", count: 200) + "1"
        XCTAssertNoThrow(try Formula(parsing: powers))
        XCTAssertThrowsError(try Formula(parsing: "y = b1*" + String(repeating: "x^", count: 201) + "1"))
    }

    func testOperationsUpToTheLimitParse() throws {
        XCTAssertEqual(Formula.maximumOperations, 1_000)
        // "y = x + x + …": n terms are n − 1 operations.
        let within = "y = " + Array(repeating: "x", count: 1_001).joined(separator: " + ")
        XCTAssertNoThrow(try Formula(parsing: within))
        let over = within + " + x"
        XCTAssertThrowsError(try Formula(parsing: over)) { error in
            XCTAssertEqual(error as? FormulaError, .tooManyOperations(limit: 1_000, column: within.count + 2))
            XCTAssertEqual("\(error)", "formula: more than 1,000 operations (operators, signs and function calls) at column "
                + "\(within.count + 2) (the limit of Uptake's formulas); simplify the formula")
        }
    }

    /// The deepest trees the limits allow compile, and the tape agrees with the tree.
    func testDeepTreesCompileAndEvaluate() throws {
        // x ≤ 1.2 < e^(1/e): even a tower of 200 powers x^x^…^x stays finite.
        let xs = [1.0, 1.1, 1.2]
        let table = DataTable(columns: ["x": xs, "y": [2, 4, 6]], order: ["x", "y"])
        let formulas = [
            "y = " + Array(repeating: "b1*x", count: 500).joined(separator: " + "),          // 999 operations deep
            "y = " + Array(repeating: "b1", count: 1_001).joined(separator: " - "),            // 1,000 deep
            nested("exp(-", ")", 100),
            "y = b1*" + String(repeating: "x^", count: 200) + "1",
        ]
        for text in formulas {
            let formula = try Formula(parsing: text)
            let model = try FormulaModel(formula: formula, data: table)
            let parameters = [Double](repeating: 0.5, count: model.parameterCount)
            let fitted = model.fittedValues(at: parameters)
            for (row, x) in xs.enumerated() {
                let expected = formula.rhs.evaluate(["x": x, "b1": 0.5])!
                XCTAssertEqual(fitted[row], expected, accuracy: 1e-12 * max(1, abs(expected)), String(text.prefix(40)))
            }
            var jacobian = Matrix(rows: 3, columns: model.parameterCount)
            XCTAssertTrue(model.jacobian(at: parameters, into: &jacobian), String(text.prefix(40)))
        }
    }

    /// What a message repeats of the formula is cut and escaped.
    func testEchoesAreCutAndEscaped() {
        let long = String(repeating: "q", count: 5_000)
        XCTAssertThrowsError(try Formula(parsing: "y = \(long)(x)")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("formula: unknown function '" + String(repeating: "q", count: 60) + "…' at column 5"), message)
            XCTAssertLessThan(message.count, 200)
        }
        XCTAssertThrowsError(try Formula(parsing: "y = x \u{7}")) { error in
            XCTAssertEqual("\(error)", #"formula: unexpected character '\u{7}' at column 7"#)
        }
    }
}
