import Foundation
import XCTest

/// End-to-end tests of the `uptake` command-line contract, run against the built executable
/// (see `ExecutableRunner`):
///
/// - bad input (formula, start values, data file, usage) → exactly one line on stderr that
///   starts with `error:` and names the problem, exit code 2, nothing on stdout;
/// - a fit that does not converge → the report is still printed, exit code 3;
/// - `--format json` has a fixed set of keys; `--help` and `--version` work.
final class FitCommandTests: XCTestCase {
    private static let logistic = "y = b1/(1+exp(b2-b3*x))"
    private static let logisticStart = "b1=100,b2=1,b3=0.1"

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("uptake-fit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: Helpers

    /// Writes `contents` to `name` in this test's temporary directory; returns its path.
    private func csv(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Logistic-curve data, 15 rows, with deterministic noise: fits well from `logisticStart`.
    private func logisticData() throws -> String {
        var text = "x,y\n"
        for i in 1...15 {
            let x = Double(i)
            let y = 72.5 / (1 + exp(2.6 - 0.4 * x)) + 0.3 * sin(x)
            text += "\(x),\(y)\n"
        }
        return try csv("logistic.csv", text)
    }

    /// Straight-line data through the origin, for the rank-deficient model y = a*b*x.
    private func lineData() throws -> String {
        var text = "x,y\n"
        for i in 1...10 {
            let x = Double(i)
            text += "\(x),\(2 * x + 0.05 * sin(3 * x))\n"
        }
        return try csv("line.csv", text)
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120)
    }

    private func fit(formula: String, data: String, start: String, _ extra: [String] = []) throws -> ExecutableRunner.Result {
        try uptake(["fit", "--formula", formula, "--data", data, "--start", start] + extra)
    }

    /// Asserts the bad-input contract: exit 2, nothing on stdout, one `error:` line on stderr
    /// containing every string in `keywords`, and no Swift error dump or crash report.
    private func assertBadInput(
        _ result: ExecutableRunner.Result,
        mentions keywords: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let context = "stderr: \(result.stderr.debugDescription)"
        XCTAssertEqual(result.exitCode, 2, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout must be empty; \(context)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasSuffix("\n"), "stderr must end with a newline; \(context)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 1, "stderr must be exactly one line; \(context)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), "stderr must start with 'error: '; \(context)", file: file, line: line)
        for keyword in keywords {
            XCTAssertTrue(result.stderr.contains(keyword), "stderr should mention \(keyword.debugDescription); \(context)",
                          file: file, line: line)
        }
        // No crash report and no raw Swift value such as `notAColumn(...)` or `Fitting.DataTableError`.
        for forbidden in ["Fatal error", "Stack dump", "Backtrace", "Fitting.", "ArgumentParser."] {
            XCTAssertFalse(result.stderr.contains(forbidden), "stderr contains \(forbidden.debugDescription); \(context)",
                           file: file, line: line)
        }
        XCTAssertNil(result.stderr.range(of: #"\b[a-z]+[A-Z][A-Za-z]*\("#, options: .regularExpression),
                     "stderr looks like a Swift error dump; \(context)", file: file, line: line)
    }

    private func parseJSON(
        _ text: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
    }

    // MARK: Bad formula

    func testMalformedFormulaNamesTheColumn() throws {
        let data = try logisticData()
        assertBadInput(try fit(formula: "y = b1 * * x", data: data, start: "b1=1"),
                       mentions: ["formula", "'*'", "column 10"])
        assertBadInput(try fit(formula: "y = b1/(1+exp(b2-b3*x)", data: data, start: Self.logisticStart),
                       mentions: ["formula", "missing ')'", "column 8"])
        assertBadInput(try fit(formula: "y b1*x", data: data, start: "b1=1"),
                       mentions: ["formula", "'='", "column 3"])
        assertBadInput(try fit(formula: "", data: data, start: "b1=1"),
                       mentions: ["formula", "empty"])
    }

    func testUnknownFunctionIsNamedWithItsColumn() throws {
        let result = try fit(formula: "y = b1/(1+foo(b2-b3*x))", data: try logisticData(), start: Self.logisticStart)
        assertBadInput(result, mentions: ["unknown function", "'foo'", "column 11"])
    }

    // MARK: Bad start values

    func testMissingStartValueNamesTheParameter() throws {
        let result = try fit(formula: Self.logistic, data: try logisticData(), start: "b1=100,b2=1")
        assertBadInput(result, mentions: ["--start", "missing", "'b3'"])
    }

    func testExtraStartValueNamesTheParameter() throws {
        let result = try fit(formula: Self.logistic, data: try logisticData(), start: Self.logisticStart + ",b4=2")
        assertBadInput(result, mentions: ["--start", "'b4'", "not a parameter"])
    }

    func testMalformedStartValues() throws {
        let data = try logisticData()
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=abc"), mentions: ["--start", "'b1'", "'abc'"])
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1,b1=2"), mentions: ["--start", "'b1'", "twice"])
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1"), mentions: ["--start", "'b1'", "name=value"])
    }

    // MARK: Formula and data disagree

    func testColumnThatDoesNotExistIsNamed() throws {
        let data = try logisticData()
        // On the left of '=' every name must be a column.
        assertBadInput(try fit(formula: "z = b1/(1+exp(b2-b3*x))", data: data, start: Self.logisticStart),
                       mentions: ["'z'", "not a column", "logistic.csv", "x, y"])
        // On the right a misspelt column becomes a parameter without a starting value.
        assertBadInput(try fit(formula: "y = b1*xx", data: data, start: "b1=1"),
                       mentions: ["missing", "'xx'", "did you mean 'x'?"])
    }

    func testNonFiniteLeftSideNamesTheLine() throws {
        let data = try csv("negative.csv", "x,y\n1,2\n2,-1\n3,4\n4,5\n")
        assertBadInput(try fit(formula: "log(y) = b1*x", data: data, start: "b1=1"),
                       mentions: ["log(y)", "not a finite number", "line 3", "negative.csv"])
    }

    func testFewerRowsThanParameters() throws {
        let data = try csv("two.csv", "x,y\n1,2\n2,3\n")
        assertBadInput(try fit(formula: Self.logistic, data: data, start: Self.logisticStart),
                       mentions: ["two.csv", "2 data rows", "3 parameters"])
    }

    // MARK: Bad data files

    func testNonNumericCellNamesFileLineAndColumn() throws {
        let data = try csv("cells.csv", "x,y\n1,2\n2,abc\n3,4\n")
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1"),
                       mentions: ["\(data):3:3: y must be a number, got 'abc'"])
    }

