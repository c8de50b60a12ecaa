import Foundation
import LinearAlgebra
import Synchronization
import XCTest
@testable import Fitting

final class FormulaTests: XCTestCase {

    // MARK: Helpers

    private func parse(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Formula? {
        do {
            return try Formula(parsing: source)
        } catch {
            XCTFail("'\(source)' did not parse: \(error)", file: file, line: line)
            return nil
        }
    }

    /// The right side of `y = <rhs>` in prefix form.
    private func prefix(_ rhs: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        parse("y = \(rhs)", file: file, line: line)?.rhs.prefixDescription
    }

    private func parseError(_ source: String) -> FormulaError? {
        do {
            _ = try Formula(parsing: source)
            return nil
        } catch {
            return error
        }
    }

    private func model(_ source: String, _ columns: [String: [Double]], name: String = "data.csv") throws -> FormulaModel {
        let order = columns.keys.sorted()
        let data = DataTable(columns: columns, order: order, name: name)
        return try FormulaModel(formula: try Formula(parsing: source), data: data)
    }

    private func csv(_ text: String) throws -> DataTable {
        try DataTable(csvContents: text, fileName: "data.csv")
    }

    private func jacobian(_ model: FormulaModel, _ theta: [Double]) -> (Matrix, Bool) {
        var J = Matrix(rows: 0, columns: 0)
        let ok = model.jacobian(at: theta, into: &J)
        return (J, ok)
    }

    /// Central differences with one Richardson step (error O(h⁴)) of the fitted values.
    private func finiteDifferenceJacobian(_ model: FormulaModel, _ theta: [Double]) -> Matrix {
        let m = model.observationCount, n = model.parameterCount
        var J = Matrix(rows: m, columns: n)
        for j in 0..<n {
            let h = 1e-3 * max(1, abs(theta[j]))
            func d(_ step: Double) -> [Double] {
                var plus = theta, minus = theta
                plus[j] += step
                minus[j] -= step
                let fp = model.fittedValues(at: plus), fm = model.fittedValues(at: minus)
                return (0..<m).map { (fp[$0] - fm[$0]) / (2 * step) }
            }
            let coarse = d(h), fine = d(h / 2)
            for i in 0..<m { J[i, j] = (4 * fine[i] - coarse[i]) / 3 }
        }
        return J
    }

    private func assertClose(
        _ a: Double, _ b: Double, relative tolerance: Double, scale: Double = 1,
        _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
    ) {
        let error = abs(a - b) / max(abs(a), abs(b), scale)
        XCTAssertLessThanOrEqual(error, tolerance, "\(a) vs \(b) \(message())", file: file, line: line)
    }

    private func assertJacobianMatchesFiniteDifferences(
        _ source: String, _ columns: [String: [Double]], _ theta: [Double], tolerance: Double = 1e-8,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let model = try model(source, columns)
            guard model.parameterCount == theta.count else {
                return XCTFail("\(source): \(model.parameterCount) parameters, \(theta.count) values", file: file, line: line)
            }
            let (J, ok) = jacobian(model, theta)
            XCTAssertTrue(ok, "\(source): Jacobian not finite", file: file, line: line)
            let reference = finiteDifferenceJacobian(model, theta)
            XCTAssertEqual(J.rows, model.observationCount, file: file, line: line)
            XCTAssertEqual(J.columns, model.parameterCount, file: file, line: line)
            for j in 0..<J.columns {
                let columnScale = (0..<J.rows).map { abs(reference[$0, j]) }.max() ?? 1
                for i in 0..<J.rows {
                    assertClose(J[i, j], reference[i, j], relative: tolerance, scale: max(columnScale, 1e-300),
                                "\(source) J[\(i), \(j)]", file: file, line: line)
                }
            }
        } catch {
            XCTFail("\(source): \(error)", file: file, line: line)
        }
    }

    // MARK: Precedence and associativity

