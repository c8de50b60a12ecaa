import Foundation
import XCTest

/// The hostile-input corpus of issue 14 (`Hostile/`, written by `Hostile/make-fixtures.py`)
/// through the built `uptake`. Every case must end in exit 0 or 2 — never a signal — within
/// 10 s, with one `error:` line (escaped, of readable length) where the input is bad; and a
/// good bundled scenario in the same batch (vung-tau-market-qr, --paths 500) must still run.
///
/// The fixes these pin down: strict dates (years 0001–9999, no sign: `CalendarDate`), the
/// forecast budget (`ForecastBudget`), the YAML shape check before Yams composes
/// (`YAMLShapeCheck`), the formula limits (`Formula.maximumNesting`, `maximumOperations`,
/// the tape compiled without recursion), and values cut and escaped in messages (`PrintableText`).
final class HostileInputTests: XCTestCase {
    private static let hostile = RunCommandTests.packageRoot
        .appendingPathComponent("Tests/UptakeCLITests/Hostile")
    private static let goodID = "vung-tau-market-qr"
    private static let goodFile = "vung-tau-market-qr.yaml"
    /// The must-show's bound on one command.
    private static let seconds = 10.0

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.hostile.path) {
            try FileManager.default.copyItem(at: Self.hostile.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let good = RunCommandTests.packageRoot.appendingPathComponent("Scenarios").appendingPathComponent(Self.goodFile)
        try FileManager.default.copyItem(at: good, to: directory.appendingPathComponent(Self.goodFile))
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: Scenario files, each in a batch with a good one

    /// A CSV `period` of -999 crashed validate, run and check (SIGILL in `endOfMonth`).
    func testPeriodMinus999IsAYearError() throws {
        try assertBadScenario("period-minus-999", at: "period-minus-999.csv:2:1",
                              saying: "period must be a year YYYY from 0001 to 9999 (read as YYYY-12-31), got '-999'")
    }

    /// A key that is a nested alias ("billion laughs") took minutes in Yams' duplicate-key check.
    func testBillionLaughsKeyIsRejectedAtOnce() throws {
        try assertBadScenario("alias-key-billion-laughs", at: "alias-key-billion-laughs.yaml:6:10",
                              saying: "aliases in this file stand for more than 100,000 values in all")
    }

    /// `horizon: 9999-12-31` took 3 minutes and 7.5 GB and wrote 172 MB.
    func testFarHorizonIsOverTheBudget() throws {
        try assertBadScenario("horizon-9999", at: "horizon-9999.yaml:11:12",
                              saying: "forecast.horizon 9999-12-31 is 95,718 months after the last observation (2023-06-30); "
                                + "a forecast reaches at most 1,200 months (100 years) past it")
    }

    /// `+202-03-31` was the year 202.
    func testSignedYearIsNotADate() throws {
        try assertBadScenario("plus-year-launch", at: "plus-year-launch.yaml:7:9",
                              saying: "launch must be a date YYYY-MM-DD, e.g. 2025-12-31, got '+202-03-31'")
        try assertBadScenario("plus-year-period", at: "plus-year-period.csv:2:1",
                              saying: "period must be a year YYYY from 0001 to 9999 (read as YYYY-12-31), got '+999'")
    }

    /// A 1 MB value (and a 1 MB key) was echoed whole.
    func testMegabyteValuesAreCut() throws {
        let cut = "'" + String(repeating: "x", count: 60) + "…'"
        try assertBadScenario("megabyte-value", at: "megabyte-value.yaml:5:9", saying: "metric.kind must be count or share, got \(cut)")
        let key = "'" + String(repeating: "k", count: 60) + "…'"
        try assertBadScenario("megabyte-key", at: "megabyte-key.yaml:7:3", saying: "unknown key \(key)")
    }

    /// CR-only line ends: the carriage return inside a quoted value is written `\r`.
    func testCarriageReturnIsEscaped() throws {
        try assertBadScenario("cr-only-line-ends", at: "cr-only-line-ends.csv:3:12", saying: #"value must be a number, got '1\r2'"#)
    }

    /// 800 KB of spaces around a quoted cell: valid, and read in linear time.
    func testLongPaddedCellIsReadInLinearTime() throws {
        for command in ["validate", "check", "run"] {
            let result = try batch(command, "quoted-cell-leading-spaces")
            XCTAssertEqual(result.exitCode, 0, "\(command): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("error:"), result.stderr)
            if command == "run" {
                XCTAssertTrue(folderExists("out/hostile-quoted-cell-leading-spaces"))
            }
        }
    }

    // MARK: Formulas

    /// Formulas that overflowed the stack of `uptake fit` (SIGSEGV): each is a one-line error
    /// that names the limit.
    func testFormulasOverTheLimitsAreOneLineErrors() throws {
        let nesting = "brackets, function calls, signs or exponents nest more than 200 levels deep"
        let cases = [
            ("formula-nested-parentheses", "\(nesting) at column 205"),
            ("formula-nested-abs", "\(nesting) at column 808"),
            ("formula-unary-minus", "\(nesting) at column 205"),
            ("formula-power-chain", "\(nesting) at column 409"),
            ("formula-long-sum", "more than 1,000 operations (operators, signs and function calls) at column 3507"),
        ]
        for (name, message) in cases {
            let formula = try String(contentsOf: directory.appendingPathComponent("\(name).txt"), encoding: .utf8)
                .trimmingCharacters(in: .newlines)
            let result = try timed(["fit", "--formula", formula, "--data", "formula-data.csv", "--start", "b1=1"])
            XCTAssertEqual(result.exitCode, 2, "\(name): \(result.stderr)")
            XCTAssertEqual(errorLines(result), ["error: formula: \(message) (the limit of Uptake's formulas); simplify the formula"], name)
        }
    }

    /// Just inside the limits, the same shapes fit.
    func testFormulasAtTheLimitsFit() throws {
        let nested = "y = " + String(repeating: "(", count: 200) + "b1*x" + String(repeating: ")", count: 200)
        let sum = "y = " + Array(repeating: "b1*x", count: 500).joined(separator: " + ")   // 999 operations
        for formula in [nested, sum] {
            let result = try timed(["fit", "--formula", formula, "--data", "formula-data.csv", "--start", "b1=1"])
            XCTAssertEqual(result.exitCode, 0, result.stderr)
        }
    }

    // MARK: Helpers

    /// `uptake validate|check|run NAME.yaml vung-tau-market-qr.yaml`: exit 2, exactly one error
    /// line `error: PLACE: MESSAGE…`, and the good scenario's results all the same.
    private func assertBadScenario(_ name: String, at place: String, saying message: String,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        for command in ["validate", "check", "run"] {
            let result = try batch(command, name)
            XCTAssertEqual(result.exitCode, 2, "\(command) \(name): \(result.stderr)", file: file, line: line)
            let errors = errorLines(result)
            XCTAssertEqual(errors.count, 1, "\(command) \(name): \(result.stderr)", file: file, line: line)
            let error = errors.first ?? ""
            XCTAssertTrue(error.hasPrefix("error: \(place): \(message)"), "\(command) \(name): \(error)", file: file, line: line)
            XCTAssertLessThan(error.count, 400, "\(command) \(name): a readable length", file: file, line: line)
            XCTAssertFalse(error.unicodeScalars.contains { $0.value < 0x20 }, "\(command) \(name): escaped", file: file, line: line)
            switch command {
            case "check":
                XCTAssertTrue(result.stdout.contains(Self.goodID), "check \(name): the good scenario's rows", file: file, line: line)
            case "run":
                XCTAssertTrue(folderExists("out/\(Self.goodID)"), "run \(name): the good scenario's folder", file: file, line: line)
                XCTAssertFalse(folderExists("out/hostile-\(name)"), "run \(name): nothing for the bad one", file: file, line: line)
            default:
                XCTAssertTrue(result.stdout.contains(Self.goodFile), "validate \(name): the good file is valid: \(result.stdout)",
                              file: file, line: line)
            }
        }
    }

    /// One command of the batch: the hostile file, then the good one.
    private func batch(_ command: String, _ name: String) throws -> ExecutableRunner.Result {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("out"))
        var arguments = [command, "\(name).yaml", Self.goodFile]
        switch command {
        case "run": arguments += ["--paths", "500", "--out", "out"]
        case "check": arguments += ["--paths", "500"]
        default: break
        }
        return try timed(arguments)
    }

    /// `uptake ARGUMENTS` in the scratch folder: never a signal, done within 10 s.
    private func timed(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ExecutableRunner.Result {
        let started = Date()
        let result = try ExecutableRunner.run("uptake", arguments, timeout: Self.seconds, currentDirectory: directory)
        let elapsed = Date().timeIntervalSince(started)
        let shown = arguments.map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }.joined(separator: " ")
        XCTAssertFalse(result.signalled, "uptake \(shown) ended by signal \(result.exitCode)", file: file, line: line)
        XCTAssertTrue([0, 2].contains(result.exitCode), "uptake \(shown) exited \(result.exitCode)", file: file, line: line)
        XCTAssertLessThan(elapsed, Self.seconds, "uptake \(shown)", file: file, line: line)
        return result
    }

    private func errorLines(_ result: ExecutableRunner.Result) -> [String] {
        result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") }
    }

    private func folderExists(_ relative: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.appendingPathComponent(relative).path, isDirectory: &isFolder)
            && isFolder.boolValue
    }
}
