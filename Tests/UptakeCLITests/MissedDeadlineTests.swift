import Foundation
import XCTest

/// DESIGN.md, "Feasibility": a target whose deadline has passed in the data without being met
/// is `missed` — not `off_track`, which is a forecast's judgement of a future deadline — and
/// `check --strict` fails on it as on an off-track target.
final class MissedDeadlineTests: XCTestCase {
    /// Observed in January and June 2024: 50 by March was never reached; 7 by April was
    /// reached in June, after its deadline; 100 by the end of 2025 is still open.
    private static let scenario = """
        id: late
        metric: {name: points, kind: count}
        observations:
          - {date: 2024-01-31, value: 5}
          - {date: 2024-06-30, value: 8}
        targets:
          - {value: 50, by: 2024-03-31, label: 50 by March}
          - {value: 7, by: 2024-04-30, label: 7 by April}
          - {value: 100, by: 2025-12-31, label: 100 by 2025}
        forecast: {horizon: 2025-12-31}

        """

    func testDeadlinePassedUnmetIsMissedAndCheckStrictFails() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-missed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("late.yaml").path
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)

        let csv = try ExecutableRunner.run("uptake", ["check", file, "--paths", "2000", "--format", "csv"], timeout: 120)
        XCTAssertEqual(csv.exitCode, 0, csv.stderr)
        let rows = try CSV.parse(csv.stdout)
        XCTAssertEqual(rows.first?.joined(separator: ","), RunCommandTests.feasibilityHeader, "the columns stay")
        let byLabel = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[2], $0) })
        let never = try XCTUnwrap(byLabel["50 by March"])
        XCTAssertEqual([never[6], never[7], never[14]], ["0.0", "0.0", "missed"])
        let late = try XCTUnwrap(byLabel["7 by April"])
        XCTAssertEqual([late[6], late[14]], ["0.0", "missed"])
        XCTAssertEqual(late[12], "2024-06-30", "the date it was reached, late")
        XCTAssertNotEqual(byLabel["100 by 2025"]?[14], "missed", "a deadline still ahead is forecast")

        let strict = try ExecutableRunner.run("uptake", ["check", file, "--paths", "2000", "--strict"], timeout: 120)
        XCTAssertEqual(strict.exitCode, 1, strict.stderr)
        XCTAssertTrue(strict.stdout.split(separator: "\n").contains { $0.contains("50 by March") && $0.hasSuffix("missed") },
                      strict.stdout)
    }
}