    func testPowerBindsTighterThanUnaryMinus() {
        XCTAssertEqual(prefix("-2^2"), "(neg (^ 2 2))")
        XCTAssertEqual(parse("y = -2^2")?.rhs.evaluate([:]), -4)
        XCTAssertEqual(prefix("-(x-b4)^2"), "(neg (^ (- x b4) 2))")
        XCTAssertEqual(prefix("-(x-b4)**2 / b5**2"), "(/ (neg (^ (- x b4) 2)) (^ b5 2))")
    }

    func testPowerIsRightAssociative() {
        XCTAssertEqual(prefix("2^3^2"), "(^ 2 (^ 3 2))")
        XCTAssertEqual(parse("y = 2^3^2")?.rhs.evaluate([:]), 512)
        XCTAssertEqual(parse("y = 2**3**2")?.rhs.evaluate([:]), 512)
    }

    func testLeftAssociativeOperators() {
        XCTAssertEqual(prefix("a/b*c"), "(* (/ a b) c)")
        XCTAssertEqual(prefix("a-b-c"), "(- (- a b) c)")
        XCTAssertEqual(prefix("a-b+c"), "(+ (- a b) c)")
        XCTAssertEqual(prefix("a/b/c"), "(/ (/ a b) c)")
        XCTAssertEqual(parse("y = 8/4*2")?.rhs.evaluate([:]), 4)
        XCTAssertEqual(parse("y = 1-2-3")?.rhs.evaluate([:]), -4)
    }

    func testProductsBindTighterThanSums() {
        XCTAssertEqual(prefix("a+b*c^d"), "(+ a (* b (^ c d)))")
        XCTAssertEqual(prefix("(a+b)*c"), "(* (+ a b) c)")
    }

    func testUnaryMinusAsOperand() {
        XCTAssertEqual(prefix("2*-x"), "(* 2 (neg x))")
        XCTAssertEqual(prefix("x^-2"), "(^ x (neg 2))")
        XCTAssertEqual(parse("y = x^-2")?.rhs.evaluate(["x": 2]), 0.25)
        XCTAssertEqual(prefix("(1+x)**(-.5)"), "(^ (+ 1 x) (neg 0.5))")
        XCTAssertEqual(prefix("2^-3^2"), "(^ 2 (neg (^ 3 2)))")
        XCTAssertEqual(prefix("--x"), "(neg (neg x))")
        XCTAssertEqual(prefix("+x - +2"), "(- x 2)")
    }

    func testSquareBracketsAreParentheses() {
        XCTAssertEqual(prefix("exp[-b2*x]"), "(exp (* (neg b2) x))")
        XCTAssertEqual(prefix("[a+b]*c"), "(* (+ a b) c)")
        XCTAssertEqual(prefix("([a])"), "a")
    }

    func testNumbers() {
        let cases: [(String, Double)] = [
            ("1", 1), ("1.5", 1.5), (".5", 0.5), ("1e-3", 0.001), ("1.2E+02", 120), ("1.", 1),
            ("2.5e3", 2500), ("0.000", 0), ("1.e2", 100),
        ]
        for (text, value) in cases {
            XCTAssertEqual(parse("y = \(text)")?.rhs, .number(value), text)
        }
    }

    func testFunctionsAndPi() {
        for function in FormulaFunction.allCases {
            XCTAssertEqual(prefix("\(function.rawValue)(x)"), "(\(function.rawValue) x)")
        }
        XCTAssertEqual(parse("y = pi")?.rhs, .pi)
        XCTAssertEqual(parse("y = 2*pi")?.rhs.evaluate([:]), 2 * Double.pi)
    }

