import Foundation
import XCTest

/// `uptake seek` and `uptake sensitivity` (issue 12) through the built executable, and the
/// seek.csv and families.csv that `uptake run` writes, judged by what a user sees.
final class WhatItTakesCommandTests: XCTestCase {
    static let seekHeader = "scenario,target_label,lever,probability,value,value_se,p_meet_at_value,p_meet_se,baseline_p_meet,date_at_probability,note"
    static let familiesHeader = "scenario,target_label,family,weight,p_meet,p_meet_se"
    static let sensitivityHeader = "scenario,target_label,input,setting,value,p_meet,p_meet_se"
    static let phuMy = "phu-my-noncash-acceptance-points"

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-what-it-takes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["\(Self.phuMy).yaml", "hai-chau-noncash-streets.yaml"] {
            try FileManager.default.copyItem(at: RunCommandTests.packageRoot.appendingPathComponent("Scenarios").appendingPathComponent(name),
                                             to: directory.appendingPathComponent(name))
        }
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 300, currentDirectory: directory)
    }

    private func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: directory.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// The rows of a CSV without quoted commas in the fields read here (split on commas).
    private func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: seek

    /// The value seek returns, put back into the scenario as a variant at that fixed value,
    /// gives P(met) within 2 Monte Carlo standard errors of the probability asked for — in
    /// fact the same P(met), path for path (common random numbers).
    func testTheSoughtLeverAsAVariantGivesTheProbability() throws {
        for (lever, probability) in [("growth_multiplier", 0.6), ("level_shift", 0.8)] {
            let seek = try uptake(["seek", "\(Self.phuMy).yaml", "--probability", "\(probability)", "--lever", lever,
                                   "--paths", "2000", "--format", "csv"])
            XCTAssertEqual(seek.exitCode, 0, seek.stderr)
            XCTAssertEqual(seek.stdout.split(separator: "\n").first.map(String.init), Self.seekHeader)
            let row = try XCTUnwrap(rows(seek.stdout).first)
            XCTAssertEqual(row.count, 11, "\(row)")
            XCTAssertEqual(row[2], lever)
            let value = try XCTUnwrap(Double(row[4]), "a value for \(lever): \(row)")
            XCTAssertGreaterThan(try XCTUnwrap(Double(row[5])), 0, "value_se")
            XCTAssertLessThan(try XCTUnwrap(Double(row[8])), probability, "baseline below the probability")

            // A copy with one variant: the lever, fixed at that value, from the reference date.
            let original = try text("\(Self.phuMy).yaml")
            let head = try XCTUnwrap(original.components(separatedBy: "\nvariants:\n").first)
            try (head + "\nvariants:\n  - {id: sought, \(lever): \(row[4])}\n")
                .write(to: directory.appendingPathComponent("sought.yaml"), atomically: true, encoding: .utf8)
            let check = try uptake(["check", "sought.yaml", "--paths", "2000", "--format", "csv"])
            XCTAssertEqual(check.exitCode, 0, check.stderr)
            let sought = try XCTUnwrap(rows(check.stdout).first { $0[1] == "sought" })
            let p = try XCTUnwrap(Double(sought[6])), se = try XCTUnwrap(Double(sought[7]))
            XCTAssertEqual(p, probability, accuracy: 2 * se, "\(lever) \(value)")
            XCTAssertEqual(p, Double(row[6]), "the check's P(met) is seek's p_meet_at_value")
        }
    }

    /// The README's example, as a user sees it.
    func testTheReadmeExampleIsTheRealOutput() throws {
        let result = try ExecutableRunner.run("uptake", ["seek", "Scenarios/\(Self.phuMy).yaml"], timeout: 300,
                                              currentDirectory: RunCommandTests.packageRoot)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let readme = try String(contentsOf: RunCommandTests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("$ .build/release/uptake seek Scenarios/\(Self.phuMy).yaml\n" + result.stdout),
                      "README.md should show:\n\(result.stdout)")
    }

    func testBadInputIsOneLineAndExitCode2() throws {
        let cases: [[String]] = [
            ["seek", "\(Self.phuMy).yaml", "--target", "900 points by 2030"],
            ["seek", "\(Self.phuMy).yaml", "--target", "2"],
            ["seek", "\(Self.phuMy).yaml", "--probability", "1.5"],
            ["seek", "\(Self.phuMy).yaml", "--probability", "0"],
            ["seek", "\(Self.phuMy).yaml", "--lever", "speed"],
            ["seek", "hai-chau-noncash-streets.yaml", "--lever", "start"],
            ["seek", "no-such-file.yaml"],
            ["sensitivity", "no-such-file.yaml"],
        ]
        for arguments in cases {
            let result = try uptake(arguments + ["--paths", "200"])
            XCTAssertEqual(result.exitCode, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(lines.first?.hasPrefix("error: ") ?? false, "\(arguments): \(result.stderr)")
        }
        let label = try uptake(["seek", "\(Self.phuMy).yaml", "--target", "900 points by 2030", "--paths", "200"])
        XCTAssertTrue(label.stderr.contains("target '900 points by 2030' is neither a target's label nor its number"), label.stderr)
        let start = try uptake(["seek", "hai-chau-noncash-streets.yaml", "--lever", "start", "--paths", "200"])
        XCTAssertTrue(start.stderr.contains("no variants"), start.stderr)
    }

    // MARK: run and sensitivity

    /// `run` writes seek.csv (the scenario has seek:) and families.csv (two families fit);
    /// `seek --format csv` prints seek.csv; `sensitivity` writes sensitivity.csv and
    /// tornado.svg, and its family rows are families.csv's P(met), exactly.
    func testRunWritesSeekAndFamiliesAndSensitivityAgreesWithThem() throws {
        let ran = try uptake(["run", "\(Self.phuMy).yaml", "--paths", "1000", "--out", "Results"])
        XCTAssertEqual(ran.exitCode, 0, ran.stderr)
        let folder = "Results/\(Self.phuMy)"
        let seekCSV = try text("\(folder)/seek.csv")
        XCTAssertEqual(seekCSV.split(separator: "\n").first.map(String.init), Self.seekHeader)
        XCTAssertEqual(rows(seekCSV).count, 1)
        XCTAssertEqual(rows(seekCSV)[0][2...3], ["growth_multiplier", "0.8"])
        let printed = try uptake(["seek", "\(Self.phuMy).yaml", "--paths", "1000", "--format", "csv"])
        XCTAssertEqual(printed.stdout, seekCSV)

        let families = try text("\(folder)/families.csv")
        XCTAssertEqual(families.split(separator: "\n").first.map(String.init), Self.familiesHeader)
        XCTAssertEqual(rows(families).map { $0[2] }, ["logistic", "gompertz"])
        XCTAssertEqual(rows(families).map { $0[3] }, ["0.5", "0.5"])

        let sensitivity = try uptake(["sensitivity", "\(Self.phuMy).yaml", "--paths", "1000", "--out", "Results", "--format", "csv"])
        XCTAssertEqual(sensitivity.exitCode, 0, sensitivity.stderr)
        let csv = try text("\(folder)/sensitivity.csv")
        XCTAssertEqual(sensitivity.stdout, csv)
        XCTAssertEqual(csv.split(separator: "\n").first.map(String.init), Self.sensitivityHeader)
        let inputs = Set(rows(csv).map { $0[2] })
        XCTAssertEqual(inputs, ["baseline", "ceiling", "growth_rate", "timing", "noise", "family", "variant:campaign:growth_multiplier"])
        for row in rows(csv) {
            XCTAssertTrue(["base", "low", "high", "logistic", "gompertz"].contains(row[3]), "\(row)")
        }
        let familyRows = rows(csv).filter { $0[2] == "family" }.map { [$0[1], $0[3], $0[5], $0[6]] }
        XCTAssertEqual(familyRows, rows(families).map { [$0[1], $0[2], $0[4], $0[5]] })
        // The baseline row is the forecast's baseline P(met).
        let feasibility = rows(try text("\(folder)/feasibility.csv"))
        XCTAssertEqual(rows(csv).first { $0[2] == "baseline" }?[5], feasibility.first { $0[1] == "baseline" }?[6])

        let svg = try text("\(folder)/tornado.svg")
        XCTAssertTrue(svg.hasPrefix("<svg "), String(svg.prefix(80)))
        for label in ["ceiling (", "growth rate (", "timing (", "noise (", "family (", "campaign: growth multiplier ("] {
            XCTAssertTrue(svg.contains(label), label)
        }
        // The report shows it at once, and a later run keeps it with its scenario.
        XCTAssertTrue(try text("Results/report.html").contains("How P(met) swings with each input"), "report.html after uptake sensitivity")
        let rerun = try uptake(["run", "\(Self.phuMy).yaml", "--paths", "1000", "--out", "Results"])
        XCTAssertEqual(rerun.exitCode, 0, rerun.stderr)
        XCTAssertEqual(try text("\(folder)/sensitivity.csv"), csv)
        XCTAssertEqual(try text("\(folder)/tornado.svg"), svg)
        let again = try uptake(["sensitivity", "\(Self.phuMy).yaml", "--paths", "1000", "--out", "Again"])
        XCTAssertEqual(try text("Again/\(Self.phuMy)/tornado.svg"), svg, "the same bytes on a re-run")
        XCTAssertTrue(again.stdout.contains("ceiling"), again.stdout)
    }

    func testJSONFormatsParse() throws {
        let seek = try uptake(["seek", "\(Self.phuMy).yaml", "--paths", "300", "--format", "json", "--lever", "ceiling_multiplier"])
        XCTAssertEqual(seek.exitCode, 0, seek.stderr)
        let objects = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(seek.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(objects.count, 1)
        XCTAssertEqual(Set(objects[0].keys), Set(Self.seekHeader.split(separator: ",").map(String.init)))
        XCTAssertTrue(objects[0]["probability"] is NSNumber)
        let sensitivity = try uptake(["sensitivity", "\(Self.phuMy).yaml", "--paths", "300", "--format", "json", "--out", "J"])
        XCTAssertEqual(sensitivity.exitCode, 0, sensitivity.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sensitivity.stdout.utf8)) as? [[String: Any]])
        XCTAssertTrue(rows.contains { $0["input"] as? String == "baseline" && $0["value"] is NSNull })
    }
}
