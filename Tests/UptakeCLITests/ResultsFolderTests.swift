import Foundation
import XCTest

/// End-to-end tests of the results folder and the typed outputs of issue 11, through the
/// built executable: summary.csv is rebuilt from the scenario folders under --out (a failed
/// later batch loses no rows, batches add up, id order), a scenario whose folder cannot be
/// written does not stop the others, --out naming a file is one line and exit 2, and
/// `check --format json` prints numbers as numbers and flags as booleans.
final class ResultsFolderTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-results-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenarios = RunCommandTests.packageRoot.appendingPathComponent("Scenarios")
        for name in ["vung-tau-market-qr.yaml", "vinh-phuc-eid-accounts.yaml"] {
            try FileManager.default.copyItem(at: scenarios.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        try "id: broken\nmetric: {name: m, kind: count}\n".write(to: directory.appendingPathComponent("broken.yaml"),
                                                                atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    private func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: directory.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// The scenario ids of summary.csv's rows, in order.
    private func summaryIDs(_ out: String) throws -> [String] {
        try text("\(out)/summary.csv").split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
    }

    func testSummaryIsRebuiltFromEveryScenarioFolderUnderOut() throws {
        let first = try uptake(["run", "vung-tau-market-qr.yaml", "--paths", "300", "--out", "out"])
        XCTAssertEqual(first.exitCode, 0, first.stderr)
        XCTAssertEqual(try summaryIDs("out"), ["vung-tau-market-qr", "vung-tau-market-qr"])
        // A later batch that fails entirely: the earlier rows stay (they were lost before).
        let failed = try uptake(["run", "broken.yaml", "--paths", "300", "--out", "out"])
        XCTAssertEqual(failed.exitCode, 2)
        XCTAssertEqual(try summaryIDs("out"), ["vung-tau-market-qr", "vung-tau-market-qr"])
        // A second good batch adds its rows, in id order whatever the batch order.
        let second = try uptake(["run", "vinh-phuc-eid-accounts.yaml", "--paths", "300", "--out", "out"])
        XCTAssertEqual(second.exitCode, 0, second.stderr)
        XCTAssertEqual(try summaryIDs("out"), ["vinh-phuc-eid-accounts", "vung-tau-market-qr", "vung-tau-market-qr"])
        // The same as one batch of both.
        let both = try uptake(["run", "vung-tau-market-qr.yaml", "vinh-phuc-eid-accounts.yaml", "--paths", "300", "--out", "one"])
        XCTAssertEqual(both.exitCode, 0, both.stderr)
        XCTAssertEqual(try text("out/summary.csv"), try text("one/summary.csv"))
    }

    func testAScenarioWhoseFolderCannotBeWrittenDoesNotStopTheOthers() throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        try "in the way".write(to: directory.appendingPathComponent("out/vinh-phuc-eid-accounts"), atomically: true, encoding: .utf8)
        let result = try uptake(["run", "vinh-phuc-eid-accounts.yaml", "vung-tau-market-qr.yaml", "--paths", "300",
                                 "--jobs", "1", "--out", "out"])
        XCTAssertEqual(result.exitCode, 2)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, result.stderr)
        XCTAssertTrue(errors[0].contains("out/vinh-phuc-eid-accounts"), result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/vung-tau-market-qr/run.json").path))
        XCTAssertEqual(try summaryIDs("out"), ["vung-tau-market-qr", "vung-tau-market-qr"])
    }

    func testA300CharacterIDIsRejectedByValidateAndRunAndTheOthersRun() throws {
        let long = String(repeating: "x", count: 300)
        let scenario = try text("vung-tau-market-qr.yaml").replacingOccurrences(of: "id: vung-tau-market-qr", with: "id: \(long)")
        try scenario.write(to: directory.appendingPathComponent("long.yaml"), atomically: true, encoding: .utf8)
        let validate = try uptake(["validate", "long.yaml"])
        XCTAssertEqual(validate.exitCode, 2)
        XCTAssertTrue(validate.stderr.hasPrefix("error: long.yaml:"), validate.stderr)
        XCTAssertTrue(validate.stderr.contains(": id is 300 characters long; at most 100"), validate.stderr)
        let run = try uptake(["run", "long.yaml", "vinh-phuc-eid-accounts.yaml", "--paths", "300", "--out", "out"])
        XCTAssertEqual(run.exitCode, 2)
        XCTAssertEqual(try summaryIDs("out"), ["vinh-phuc-eid-accounts"])
    }

    func testRunJSONNumbersHaveAtMostTenSignificantDigits() throws {
        let result = try uptake(["run", "vinh-phuc-eid-accounts.yaml", "--paths", "300", "--out", "out"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let json = try text("out/vinh-phuc-eid-accounts/run.json")
        let numbers = json.split(whereSeparator: { ",\n[]{}".contains($0) })
            .compactMap { $0.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { Double($0) != nil }
        XCTAssertTrue(numbers.contains { $0.contains(".") }, json)
        for number in numbers {
            let digits = number.split(separator: "e").first!.filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(digits.count, 10, number)
        }
    }

    func testOutNamingAFileIsOneLineAndExit2() throws {
        try "a file".write(to: directory.appendingPathComponent("taken"), atomically: true, encoding: .utf8)
        let result = try uptake(["run", "vung-tau-market-qr.yaml", "--paths", "300", "--out", "taken"])
        XCTAssertEqual(result.exitCode, 2)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("error: --out taken: it is a file, not a folder"), result.stderr)
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"))
        XCTAssertEqual(try text("taken"), "a file")
    }

    func testCheckJSONHasTypedValues() throws {
        let result = try uptake(["check", "vung-tau-market-qr.yaml", "--paths", "300", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        for row in rows {
            XCTAssertEqual(row.count, 15)
            for key in ["target_value", "p_meet", "p_meet_se", "value_at_deadline_q05", "value_at_deadline_q50",
                        "value_at_deadline_q95"] {
                XCTAssertNotNil(row[key] as? Double, "\(key): \(String(describing: row[key]))")
                XCTAssertNil(row[key] as? String, key)
            }
            XCTAssertEqual(row["assumed"] as? Bool, true)
            for key in ["scenario", "variant", "target_label", "deadline", "verdict"] { XCTAssertNotNil(row[key] as? String, key) }
            for key in ["date_reached_q10", "date_reached_q50", "date_reached_q90"] {
                XCTAssertTrue(row[key] is String || row[key] is NSNull, key)
            }
        }
        // A JSON boolean, not the string "true" nor the number 1.
        XCTAssertTrue(result.stdout.contains("\"assumed\": true"), result.stdout)
        // ≤ 10 significant digits in every number.
        let numbers = result.stdout.split(whereSeparator: { ",\n[]{}".contains($0) })
            .compactMap { $0.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { Double($0) != nil }
        XCTAssertFalse(numbers.isEmpty)
        for number in numbers {
            let digits = number.split(separator: "e").first!.filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(digits.count, 10, number)
        }
    }
}