    func testDescriptionRoundTrips() throws {
        let sources = [
            "y = b1/(1+exp(b2-b3*x))", "y = -(x-b4)^2", "y = 2^3^2", "y = (2^3)^2", "y = (-2)^2",
            "y = a/(b*c)", "y = a-(b-c)", "y = x^-2", "y = -(-x)", "y = b1*(1-(1+2*b2*x)**(-.5))",
            "log[y] = b1 - b2*x1 * exp[-b3*x2]", "y = 2*-x", "y = 1.5e-7*x",
        ]
        for source in sources {
            let formula = try Formula(parsing: source)
            let again = try Formula(parsing: formula.description)
            XCTAssertEqual(again.lhs, formula.lhs, source)
            XCTAssertEqual(again.rhs, formula.rhs, "\(source) → \(formula.description)")
        }
        XCTAssertEqual(try Formula(parsing: "y=b1/(1+exp(b2-b3*x))").description, "y = b1 / (1 + exp(b2 - b3 * x))")
        XCTAssertEqual(try Formula(parsing: "y = -(x-b4)**2").description, "y = -(x - b4)^2")
    }

    // MARK: Identifiers and parameters

    func testIdentifiersAndParameterNames() throws {
        let formula = try Formula(parsing: "log(y) = b1 - b2*x1*exp(-b3*x2) + b1*pi")
        XCTAssertEqual(formula.identifiers, ["y", "b1", "b2", "x1", "b3", "x2"])
        XCTAssertEqual(formula.parameterNames(dataColumns: ["y", "x1", "x2"]), ["b1", "b2", "b3"])
        XCTAssertEqual(formula.parameterNames(dataColumns: ["y", "x1"]), ["b1", "b2", "b3", "x2"])
        XCTAssertEqual(formula.source, "log(y) = b1 - b2*x1*exp(-b3*x2) + b1*pi")
    }

    // MARK: Syntax errors

    func testSyntaxErrorMessages() {
        let cases: [(String, String, Int?)] = [
            ("y = b1*x)", "formula: unexpected ')' at column 9 (no matching opening bracket)", 9),
            ("y = exp(b1*x", "formula: missing ')' to close the '(' opened at column 8", 8),
            ("y = exp[b1*x", "formula: missing ']' to close the '[' opened at column 8", 8),
            ("y = (b1*x]", "formula: ']' at column 10 does not match the '(' opened at column 5 (expected ')')", 10),
            ("y b1", "formula: expected '=' at column 3, found 'b1' (a formula looks like 'y = b1*x + b2')", 3),
            ("y", "formula: expected '=' at column 2, found the end of the formula (a formula looks like 'y = b1*x + b2')", 2),
            ("y = b1 * ", "formula: unexpected end of formula at column 10 (expected a number, a name or '(')", 10),
            ("y = b1 = 2", "formula: a second '=' at column 8 (a formula has exactly one '=')", 8),
            ("y = 2x", "formula: unexpected 'x' at column 6 (missing operator? multiplication is written '*')", 6),
            ("y = b1 $ x", "formula: unexpected character '$' at column 8", 8),
            ("y = b1·x", "formula: unexpected character '·' at column 7", 7),
            ("y = 1e+ * x", "formula: malformed number '1e+' at column 5", 5),
            ("y = exp * x", "formula: 'exp' at column 5 is a function; write exp(...)", 5),
            ("y = (b1 x)", "formula: unexpected 'x' at column 9 (expected an operator or ')' to close the '(' opened at column 5)", 9),
            ("= b1", "formula: unexpected '=' at column 1 (expected a number, a name or '(')", 1),
            ("y = ()", "formula: unexpected ')' at column 6 (expected a number, a name or '(')", 6),
            ("y = b1 * (x + 1))", "formula: unexpected ')' at column 17 (no matching opening bracket)", 17),
            ("", "formula: the formula is empty (expected something like 'y = b1/(1+exp(b2-b3*x))')", nil),
            ("   ", "formula: the formula is empty (expected something like 'y = b1/(1+exp(b2-b3*x))')", nil),
        ]
        for (source, message, column) in cases {
            guard let error = parseError(source) else {
                XCTFail("'\(source)' should not parse")
                continue
            }
            XCTAssertEqual(error.description, message, source)
            XCTAssertEqual(error.column, column, source)
            XCTAssertFalse(error.description.contains("\n"), source)
        }
    }

