import Foundation
import XCTest

/// End-to-end tests of `uptake compare` and `uptake backtest` (issue 5), run against the built
/// executable and judged by what a user sees: stdout, stderr and the exit code.
///
/// - compare of a Results folder with itself: zero differences, exit 0;
/// - a perturbed copy with --tolerance: exit 1 and the offending rows named; a row missing
///   from B is named too;
/// - --actuals (scenario,date,value and hubverse layouts): WIS, coverage, relative WIS;
/// - bad input, exit 2 with one clear line: a CSV that is not a forecast file, mismatched
///   scenarios, actuals that match no forecast date;
/// - backtest with --holdout on a small scenario: scores ≥ 0 and coverage in [0, 1].
///
/// The Results folder comes from `uptake run` on a copy of the bundled vung-tau-market-qr
/// scenario (monthly grid, a location with a comma) with --paths 1000.
final class CompareCommandTests: XCTestCase {
    private static let scenario = "vung-tau-market-qr"
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("uptake-compare-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: Helpers

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    private func write(_ name: String, _ text: String) throws {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    private func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: directory.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// `uptake run` on a copy of the bundled scenario, into `Results/`.
    private func makeResults() throws {
        let source = RunCommandTests.packageRoot.appendingPathComponent("Scenarios/\(Self.scenario).yaml")
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent("\(Self.scenario).yaml"))
        let run = try uptake(["run", "\(Self.scenario).yaml", "--paths", "1000", "--out", "Results"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
    }

    /// A copy of Results/ whose forecast.csv went through `edit` (rows without the header).
    private func copyResults(to name: String, edit: ([[String]]) -> [[String]]) throws {
        try FileManager.default.copyItem(at: directory.appendingPathComponent("Results"), to: directory.appendingPathComponent(name))
        let path = "\(name)/\(Self.scenario)/forecast.csv"
        let rows = try CSV.parse(try text(path))
        let edited = [rows[0]] + edit(Array(rows.dropFirst()))
        try write(path, edited.map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n")
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func json(_ stdout: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], stdout)
    }

    private func assertOneLineError(_ result: ExecutableRunner.Result, contains parts: [String],
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.exitCode, 2, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr, file: file, line: line)
        for part in parts {
            XCTAssertTrue(result.stderr.contains(part), "'\(part)' in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertEqual(result.stdout, "", file: file, line: line)
    }

    // MARK: compare

    /// The contract compare relies on: column names and order, ISO dates, quantile values
    /// non-decreasing in the level, cdf values in [0, 1].
    func testForecastFileContract() throws {
        try makeResults()
        let rows = try CSV.parse(try text("Results/\(Self.scenario)/forecast.csv"))
        XCTAssertEqual(rows[0], RunCommandTests.forecastHeader.split(separator: ",").map(String.init))
        var quantiles: [String: [(Double, Double)]] = [:]
        for row in rows.dropFirst() {
            XCTAssertTrue(ISODate.isValid(row[4]) && ISODate.isValid(row[6]), "\(row)")
            let value = try XCTUnwrap(Double(row[9]), "\(row)")
            switch row[7] {
            case "quantile": quantiles[row[1] + row[6], default: []].append((try XCTUnwrap(Double(row[8])), value))
            case "cdf": XCTAssertTrue((0...1).contains(value), "cdf \(value)")
            default: break
            }
        }
        XCTAssertFalse(quantiles.isEmpty)
        for (key, pairs) in quantiles {
            let sorted = pairs.sorted { $0.0 < $1.0 }
            XCTAssertEqual(sorted.count, 23, key)
            for (a, b) in zip(sorted, sorted.dropFirst()) { XCTAssertLessThanOrEqual(a.1, b.1, "\(key): \(a) then \(b)") }
        }
    }

    func testResultsFolderAgainstItselfHasNoDifferences() throws {
        try makeResults()
        let table = try uptake(["compare", "Results", "Results", "--tolerance", "0"])
        XCTAssertEqual(table.exitCode, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("only in A (missing from B): none"), table.stdout)
        XCTAssertTrue(table.stdout.contains("only in B (extra): none"), table.stdout)

        let csv = try uptake(["compare", "Results", "Results/\(Self.scenario)/forecast.csv", "--format", "csv"])
        XCTAssertEqual(csv.exitCode, 0, csv.stderr)
        let rows = try CSV.parse(csv.stdout)
        XCTAssertEqual(rows[0], ["scenario", "variant", "target_end_date", "status", "median_a", "median_b", "median_diff",
                                 "median_rel_diff", "width90_a", "width90_b", "width90_ratio"])
        XCTAssertGreaterThan(rows.count, 40, "one row per variant × month")
        for row in rows.dropFirst() {
            XCTAssertEqual(row[3], "both")
            XCTAssertEqual(Double(row[6]), 0, "\(row)")
            XCTAssertEqual(Double(row[7]), 0, "\(row)")
            XCTAssertEqual(Double(row[10]), 1, "\(row)")
        }

        let object = try json(try uptake(["compare", "Results", "Results", "--format", "json"]).stdout)
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(summary["in_both"] as? Int, rows.count - 1)
        XCTAssertEqual(summary["only_in_a"] as? Int, 0)
        XCTAssertEqual(summary["only_in_b"] as? Int, 0)
        XCTAssertEqual(summary["largest_median_rel_diff"] as? Double, 0)
    }

    func testPerturbedCopyFailsTheToleranceNamingTheRows() throws {
        try makeResults()
        let perturbed: Set<String> = ["2023-06-30", "2024-12-31"]
        // Every value of two dates × 1.1 (quantiles stay ordered; cdf rows untouched).
        try copyResults(to: "Perturbed") { rows in
            rows.map { row in
                guard perturbed.contains(row[6]), row[1] == "baseline", row[7] != "cdf", let v = Double(row[9]) else { return row }
                var copy = row
                copy[9] = "\(v * 1.1)"
                return copy
            }
        }
        let failing = try uptake(["compare", "Results", "Perturbed", "--tolerance", "0.05"])
        XCTAssertEqual(failing.exitCode, 1, failing.stderr)
        XCTAssertTrue(failing.stderr.contains("2 of "), failing.stderr)
        for date in perturbed {
            XCTAssertTrue(failing.stderr.contains("\(Self.scenario) baseline \(date)"), "row \(date) named: \(failing.stderr)")
        }
        XCTAssertTrue(failing.stderr.contains("+10 %"), failing.stderr)
        XCTAssertFalse(failing.stderr.contains("2022-08-31"), "unchanged rows are not named: \(failing.stderr)")

        // Within a looser tolerance, or without one: exit 0.
        XCTAssertEqual(try uptake(["compare", "Results", "Perturbed", "--tolerance", "0.2"]).exitCode, 0)
        XCTAssertEqual(try uptake(["compare", "Results", "Perturbed"]).exitCode, 0)

        // A row missing from B is listed, and fails a regression check.
        try copyResults(to: "Shorter") { rows in rows.filter { !($0[1] == "baseline" && $0[6] == "2026-12-31") } }
        let shorter = try uptake(["compare", "Results", "Shorter", "--tolerance", "0.2"])
        XCTAssertEqual(shorter.exitCode, 1, shorter.stderr)
        XCTAssertTrue(shorter.stderr.contains("\(Self.scenario) baseline 2026-12-31: only in A"), shorter.stderr)
        XCTAssertTrue(shorter.stdout.contains("only in A (missing from B): 1\n  \(Self.scenario) baseline 2026-12-31"), shorter.stdout)
        let listed = try json(try uptake(["compare", "Results", "Shorter", "--format", "json"]).stdout)
        let missing = try XCTUnwrap(listed["only_in_a"] as? [[String: Any]])
        XCTAssertEqual(missing.count, 1)
        XCTAssertEqual(missing.first?["target_end_date"] as? String, "2026-12-31")
    }

    func testActualsGiveScoresAndRelativeWIS() throws {
        try makeResults()
        try copyResults(to: "Perturbed") { rows in
            rows.map { row in
                guard row[7] != "cdf", let v = Double(row[9]) else { return row }
                var copy = row
                copy[9] = "\(v * 0.8)"
                return copy
            }
        }
        try write("actuals.csv", "scenario,date,value\n\(Self.scenario),2022-07-25,168\n\(Self.scenario),2022-12-31,260\n"
                  + "\(Self.scenario),2023-12-31,420\n")
        let result = try uptake(["compare", "Results", "Perturbed", "--actuals", "actuals.csv", "--format", "csv"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let rows = try CSV.parse(result.stdout)
        let header = rows[0]
        XCTAssertEqual(Array(header.suffix(16)), ["observation", "wis_a", "dispersion_a", "overprediction_a", "underprediction_a",
                                                  "ae_median_a", "coverage_50_a", "coverage_90_a", "wis_b", "dispersion_b",
                                                  "overprediction_b", "underprediction_b", "ae_median_b", "coverage_50_b",
                                                  "coverage_90_b", "relative_wis"])
        func column(_ name: String, _ row: [String]) -> String { row[header.firstIndex(of: name)!] }
        let scored = rows.dropFirst().filter { !column("observation", $0).isEmpty }
        XCTAssertEqual(scored.count, 2, "two actuals on forecast dates (2022-07-25 is the reference date, not a forecast)")
        for row in scored {
            let wisA = try XCTUnwrap(Double(column("wis_a", row))), wisB = try XCTUnwrap(Double(column("wis_b", row)))
            let parts = try ["dispersion_a", "overprediction_a", "underprediction_a"].map { try XCTUnwrap(Double(column($0, row))) }
            XCTAssertEqual(parts.reduce(0, +), wisA, accuracy: 1e-9 * max(1, wisA))
            XCTAssertGreaterThanOrEqual(wisA, 0)
            XCTAssertEqual(try XCTUnwrap(Double(column("relative_wis", row))), wisB / wisA, accuracy: 1e-9)
            XCTAssertTrue(["true", "false"].contains(column("coverage_90_a", row)))
        }

        // The hubverse layout matches by location and target; the location has a comma.
        try write("target-data.csv", "target_end_date,location,target,observation\n"
                  + "2022-12-31,\"Vung Tau city, Ba Ria–Vung Tau\",traders_accepting_qr,260\n"
                  + "2023-12-31,\"Vung Tau city, Ba Ria–Vung Tau\",traders_accepting_qr,420\n")
        let hub = try json(try uptake(["compare", "Results", "Perturbed", "--actuals", "target-data.csv", "--format", "json"]).stdout)
        let summary = try XCTUnwrap(hub["summary"] as? [String: Any])
        let a = try XCTUnwrap(summary["a"] as? [String: Any])
        XCTAssertEqual(a["n"] as? Int, 2, "\(summary)")
        for key in ["coverage_50", "coverage_90"] {
            let coverage = try XCTUnwrap(a[key] as? Double)
            XCTAssertTrue((0...1).contains(coverage))
        }
        XCTAssertNotNil(summary["relative_wis"] as? Double)

        let table = try uptake(["compare", "Results", "Perturbed", "--actuals", "actuals.csv"])
        XCTAssertEqual(table.exitCode, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("relative WIS of B against A"), table.stdout)
    }

    func testBadInputIsOneClearLineAndExit2() throws {
        try makeResults()
        // A CSV that is not a forecast file (feasibility.csv, and a data file).
        try write("data.csv", "period,value\n2020,1\n")
        assertOneLineError(try uptake(["compare", "data.csv", "Results"]),
                           contains: ["data.csv: not a forecast file: expected columns scenario,variant,location,target,"
                                      + "reference_date,horizon,target_end_date,output_type,output_type_id,value", "found period,value"])
        assertOneLineError(try uptake(["compare", "Results", "Results/\(Self.scenario)/feasibility.csv"]),
                           contains: ["feasibility.csv: not a forecast file"])
        assertOneLineError(try uptake(["compare", "Results", "nowhere"]), contains: ["nowhere: no such file or folder"])

        // Mismatched scenarios: no overlap at all.
        try copyResults(to: "Other") { rows in rows.map { var r = $0; r[0] = "another-scenario"; return r } }
        assertOneLineError(try uptake(["compare", "Results", "Other"]),
                           contains: ["no scenario in common", Self.scenario, "another-scenario"])

        // Actuals without a matching date.
        try write("actuals.csv", "scenario,date,value\n\(Self.scenario),2023-06-15,300\n")
        assertOneLineError(try uptake(["compare", "Results", "Results", "--actuals", "actuals.csv"]),
                           contains: ["actuals.csv", "no actual is dated on a forecast's target_end_date", "2023-06-15"])
        // Actuals of another scenario only, and a file that is not an actuals file.
        try write("others.csv", "scenario,date,value\nsomewhere-else,2023-06-30,300\n")
        assertOneLineError(try uptake(["compare", "Results", "Results", "--actuals", "others.csv"]),
                           contains: ["no actuals for the forecasts compared", "somewhere-else"])
        assertOneLineError(try uptake(["compare", "Results", "Results", "--actuals", "data.csv"]),
                           contains: ["data.csv: not an actuals file: expected columns scenario,date,value or"])
    }

    // MARK: backtest

    func testBacktestWithHoldoutGivesScoresAndCoverage() throws {
        // A logistic-looking yearly count, 8 observations.
        try write("small.yaml", """
            id: small-series
            metric: {name: accounts, kind: count, unit: accounts, observed: level}
            observations:
              - {date: 2016-12-31, value: 40}
              - {date: 2017-12-31, value: 80}
              - {date: 2018-12-31, value: 170}
              - {date: 2019-12-31, value: 300}
              - {date: 2020-12-31, value: 510}
              - {date: 2021-12-31, value: 680}
              - {date: 2022-12-31, value: 840}
              - {date: 2023-12-31, value: 910}
            forecast: {horizon: 2025-12-31, step: year, paths: 1000, seed: 1}

            """)
        let result = try uptake(["backtest", "small.yaml", "--holdout", "3", "--paths", "1000", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let object = try json(result.stdout)
        let summaries = try XCTUnwrap(object["summaries"] as? [[String: Any]])
        XCTAssertEqual(summaries.map { $0["method"] as? String }, ["uptake", "naive"])
        for s in summaries {
            XCTAssertEqual(s["scenario"] as? String, "small-series")
            XCTAssertEqual(s["cutoff"] as? String, "2020-12-31", "--holdout 3 keeps 5 of 8")
            XCTAssertEqual(s["n"] as? Int, 3)
            for key in ["wis", "dispersion", "overprediction", "underprediction", "ae_median"] {
                XCTAssertGreaterThanOrEqual(try XCTUnwrap(s[key] as? Double, key), 0, key)
            }
            for key in ["coverage_50", "coverage_80", "coverage_90"] {
                XCTAssertTrue((0...1).contains(try XCTUnwrap(s[key] as? Double, key)), key)
            }
        }
        XCTAssertNotNil(summaries[0]["relative_wis"] as? Double)
        let observations = try XCTUnwrap(object["observations"] as? [[String: Any]])
        XCTAssertEqual(observations.count, 6, "3 held out × (uptake, naive)")
        XCTAssertEqual(observations.compactMap { $0["target_end_date"] as? String }.prefix(3),
                       ["2021-12-31", "2022-12-31", "2023-12-31"])

        // csv prints the same summaries; a cutoff too early is skipped with a note, and a call
        // with nothing to score is bad input.
        let csv = try uptake(["backtest", "small.yaml", "--cutoff", "2019,2021-12-31", "--format", "csv"])
        XCTAssertEqual(csv.exitCode, 0, csv.stderr)
        let rows = try CSV.parse(csv.stdout)
        XCTAssertEqual(rows[0], ["scenario", "cutoff", "method", "n", "wis", "dispersion", "overprediction", "underprediction",
                                 "ae_median", "coverage_50", "coverage_80", "coverage_90", "relative_wis"])
        XCTAssertEqual(rows.dropFirst().map { "\($0[0]) \($0[1]) \($0[2])" },
                       ["small-series 2019-12-31 uptake", "small-series 2019-12-31 naive",
                        "small-series 2021-12-31 uptake", "small-series 2021-12-31 naive",
                        "small-series all uptake", "small-series all naive"])
        let early = try uptake(["backtest", "small.yaml", "--cutoff", "2017-12-31"])
        XCTAssertEqual(early.exitCode, 2)
        XCTAssertTrue(early.stderr.contains("small-series, cutoff 2017-12-31: skipped, only 2 observations"), early.stderr)
        XCTAssertTrue(early.stderr.contains("error: nothing to score"), early.stderr)
        XCTAssertEqual(try uptake(["backtest", "small.yaml"]).exitCode, 2, "--cutoff or --holdout is required")
    }
}