    func testNaNAndInfinityAreRejectedWithTheirLine() throws {
        for (name, value) in [("nan.csv", "NaN"), ("inf.csv", "inf"), ("neginf.csv", "-Infinity")] {
            let data = try csv(name, "x,y\n1,2\n2,3\n3,4\n\(value),5\n")
            assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1"),
                           mentions: ["\(name):5:1: x must be a finite number, got '\(value)'"])
        }
    }

    func testEmptyFile() throws {
        let data = try csv("empty.csv", "")
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1"), mentions: ["empty.csv", "empty"])
        let headerOnly = try csv("header.csv", "x,y\n")
        assertBadInput(try fit(formula: "y = b1*x", data: headerOnly, start: "b1=1"),
                       mentions: ["header.csv", "no data rows"])
    }

    func testMissingFileAndRaggedRow() throws {
        let missing = directory.appendingPathComponent("absent.csv").path
        assertBadInput(try fit(formula: "y = b1*x", data: missing, start: "b1=1"), mentions: [missing, "no such file"])
        let ragged = try csv("ragged.csv", "x,y\n1,2\n2,3,4\n3,4\n")
        assertBadInput(try fit(formula: "y = b1*x", data: ragged, start: "b1=1"),
                       mentions: ["ragged.csv:3:5: 3 values but the header names 2 columns"])
    }

    // MARK: Usage errors

    func testUsageErrorsAreOneLineWithExitCode2() throws {
        let data = try logisticData()
        assertBadInput(try uptake(["fit", "--data", data, "--start", "b1=1"]), mentions: ["--formula"])
        assertBadInput(try uptake(["fit", "--formula", "y = b1*x", "--data", data]), mentions: ["--start"])
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1", ["--bogus"]), mentions: ["--bogus"])
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1", ["--format", "xml"]),
                       mentions: ["--format", "'xml'", "table", "json", "csv"])
        assertBadInput(try fit(formula: "y = b1*x", data: data, start: "b1=1", ["--max-evaluations", "0"]),
                       mentions: ["--max-evaluations"])
        assertBadInput(try uptake(["frobnicate"]), mentions: ["frobnicate"])
    }

    // MARK: Successful fits

    func testTableReportShowsConvergenceAndParameters() throws {
        let result = try fit(formula: Self.logistic, data: try logisticData(), start: Self.logisticStart)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        XCTAssertTrue(result.stdout.contains("Converged"), result.stdout)
        XCTAssertFalse(result.stdout.contains("NOT CONVERGED"), result.stdout)
        for name in ["b1", "b2", "b3"] {
            XCTAssertNotNil(result.stdout.range(of: "(?m)^\(name) ", options: .regularExpression),
                            "no row for \(name): \(result.stdout)")
        }
    }

    func testJSONReportHasTheDocumentedKeys() throws {
        let result = try fit(formula: Self.logistic, data: try logisticData(), start: Self.logisticStart,
                             ["--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let json = try parseJSON(result.stdout)
        XCTAssertEqual(Set(json.keys), [
            "parameters", "rss", "residual_sd", "dof", "iterations", "evaluations",
            "converged", "termination", "unidentified",
        ])
        let parameters = try XCTUnwrap(json["parameters"] as? [String: Any])
        XCTAssertEqual(Set(parameters.keys), ["b1", "b2", "b3"])
        for (name, value) in parameters {
            let entry = try XCTUnwrap(value as? [String: Any], name)
            XCTAssertEqual(Set(entry.keys), ["estimate", "std_error", "lower_95", "upper_95"], name)
            XCTAssertNotNil(entry["estimate"] as? Double, name)
            let standardError = try XCTUnwrap(entry["std_error"] as? Double, name)
            XCTAssertGreaterThan(standardError, 0, name)
        }
        let b1 = try XCTUnwrap((parameters["b1"] as? [String: Any])?["estimate"] as? Double)
        XCTAssertEqual(b1, 72.5, accuracy: 1.0)
        XCTAssertEqual(json["converged"] as? Bool, true)
        XCTAssertEqual(json["dof"] as? Int, 12)
        XCTAssertNotNil(json["rss"] as? Double)
        XCTAssertNotNil(json["residual_sd"] as? Double)
        XCTAssertNotNil(json["iterations"] as? Int)
        XCTAssertNotNil(json["evaluations"] as? Int)
        XCTAssertNotNil(json["termination"] as? String)
        XCTAssertEqual((json["unidentified"] as? [Any])?.count, 0)
    }

    func testNonConvergedFitPrintsJSONAndExits3() throws {
        let data = try logisticData()
        let result = try fit(formula: Self.logistic, data: data, start: "b1=1,b2=10,b3=-1",
                             ["--format", "json", "--max-evaluations", "2"])
        XCTAssertEqual(result.exitCode, 3, result.stderr)
        let json = try parseJSON(result.stdout)
        XCTAssertEqual(json["converged"] as? Bool, false)
        XCTAssertEqual(json["termination"] as? String, "max_evaluations")
        XCTAssertNotNil(json["parameters"] as? [String: Any])

        let table = try fit(formula: Self.logistic, data: data, start: "b1=1,b2=10,b3=-1", ["--max-evaluations", "2"])
        XCTAssertEqual(table.exitCode, 3, table.stderr)
        XCTAssertTrue(table.stdout.contains("NOT CONVERGED"), table.stdout)
    }

    func testRankDeficientModelReportsUnidentifiedParameters() throws {
        let result = try fit(formula: "y = a*b*x", data: try lineData(), start: "a=1,b=3", ["--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let json = try parseJSON(result.stdout)
        let unidentified = try XCTUnwrap(json["unidentified"] as? [String])
        XCTAssertEqual(Set(unidentified), ["a", "b"])
        let parameters = try XCTUnwrap(json["parameters"] as? [String: [String: Any]])
        for name in ["a", "b"] {
            let entry = try XCTUnwrap(parameters[name], name)
            XCTAssertTrue(entry["std_error"] is NSNull, "\(name).std_error should be null: \(result.stdout)")
            XCTAssertNotNil(entry["estimate"] as? Double, name)
        }
        // The product a*b is identified even though a and b are not.
        let a = try XCTUnwrap(parameters["a"]?["estimate"] as? Double)
        let b = try XCTUnwrap(parameters["b"]?["estimate"] as? Double)
        XCTAssertEqual(a * b, 2, accuracy: 0.05)
    }

    // MARK: Help and version

    func testHelpShowsAnExample() throws {
        for arguments in [["--help"], ["fit", "--help"]] {
            let result = try uptake(arguments)
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, "", "\(arguments)")
            XCTAssertTrue(result.stdout.contains("Example:") || result.stdout.contains("Examples:"), "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("uptake fit --formula"), "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("--start"), "\(arguments): \(result.stdout)")
        }
    }

    func testVersion() throws {
        let result = try uptake(["--version"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        XCTAssertNotNil(result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression),
                        result.stdout.debugDescription)
    }
}
