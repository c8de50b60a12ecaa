import Foundation
import XCTest

/// Rough edges a new user hit on the command line (issue 11), through the built `uptake`:
///
/// - an unknown command is named as one, with the list of commands (not "3 unexpected
///   arguments");
/// - a negative or malformed `--seed`, `--paths`, `--jobs` (and the other numeric options)
///   gets a sentence saying what is valid, not "Missing value";
/// - `--out` naming an existing file is refused before anything runs, in one line;
/// - counts agree with their nouns ("1 observation"), and a message names a path once.
///
/// Every bad input: exit 2, one `error:` line on stderr, nothing on stdout.
final class CommandLineUsageTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try scratchDirectory("uptake-usage-tests")
        let scenario = RunCommandTests.packageRoot.appendingPathComponent("Scenarios/hai-chau-noncash-streets.yaml")
        try FileManager.default.copyItem(at: scenario, to: directory.appendingPathComponent("streets.yaml"))
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func assertOneLineError(_ result: ExecutableRunner.Result, _ parts: [String], notContaining forbidden: [String] = [],
                                    file: StaticString = #filePath, line: UInt = #line) {
        let context = "stderr: \(result.stderr.debugDescription)"
        XCTAssertEqual(result.exitCode, 2, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", context, file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line; \(context)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), context, file: file, line: line)
        for part in parts {
            XCTAssertTrue(result.stderr.contains(part), "'\(part)' in \(context)", file: file, line: line)
        }
        for part in forbidden + ["Missing value", "unexpected argument", "NSCocoaErrorDomain"] {
            XCTAssertFalse(result.stderr.contains(part), "'\(part)' in \(context)", file: file, line: line)
        }
    }

    // MARK: Unknown commands

    func testAnUnknownCommandIsNamedWithTheListOfCommands() throws {
        let commands = "commands are run, check, validate, init, fit, compare, backtest"
        assertOneLineError(try uptake(["frobnicate", "a", "b"]), ["unknown command 'frobnicate'", commands, "uptake --help"])
        assertOneLineError(try uptake(["chek", "streets.yaml"]), ["unknown command 'chek'", "did you mean 'check'?", commands])
        // A scenario file given without a command.
        assertOneLineError(try uptake(["streets.yaml"]), ["unknown command 'streets.yaml'", "uptake run streets.yaml"])
        // The commands, help and options still parse as before.
        XCTAssertEqual(try uptake(["help", "run"]).exitCode, 0)
        XCTAssertEqual(try uptake(["--version"]).exitCode, 0)
    }

    // MARK: Numbers

    func testNegativeAndMalformedNumbersGetASentenceSayingWhatIsValid() throws {
        let seedRange = "--seed must be a whole number from 0 to 18446744073709551615 (2^64 − 1)"
        for seed in ["-1", "1.5", "18446744073709551616", "abc"] {
            assertOneLineError(try uptake(["run", "streets.yaml", "--seed", seed]), [seedRange, "got '\(seed)'"])
        }
        assertOneLineError(try uptake(["check", "streets.yaml", "--seed", "-7"]), [seedRange, "'-7'", "uptake check --help"])
        assertOneLineError(try uptake(["run", "streets.yaml", "--paths", "-5"]), ["--paths must be between 1 and 10,000,000, got -5"])
        assertOneLineError(try uptake(["check", "streets.yaml", "--jobs", "-1"]), ["--jobs must be at least 1, got -1"])
        assertOneLineError(try uptake(["backtest", "streets.yaml", "--holdout", "-2"]), ["--holdout must be at least 1, got -2"])
        assertOneLineError(try uptake(["compare", "a", "b", "--tolerance", "-0.1"]), ["--tolerance must be a number ≥ 0, got -0.1"])
        assertOneLineError(try uptake(["fit", "--formula", "y = a*x", "--data", "x.csv", "--start", "a=1", "--max-evaluations", "-3"]),
                           ["--max-evaluations must be a positive whole number, got -3"])
        // Nothing ran: no results folder.
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("Results").path))
    }

    func testTheLargestSeedIsAccepted() throws {
        let result = try uptake(["check", "streets.yaml", "--seed", "18446744073709551615", "--paths", "200"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
    }

    // MARK: --out

    func testOutNamingAFileIsRefusedBeforeAnythingRuns() throws {
        try write("taken", "not a folder\n")
        for out in ["taken", "taken/inside"] {
            let result = try uptake(["run", "streets.yaml", "--paths", "200", "--out", out])
            let culprit = out == "taken" ? "it" : "'taken'"
            assertOneLineError(result, ["--out \(out): \(culprit) is a file, not a folder"])
        }
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("taken"), encoding: .utf8), "not a folder\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["streets.yaml", "taken"],
                       "nothing written")
        assertOneLineError(try uptake(["run", "streets.yaml", "--out", ""]), ["--out is empty"])
    }

    // MARK: Wording

    func testCountsAgreeWithTheirNouns() throws {
        let validated = try uptake(["validate", "streets.yaml"])
        XCTAssertEqual(validated.exitCode, 0, validated.stderr)
        XCTAssertTrue(validated.stdout.contains("(hai-chau-noncash-streets: 1 observation, 1 target)"), validated.stdout)

        try write("one.csv", "x,y\n1,2\n")
        assertOneLineError(try uptake(["fit", "--formula", "y = a + b*x", "--data", "one.csv", "--start", "a=1,b=1"]),
                           ["one.csv has 1 data row but the formula has 2 parameters"])
        try write("short.csv", RunCommandTests.forecastHeader + "\nx,baseline\n")
        assertOneLineError(try uptake(["compare", "short.csv", "short.csv"]), ["short.csv:2:3: 2 values but the header names 10 columns"])
    }

    func testAMessageNamesItsPathOnce() throws {
        try write("data.csv", "period,value\n2020,1\n")
        let notForecast = try uptake(["compare", "data.csv", "data.csv"])
        assertOneLineError(notForecast, ["data.csv:1:1: not a forecast file: expected columns scenario,"])
        XCTAssertEqual(notForecast.stderr.components(separatedBy: "data.csv").count - 1, 1, notForecast.stderr)

        try write("missing-data.yaml", "id: missing-data\nmetric: {name: n, kind: count}\ndata: nowhere.csv\n"
            + "forecast: {horizon: 2026-12-31}\n")
        let missing = try uptake(["validate", "missing-data.yaml"])
        assertOneLineError(missing, ["missing-data.yaml:3:7: data file 'nowhere.csv' not found; the path is relative to the scenario file"])
        XCTAssertEqual(missing.stderr.components(separatedBy: "nowhere.csv").count - 1, 1, missing.stderr)

        let twice = try uptake(["check", "streets.yaml", "streets.yaml", "--paths", "200"])
        XCTAssertEqual(twice.exitCode, 2, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("error: streets.yaml is given twice; a batch runs each file once"), twice.stderr)
    }
}
