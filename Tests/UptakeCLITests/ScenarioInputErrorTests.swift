import Foundation
import XCTest

/// Bad scenario files through the built `uptake` (see `ExecutableRunner`), each in a batch
/// with one good bundled scenario. For every kind of bad input DESIGN.md names ("Scenario
/// files"), a user sees:
///
/// - exactly one `error:` line on stderr, `error: FILE:LINE:COLUMN: message`, pointing at the
///   place in the file that is wrong and saying what would be valid;
/// - exit code 2;
/// - no output folder for the bad scenario (no partial files);
/// - the good scenario's results all the same: its folder, a summary.csv with its rows, report.html.
final class ScenarioInputErrorTests: XCTestCase {
    /// The good scenario of every batch: one observation, fast.
    private static let goodName = "hai-chau-noncash-streets.yaml"
    private static let goodID = "hai-chau-noncash-streets"

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("uptake-input-error-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bundled = RunCommandTests.packageRoot.appendingPathComponent("Scenarios").appendingPathComponent(Self.goodName)
        try FileManager.default.copyItem(at: bundled, to: directory.appendingPathComponent(Self.goodName))
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: The bad files

    /// A valid scenario; each case edits one thing in it.
    private static func scenario(
        id: String,
        metric: String = "  name: users\n  kind: count\n  ceiling: 1000",
        first: String = "  - {date: 2023-01-31, value: 100}",
        second: String = "  - {date: 2023-06-30, value: 200}",
        target: String = "  - {value: 500, by: 2025-12-31}",
        forecast: String = "  horizon: 2026-12-31"
    ) -> String {
        """
        id: bad-\(id)
        title: a scenario with one mistake
        metric:
        \(metric)
        observations:
        \(first)
        \(second)
        targets:
        \(target)
        forecast:
        \(forecast)

        """
    }

    /// `line`: the first line containing this text is where the error must point; `token`:
    /// the text on that line where its column must point (nil: any column, for YAML syntax
    /// errors, which the parser reports where it notices them).
    private struct Case {
        let id: String
        let yaml: String
        let line: String
        let token: String?
        let message: [String]
    }

    private func check(_ bad: Case, file: StaticString = #filePath, line: UInt = #line) throws {
        let badName = "bad-\(bad.id).yaml"
        let badPath = directory.appendingPathComponent(badName).path
        try bad.yaml.write(toFile: badPath, atomically: true, encoding: .utf8)
        let goodPath = directory.appendingPathComponent(Self.goodName).path
        let out = directory.appendingPathComponent("Results")

        // The bad file first: the batch goes on after it.
        let result = try ExecutableRunner.run("uptake", ["run", badPath, goodPath, "--paths", "2000", "--out", out.path],
                                              timeout: 120)
        XCTAssertEqual(result.exitCode, 2, "exit code; stderr: \(result.stderr)", file: file, line: line)

        // One clear error line naming file:line:column.
        let stderrLines = result.stderr.split(separator: "\n").map(String.init)
        let errors = stderrLines.filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, "one error line; stderr:\n\(result.stderr)", file: file, line: line)
        XCTAssertEqual(stderrLines.filter { !$0.hasPrefix("error:") && !$0.hasPrefix("uptake: [") }, [],
                       "stderr holds the error and progress only", file: file, line: line)
        if let error = errors.first {
            let lines = bad.yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let lineIndex = try XCTUnwrap(lines.firstIndex { $0.contains(bad.line) }, "test case: no line with '\(bad.line)'",
                                          file: file, line: line)
            var place = "error: \(badPath):\(lineIndex + 1):"
            if let token = bad.token {
                let text = lines[lineIndex]
                let at = try XCTUnwrap(text.range(of: token), "test case: no '\(token)' on its line", file: file, line: line)
                place += "\(text.distance(from: text.startIndex, to: at.lowerBound) + 1): "
            }
            XCTAssertTrue(error.hasPrefix(place), "'\(error)' should start with '\(place)'", file: file, line: line)
            if bad.token == nil {
                // Still file:line:column.
                let rest = error.dropFirst(place.count)
                XCTAssertTrue(rest.prefix { $0.isNumber }.count > 0 && rest.drop { $0.isNumber }.hasPrefix(": "),
                              "'\(error)' names a column", file: file, line: line)
            }
            for words in bad.message {
                XCTAssertTrue(error.contains(words), "'\(error)' should say '\(words)'", file: file, line: line)
            }
        }

        // No folder for the bad scenario; the good one's results are complete.
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(written, [Self.goodID, "report.html", "summary.csv"], "nothing but the good scenario's results", file: file, line: line)
        let goodFolder = out.appendingPathComponent(Self.goodID)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: goodFolder.path).sorted(),
                       ["families.csv", "fan.svg", "feasibility.csv", "fit.csv", "forecast.csv", "run.json"],
                       "the good scenario fits two families: families.csv too (issue 12)", file: file, line: line)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        let feasibility = try String(contentsOf: goodFolder.appendingPathComponent("feasibility.csv"), encoding: .utf8)
        XCTAssertEqual(summary, feasibility, "summary.csv holds the good scenario's rows", file: file, line: line)
        XCTAssertGreaterThan(summary.split(separator: "\n").count, 1, "summary.csv has rows", file: file, line: line)
        XCTAssertTrue(summary.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix(Self.goodID + ",") },
                      file: file, line: line)
    }

    // MARK: One test per kind of bad input

    func testMalformedYAML() throws {
        // An unclosed flow mapping: the parser notices on the next line.
        try check(Case(id: "yaml", yaml: Self.scenario(id: "yaml", first: "  - {date: 2023-01-31, value: 100"),
                       line: "2023-06-30", token: nil, message: ["not valid YAML"]))
    }

    func testMalformedYAMLAtItsColumn() throws {
        try check(Case(id: "colon", yaml: Self.scenario(id: "colon", metric: "  name: users: and more\n  kind: count"),
                       line: "name: users:", token: ": and more", message: ["not valid YAML"]))
    }

    func testUnknownKeySuggestsTheNearestKey() throws {
        try check(Case(id: "key", yaml: Self.scenario(id: "key", forecast: "  horizon: 2026-12-31\n  seeed: 3"),
                       line: "seeed", token: "seeed", message: ["unknown key 'seeed'", "did you mean 'seed'?"]))
    }

    func testUnknownTopLevelKeySuggestsTheNearestKey() throws {
        let yaml = Self.scenario(id: "top-key").replacingOccurrences(of: "observations:", with: "obervations:")
        try check(Case(id: "top-key", yaml: yaml, line: "obervations:", token: "obervations",
                       message: ["unknown key 'obervations'", "did you mean 'observations'?"]))
    }

    func testWrongType() throws {
        try check(Case(id: "type", yaml: Self.scenario(id: "type", second: "  - {date: 2023-06-30, value: lots}"),
                       line: "value: lots", token: "lots", message: ["observations[2].value must be a number", "lots"]))
    }

    func testDatesOutOfOrder() throws {
        try check(Case(id: "order", yaml: Self.scenario(id: "order", second: "  - {date: 2022-06-30, value: 200}"),
                       line: "2022-06-30", token: "2022-06-30", message: ["before the previous observation"]))
    }

    func testDuplicatedDates() throws {
        try check(Case(id: "duplicate", yaml: Self.scenario(id: "duplicate", second: "  - {date: 2023-01-31, value: 200}"),
                       line: "2023-01-31, value: 200", token: "2023-01-31", message: ["appears twice"]))
    }

    func testNegativeCount() throws {
        try check(Case(id: "negative", yaml: Self.scenario(id: "negative", second: "  - {date: 2023-06-30, value: -5}"),
                       line: "value: -5", token: "-5", message: ["cannot be negative"]))
    }

    func testShareAboveOneHundredPercent() throws {
        let yaml = Self.scenario(id: "share", metric: "  name: users_pct\n  kind: share\n  unit: percent",
                                 first: "  - {date: 2023-01-31, value: 40}", second: "  - {date: 2023-06-30, value: 120}",
                                 target: "  - {value: 90, by: 2025-12-31}")
        try check(Case(id: "share", yaml: yaml, line: "value: 120", token: "120", message: ["between 0 and 100"]))
    }

    func testTargetAboveFixedCeiling() throws {
        try check(Case(id: "ceiling", yaml: Self.scenario(id: "ceiling", target: "  - {value: 1500, by: 2025-12-31}"),
                       line: "value: 1500", token: "1500", message: ["above metric.ceiling", "1000"]))
    }

    func testHorizonBeforeLastObservation() throws {
        let yaml = Self.scenario(id: "horizon", target: "  - {value: 500, by: 2023-03-31}", forecast: "  horizon: 2023-04-30")
        try check(Case(id: "horizon", yaml: yaml, line: "horizon: 2023-04-30", token: "2023-04-30",
                       message: ["after the last observation", "2023-06-30"]))
    }

    func testZeroPaths() throws {
        try check(Case(id: "paths-zero", yaml: Self.scenario(id: "paths-zero", forecast: "  horizon: 2026-12-31\n  paths: 0"),
                       line: "paths: 0", token: "0", message: ["forecast.paths must be between 1 and 10,000,000"]))
    }

    func testTwentyMillionPaths() throws {
        let yaml = Self.scenario(id: "paths-many", forecast: "  horizon: 2026-12-31\n  paths: 20000000")
        try check(Case(id: "paths-many", yaml: yaml, line: "paths: 20000000", token: "20000000",
                       message: ["forecast.paths must be between 1 and 10,000,000"]))
    }

    func testMissingDataFile() throws {
        let yaml = Self.scenario(id: "data").replacingOccurrences(
            of: "observations:\n  - {date: 2023-01-31, value: 100}\n  - {date: 2023-06-30, value: 200}",
            with: "data: data/missing.csv")
        XCTAssertTrue(yaml.contains("data: data/missing.csv"))
        try check(Case(id: "data", yaml: yaml, line: "data: data/missing.csv", token: "data/missing.csv",
                       message: ["data file 'data/missing.csv' not found"]))
    }

    /// DESIGN.md: "values of a percent share that are all ≤ 1 (probably fractions: say so)" —
    /// 0.47 with `unit: percent` and a target of 90 would otherwise give a confident verdict.
    func testPercentShareGivenAsFractions() throws {
        let yaml = Self.scenario(id: "fractions", metric: "  name: users_pct\n  kind: share\n  unit: percent",
                                 first: "  - {date: 2023-01-31, value: 0.41}", second: "  - {date: 2023-06-30, value: 0.47}",
                                 target: "  - {value: 90, by: 2025-12-31}")
        try check(Case(id: "fractions", yaml: yaml, line: "unit: percent", token: "percent",
                       message: ["look like fractions of 1", "a percent metric takes 47 for 47 %"]))
    }

    /// A target above a ceiling range's max can never be met under that ceiling.
    func testTargetAboveCeilingRangeMax() throws {
        let yaml = Self.scenario(id: "range-target", metric: "  name: users\n  kind: count\n  ceiling: {min: 400, max: 450}",
                                 target: "  - {value: 500, by: 2025-12-31}")
        try check(Case(id: "range-target", yaml: yaml, line: "value: 500", token: "500",
                       message: ["above metric.ceiling.max (450)", "can never be met"]))
    }

    /// A ceiling range whose max is below the data.
    func testCeilingRangeBelowTheData() throws {
        let yaml = Self.scenario(id: "range-data", metric: "  name: users\n  kind: count\n  ceiling: {min: 120, max: 150}",
                                 target: "  - {value: 140, by: 2025-12-31}")
        try check(Case(id: "range-data", yaml: yaml, line: "value: 200", token: "200",
                       message: ["above metric.ceiling.max (150)"]))
    }

    /// A scenario saved by Windows Notepad starts with a UTF-8 byte-order mark: YAML and JSON
    /// alike validate, and the YAML one runs.
    func testScenarioWithAByteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let goodPath = directory.appendingPathComponent(Self.goodName).path
        let yaml = try Data(contentsOf: URL(fileURLWithPath: goodPath))
        try Data(bom + yaml).write(to: URL(fileURLWithPath: goodPath))
        let json = #"{"id": "bom-json", "metric": {"name": "n", "kind": "count"}, "#
            + #""observations": [{"date": "2023-01-31", "value": 100}], "forecast": {"horizon": "2026-12-31"}}"#
        let jsonPath = directory.appendingPathComponent("bom.json").path
        try Data(bom + Array(json.utf8)).write(to: URL(fileURLWithPath: jsonPath))

        let validated = try ExecutableRunner.run("uptake", ["validate", goodPath, jsonPath], timeout: 120)
        XCTAssertEqual(validated.exitCode, 0, validated.stderr)
        XCTAssertEqual(validated.stderr, "")
        XCTAssertEqual(validated.stdout.split(separator: "\n").filter { $0.hasPrefix("ok  ") }.count, 2, validated.stdout)

        let out = directory.appendingPathComponent("Results")
        let run = try ExecutableRunner.run("uptake", ["run", goodPath, "--paths", "2000", "--out", out.path], timeout: 120)
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(Self.goodID + "/feasibility.csv").path))
    }

    /// `validate` rejects what `run` rejects: an id that two files of the batch use, naming
    /// both; and it counts in words a planner reads ("1 observation", not "1 observations").
    func testValidateReportsADuplicateIDNamingBothFiles() throws {
        let goodPath = directory.appendingPathComponent(Self.goodName).path
        let copyPath = directory.appendingPathComponent("copy.yaml").path
        try FileManager.default.copyItem(atPath: goodPath, toPath: copyPath)
        let result = try ExecutableRunner.run("uptake", ["validate", goodPath, copyPath], timeout: 120)
        XCTAssertEqual(result.exitCode, 2, result.stderr)
        XCTAssertEqual(result.stderr,
                       "error: \(copyPath): id '\(Self.goodID)' is also used by \(goodPath); ids must be unique in a batch\n")
        XCTAssertEqual(result.stdout, "ok  \(goodPath)  (\(Self.goodID): 1 observation, 1 target)\n")
    }

    /// `validate` reports every bad file the same way, one line each, and still says ok for
    /// the good one.
    func testValidateReportsEveryBadFileAndTheGoodOne() throws {
        let bad = [
            Self.scenario(id: "a", second: "  - {date: 2023-06-30, value: -5}"),
            Self.scenario(id: "b", forecast: "  horizon: 2026-12-31\n  paths: 0"),
            Self.scenario(id: "c", first: "  - {date: 2023-01-31, value: 100"),
        ]
        for (index, yaml) in bad.enumerated() {
            try yaml.write(to: directory.appendingPathComponent("bad-\(index).yaml"), atomically: true, encoding: .utf8)
        }
        let result = try ExecutableRunner.run("uptake", ["validate", directory.path], timeout: 120)
        XCTAssertEqual(result.exitCode, 2)
        let errors = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(errors.count, bad.count, result.stderr)
        for index in bad.indices {
            XCTAssertEqual(errors.filter { $0.hasPrefix("error: \(directory.path)/bad-\(index).yaml:") }.count, 1, result.stderr)
        }
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix("ok") && result.stdout.contains(Self.goodName), result.stdout)
    }
}