    func testUnknownFunctionListsKnownOnes() {
        let error = parseError("y = b1*foo(x)")
        XCTAssertEqual(error, .unknownFunction("foo", column: 8))
        XCTAssertEqual(
            error?.description,
            "formula: unknown function 'foo' at column 8; known: exp, log, sqrt, sin, cos, tan, atan, abs")
        XCTAssertEqual(parseError("y = Exp(x)")?.column, 5, "function names are case-sensitive")
        XCTAssertEqual(parseError("y = b1(x + 1)"), .unknownFunction("b1", column: 5))
    }

    // MARK: NIST-style models

    func testNISTModelStringsParseAndEvaluate() throws {
        let x = [1.0, 2, 3, 5, 8, 13]
        let x1 = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], x2 = [2.0, 1, 0.5, 0.25, 3, 4]
        let y = [1.0, 2, 3, 4, 5, 6]
        typealias Reference = (_ b: [Double], _ i: Int) -> Double
        let cases: [(String, [Double], Reference)] = [
            ("y = b1*(1-exp[-b2*x])", [2.5, 0.3], { b, i in b[0] * (1 - exp(-b[1] * x[i])) }),
            ("y = b1*x**b2", [1.5, 0.7], { b, i in b[0] * pow(x[i], b[1]) }),
            ("y = b1 * (1-(1+2*b2*x)**(-.5))", [3, 0.4], { b, i in b[0] * (1 - pow(1 + 2 * b[1] * x[i], -0.5)) }),
            ("log[y] = b1 - b2*x1 * exp[-b3*x2]", [1, 0.5, 0.2], { b, i in b[0] - b[1] * x1[i] * exp(-b[2] * x2[i]) }),
            ("y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 )", [2, 0.1, 5, 6, 3],
             { b, i in b[0] * exp(-b[1] * x[i]) + b[2] * exp(-pow(x[i] - b[3], 2) / pow(b[4], 2)) }),
            ("y = b1 + b2*cos( 2*pi*x/12 ) + b3*sin( 2*pi*x/12 )", [1, 2, 3],
             { b, i in b[0] + b[1] * cos(2 * .pi * x[i] / 12) + b[2] * sin(2 * .pi * x[i] / 12) }),
            ("y = b1 - b2*x - atan(b3/(x-b4))/pi", [0.5, 0.1, 2, 4.5], { b, i in b[0] - b[1] * x[i] - atan(b[2] / (x[i] - b[3])) / .pi }),
        ]
        let columns = ["x": x, "x1": x1, "x2": x2, "y": y]
        for (source, theta, reference) in cases {
            let model = try model(source, columns)
            XCTAssertEqual(model.parameterCount, theta.count, source)
            let fitted = model.fittedValues(at: theta)
            for i in 0..<x.count {
                assertClose(fitted[i], reference(theta, i), relative: 1e-14, source)
            }
            let expectedObserved = source.hasPrefix("log") ? y.map { log($0) } : y
            XCTAssertEqual(model.observedValues, expectedObserved, source)
            var r: [Double] = []
            XCTAssertTrue(model.residuals(at: theta, into: &r), source)
            XCTAssertEqual(r.count, x.count)
            for i in 0..<x.count { assertClose(r[i], fitted[i] - expectedObserved[i], relative: 1e-15, source) }
            assertJacobianMatchesFiniteDifferences(source, columns, theta)
        }
    }

    func testNISTParameterOrder() throws {
        let model = try model("y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 )", ["x": [1, 2], "y": [1, 2]])
        XCTAssertEqual(model.parameterNames, ["b1", "b2", "b3", "b4", "b5"])
        XCTAssertEqual(model.residualCount, 2)
        XCTAssertEqual(model.parameterCount, 5)
    }

    // MARK: Function values and derivatives

    /// For `y = f(b1*x + b2)`, J = [f'(u)·x, f'(u)] with u = b1·x + b2.
    func testEveryFunctionValueAndDerivativeAgainstClosedForms() throws {
        let x = [0.3, 0.7, 1.1, 1.9]
        let b = [0.4, 0.2]   // u = 0.32 … 0.96: inside every domain, away from tan's poles
        let closedForms: [(String, (Double) -> Double, (Double) -> Double)] = [
            ("exp", { exp($0) }, { exp($0) }),
            ("log", { log($0) }, { 1 / $0 }),
            ("sqrt", { $0.squareRoot() }, { 0.5 / $0.squareRoot() }),
            ("sin", { sin($0) }, { cos($0) }),
            ("cos", { cos($0) }, { -sin($0) }),
            ("tan", { tan($0) }, { 1 / (cos($0) * cos($0)) }),
            ("atan", { atan($0) }, { 1 / (1 + $0 * $0) }),
            ("abs", { abs($0) }, { $0 > 0 ? 1 : -1 }),
        ]
        XCTAssertEqual(closedForms.map(\.0), FormulaFunction.allCases.map(\.rawValue))
        for (name, f, df) in closedForms {
            for sign in [1.0, -1.0] where sign > 0 || name == "abs" || name == "atan" || name == "sin" {
                let theta = [sign * b[0], sign * b[1]]
                let source = "y = \(name)(b1*x + b2)"
                let model = try model(source, ["x": x, "y": x])
                let fitted = model.fittedValues(at: theta)
                let (J, ok) = jacobian(model, theta)
                XCTAssertTrue(ok, source)
                for i in 0..<x.count {
                    let u = theta[0] * x[i] + theta[1]
                    assertClose(fitted[i], f(u), relative: 1e-15, source)
                    assertClose(J[i, 0], df(u) * x[i], relative: 1e-12, source)
                    assertClose(J[i, 1], df(u), relative: 1e-12, source)
                }
                assertJacobianMatchesFiniteDifferences(source, ["x": x, "y": x], theta)
            }
        }
    }

    func testPowerDerivatives() throws {
        let x = [-2.5, -1, 0.5, 3]          // negative bases for integer exponents
        let positive = [0.5, 1.2, 2, 3.5]
        let cases: [(String, [Double], [Double], (Double, [Double]) -> [Double])] = [
            // (formula, x, θ, closed-form J row)
            ("y = -(x-b1)^2", x, [0.7], { x, b in [2 * (x - b[0])] }),
            ("y = (x-b1)**3", x, [0.7], { x, b in [-3 * (x - b[0]) * (x - b[0])] }),
            ("y = (x-b1)^-1", x, [0.7], { x, b in [1 / ((x - b[0]) * (x - b[0]))] }),
            ("y = (x-b1)^-2", x, [0.7], { x, b in [2 / pow(x - b[0], 3)] }),
            ("y = (b1*x)^0.5", positive, [1.3], { x, b in [0.5 * x / (b[0] * x).squareRoot()] }),
            ("y = (b1*x)^2.5", positive, [1.3], { x, b in [2.5 * pow(b[0] * x, 1.5) * x] }),
            ("y = b1^x", positive, [1.7], { x, b in [x * pow(b[0], x - 1)] }),
            ("y = x^b1", positive, [1.7], { x, b in [pow(x, b[0]) * log(x)] }),
            ("y = (b1*x)^b2", positive, [1.3, 0.8],
             { x, b in [b[1] * pow(b[0] * x, b[1] - 1) * x, pow(b[0] * x, b[1]) * log(b[0] * x)] }),
            ("y = b1^b2 * x", positive, [1.3, 0.8],
             { x, b in [b[1] * pow(b[0], b[1] - 1) * x, pow(b[0], b[1]) * log(b[0]) * x] }),
            ("y = x^1 * b1", positive, [1.3], { x, _ in [x] }),
            ("y = 2^(b1*x)", positive, [0.9], { x, b in [pow(2, b[0] * x) * log(2) * x] }),
        ]
        for (source, xs, theta, row) in cases {
            let model = try model(source, ["x": xs, "y": xs])
            let (J, ok) = jacobian(model, theta)
            XCTAssertTrue(ok, source)
            for i in 0..<xs.count {
                let expected = row(xs[i], theta)
                for j in 0..<theta.count {
                    assertClose(J[i, j], expected[j], relative: 1e-12, "\(source) J[\(i), \(j)]")
                }
            }
            assertJacobianMatchesFiniteDifferences(source, ["x": xs, "y": xs], theta)
        }
        // Values with negative bases and integer exponents, against scalar evaluation.
        let model = try model("y = -(x-b1)^2 + (x-b1)^3 - 2^-2", ["x": x, "y": x])
        let fitted = model.fittedValues(at: [0.7])
        for i in 0..<x.count {
            XCTAssertEqual(fitted[i], -pow(x[i] - 0.7, 2) + pow(x[i] - 0.7, 3) - 0.25, accuracy: 1e-13)
        }
    }

    func testArithmeticDerivativesWithScalarAndVectorOperands() {
        let x = [0.5, 1.5, 2.5]
        let columns = ["x": x, "y": x]
        let sources = [
            "y = b1 + b2",             // scalar result broadcast over rows
            "y = b1 * b2 + x",
            "y = b1 / b2 * x",
            "y = x / b1 + b2",
            "y = b1 / x - b2",
            "y = (b1 - x) / (b2 + x)",
            "y = -b1 * x - b2",
            "y = b1 * b1 * x + b2 * b1", // repeated parameters
            "y = exp(b1) * x / (1 + b2^2)",
            "y = sqrt(b1 * x) - log(b2) + abs(b1 - x)",
        ]
        for source in sources {
            assertJacobianMatchesFiniteDifferences(source, columns, [0.8, 1.7])
        }
    }

    func testTapeAgreesWithScalarEvaluation() throws {
        let x = [0.2, 0.9, 1.6, 2.3, 3.0]
        let x2 = [1.0, 0.5, 2.0, 4.0, 0.25]
        let sources = [
            "y = b1/(1+exp(b2-b3*x))",
            "y = b1*sin(b2*x + x2) - cos(x2)^2 * b3",
            "y = (b1 + x*x2)^(b2/3) - atan(b3*x2 - x)",
            "y = tan(b1*x/4) + abs(b2 - x2) * sqrt(x2) / b3",
            "y = 3*pi*b1 - 2^-x*b2 + b3^2^0.5",
        ]
        let theta = [1.1, 0.7, 0.4]
        for source in sources {
            let formula = try Formula(parsing: source)
            let model = try FormulaModel(formula: formula, data: DataTable(columns: ["x": x, "x2": x2, "y": x], order: ["x", "x2", "y"]))
            let fitted = model.fittedValues(at: theta)
            for i in 0..<x.count {
                var bindings = ["x": x[i], "x2": x2[i]]
                for (j, name) in model.parameterNames.enumerated() { bindings[name] = theta[j] }
                let expected = try XCTUnwrap(formula.rhs.evaluate(bindings))
                assertClose(fitted[i], expected, relative: 1e-14, source)
            }
            assertJacobianMatchesFiniteDifferences(source, ["x": x, "x2": x2, "y": x], theta)
        }
    }

    // MARK: Logistic model

    func testLogisticJacobianMatchesAnalyticDerivatives() throws {
        let x = (0..<24).map { Double($0) * 0.5 }
        let y = x.map { 10 / (1 + exp(3 - 0.8 * $0)) + 0.01 * sin($0) }
        let model = try model("y = b1/(1+exp(b2-b3*x))", ["x": x, "y": y])
        XCTAssertEqual(model.parameterNames, ["b1", "b2", "b3"])
        let b = [9.5, 2.7, 0.75]
        var r = [Double](repeating: 0, count: 24)
        XCTAssertTrue(model.residuals(at: b, into: &r))
        var J = Matrix(rows: 24, columns: 3)
        XCTAssertTrue(model.jacobian(at: b, into: &J))
        for i in 0..<24 {
            let e = exp(b[1] - b[2] * x[i])
            let f = b[0] / (1 + e)
            assertClose(r[i], f - y[i], relative: 1e-13, scale: 1e-3)
            assertClose(J[i, 0], 1 / (1 + e), relative: 1e-12)
            assertClose(J[i, 1], -b[0] * e / ((1 + e) * (1 + e)), relative: 1e-12)
            assertClose(J[i, 2], b[0] * x[i] * e / ((1 + e) * (1 + e)), relative: 1e-12)
        }
    }

    func testJacobianAfterResidualsAtAnotherPointIsFresh() throws {
        let x = [0.0, 1, 2, 3, 4]
        let model = try model("y = b1/(1+exp(b2-b3*x))", ["x": x, "y": x])
        let reference = try self.model("y = b1/(1+exp(b2-b3*x))", ["x": x, "y": x])
        let theta1 = [5.0, 1, 0.5], theta2 = [6.0, 2, 0.9]
        var r: [Double] = []
        // Same point: values are reused. Another point: everything is recomputed.
        XCTAssertTrue(model.residuals(at: theta1, into: &r))
        XCTAssertEqual(jacobian(model, theta1).0, jacobian(reference, theta1).0)
        XCTAssertTrue(model.residuals(at: theta1, into: &r))
        XCTAssertEqual(jacobian(model, theta2).0, jacobian(reference, theta2).0)
        _ = model.fittedValues(at: theta1)
        XCTAssertEqual(jacobian(model, theta2).0, jacobian(reference, theta2).0)
        XCTAssertEqual(model.fittedValues(at: theta2), reference.fittedValues(at: theta2))
    }

    func testConcurrentEvaluationOfOneModel() throws {
        let x = (0..<50).map { Double($0) / 5 }
        let model = try model("y = b1/(1+exp(b2-b3*x))", ["x": x, "y": x])
        let points = (0..<16).map { [5 + Double($0), 1 + 0.1 * Double($0), 0.5] }
        let expected = points.map { jacobian(model, $0).0 }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 64) { k in
            let theta = points[k % points.count]
            for _ in 0..<200 {
                var J = Matrix(rows: 0, columns: 0)
                var r: [Double] = []
                let ok = model.residuals(at: theta, into: &r) && model.jacobian(at: theta, into: &J)
                if !ok || J != expected[k % points.count] {
                    mismatches.withLock { $0 += 1 }
                }
            }
        }
        XCTAssertEqual(mismatches.withLock { $0 }, 0)
    }

    func testOutputSizesAreAdjusted() throws {
        let model = try model("y = b1*x + b2", ["x": [1, 2, 3], "y": [2, 4, 6]])
        var r = [Double](repeating: 7, count: 10)
        XCTAssertTrue(model.residuals(at: [2, 0], into: &r))
        XCTAssertEqual(r, [0, 0, 0])
        var J = Matrix(rows: 1, columns: 1)
        XCTAssertTrue(model.jacobian(at: [2, 0], into: &J))
        XCTAssertEqual(J, Matrix([[1, 1], [2, 1], [3, 1]]))
    }

    func testScalarRightSideAndConstantLeftSide() throws {
        let constant = try model("y = b1", ["y": [1, 2, 4]])
        XCTAssertEqual(constant.fittedValues(at: [3]), [3, 3, 3])
        XCTAssertEqual(jacobian(constant, [3]).0, Matrix([[1], [1], [1]]))
        var r: [Double] = []
        XCTAssertTrue(constant.residuals(at: [3], into: &r))
        XCTAssertEqual(r, [2, 1, -1])

        let implicit = try model("0 = b1*x - y", ["x": [1, 2], "y": [2, 5]])
        XCTAssertEqual(implicit.observedValues, [0, 0])
        XCTAssertTrue(implicit.residuals(at: [2], into: &r))
        XCTAssertEqual(r, [0, -1])
    }

    func testDomainErrorsAtParametersReturnFalse() throws {
        let model = try model("y = log(b1*x) + b2", ["x": [1, 2], "y": [0, 1]])
        var r: [Double] = []
        var J = Matrix(rows: 2, columns: 2)
        XCTAssertTrue(model.residuals(at: [1, 0], into: &r))
        XCTAssertFalse(model.residuals(at: [-1, 0], into: &r))
        XCTAssertTrue(r[0].isNaN)
        XCTAssertFalse(model.jacobian(at: [-1, 0], into: &J))
        XCTAssertFalse(model.jacobian(at: [0, 0], into: &J), "d log(u)/du at u = 0 is infinite")
        XCTAssertTrue(model.jacobian(at: [1, 0], into: &J))
        XCTAssertEqual(J, Matrix([[1, 1], [1, 1]]))
    }

    // MARK: Model errors

    func testLeftSideMustBeData() throws {
        let data = try csv("x,y2\n1,2\n3,4\n")
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = b1*x"), data: data)) { error in
            // 'y2', not 'x': one letter for another is no misspelling.
            XCTAssertEqual("\(error)", "formula: 'y' on the left of '=' is not a column of data.csv; did you mean 'y2'? (columns: x, y2)")
        }
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "b1 = b1*x + y2"), data: data)) { error in
            XCTAssertEqual(
                "\(error)",
                "formula: parameter 'b1' appears on the left of '='; the left side may only use columns of data.csv (columns: x, y2)")
        }
    }

    func testNoParameters() throws {
        let data = try csv("x,y\n1,2\n")
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = 2*x + pi"), data: data)) { error in
            XCTAssertEqual(
                "\(error)",
                "formula: 'y = 2*x + pi' has no parameters to fit: every name on the right of '=' is a column of data.csv")
        }
    }

    func testNoRows() {
        let data = DataTable(columns: ["x": [], "y": []], order: ["x", "y"])
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = b1*x"), data: data)) { error in
            XCTAssertEqual("\(error)", "formula: the data has no data rows")
        }
    }

    func testNonFiniteDataOnEitherSide() throws {
        let data = try csv("x,y\n1,2\n2,3\n\n0,-1\n")   // the third data row is on line 5
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "log(y) = b1 + b2*x"), data: data)) { error in
            XCTAssertEqual("\(error)", "formula: log(y) on the left of '=' is not a finite number on line 5 of data.csv (y = -1)")
        }
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = b1 * log(x)"), data: data)) { error in
            XCTAssertEqual("\(error)", "formula: log(x) on the right of '=' is not a finite number on line 5 of data.csv (x = 0)")
        }
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = b1 * (log(x)/(x+1))"), data: data)) { error in
            XCTAssertEqual("\(error)", "formula: log(x) / (x + 1) on the right of '=' is not a finite number on line 5 of data.csv (x = 0)")
        }
        XCTAssertThrowsError(try FormulaModel(formula: Formula(parsing: "y = b1 * log(-1)"), data: data)) { error in
            XCTAssertEqual(
                "\(error)",
                "formula: log(-1) on the right of '=' is not a finite number on every row of data.csv (it is a constant)")
        }
        // An intermediate infinity that the data-only part absorbs is fine: exp(-1/0) = 0.
        let absorbed = try FormulaModel(formula: Formula(parsing: "y = b1 * exp(-1/(x*x))"), data: data)
        XCTAssertEqual(absorbed.fittedValues(at: [2])[2], 0)
        XCTAssertEqual(absorbed.observationCount, 3)
    }
}
