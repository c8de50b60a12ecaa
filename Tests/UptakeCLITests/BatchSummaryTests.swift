import Foundation
import XCTest

/// What `uptake run` leaves behind when a batch is done (issue 11): on a terminal the
/// progress bar is redrawn in place, so the verdicts and the output folder must be printed
/// after it, on stdout, where they stay:
///
/// - one line per scenario, its id and its verdicts (a variant's in parentheses), in the
///   order and with the verdicts of summary.csv, then one line of counts and
///   "results in <out>/ (summary.csv)";
/// - a batch of more than 20 scenarios gets the line of counts only;
/// - a scenario that failed is counted ("1 of 2 scenarios forecast");
/// - in a pseudo-terminal (`script`), the summary follows the bar's last redraw.
final class BatchSummaryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try scratchDirectory("uptake-summary-tests")
        for name in ["hai-chau-noncash-streets.yaml", "tra-vinh-online-records.yaml"] {
            let scenario = RunCommandTests.packageRoot.appendingPathComponent("Scenarios").appendingPathComponent(name)
            try FileManager.default.copyItem(at: scenario, to: directory.appendingPathComponent(name))
        }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 300, currentDirectory: directory)
    }

    private func text(_ relative: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Per scenario, "baseline verdicts (variant: verdicts; …)", from summary.csv.
    private func expectedLines(_ summaryCSV: String) throws -> [String] {
        let rows = try CSV.parse(summaryCSV).dropFirst()
        var order: [String] = []
        var verdicts: [String: [(variant: String, verdicts: [String])]] = [:]
        for row in rows {
            let (id, variant, verdict) = (row[0], row[1], row[14])
            if verdicts[id] == nil { order.append(id); verdicts[id] = [] }
            if verdicts[id]!.last?.variant == variant {
                verdicts[id]![verdicts[id]!.count - 1].verdicts.append(verdict)
            } else {
                verdicts[id]!.append((variant, [verdict]))
            }
        }
        let width = order.map(\.count).max() ?? 0
        return order.map { id in
            let groups = verdicts[id]!
            var line = id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + groups[0].verdicts.joined(separator: ", ")
            if groups.count > 1 {
                line += " (" + groups.dropFirst().map { "\($0.variant): \($0.verdicts.joined(separator: ", "))" }
                    .joined(separator: "; ") + ")"
            }
            return line
        }
    }

    func testRunPrintsEachScenarioVerdictsAndWhereTheResultsAre() throws {
        let result = try uptake(["run", "hai-chau-noncash-streets.yaml", "tra-vinh-online-records.yaml",
                                 "--paths", "300", "--out", "Out"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let expected = try expectedLines(try text("Out/summary.csv"))
        XCTAssertEqual(expected.count, 2)
        XCTAssertEqual(Array(lines.dropLast()), expected, result.stdout)
        XCTAssertTrue(expected[1].contains("(training-push: "), "the variant's verdicts: \(expected[1])")
        let last = try XCTUnwrap(lines.last)
        XCTAssertNotNil(last.range(of: #"^2 scenarios, 2 targets: .+; results in Out/ \(summary\.csv\)$"#, options: .regularExpression),
                        last)
    }

    func testALargeBatchGetsOneLineOfCounts() throws {
        let template = try text("hai-chau-noncash-streets.yaml")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("many"), withIntermediateDirectories: true)
        for i in 1...21 {
            let copy = template.replacingOccurrences(of: "id: hai-chau-noncash-streets", with: "id: streets-\(i)")
            XCTAssertNotEqual(copy, template)
            try copy.write(to: directory.appendingPathComponent("many/streets-\(i).yaml"), atomically: true, encoding: .utf8)
        }
        let result = try uptake(["run", "many/", "--paths", "100", "--out", "Many"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let verdicts = try CSV.parse(try text("Many/summary.csv")).dropFirst().map { $0[14] }
        XCTAssertEqual(verdicts.count, 21)
        let counts = ["on_track", "at_risk", "off_track", "met"].compactMap { verdict -> String? in
            let n = verdicts.filter { $0 == verdict }.count
            return n > 0 ? "\(n) \(verdict)" : nil
        }
        XCTAssertEqual(result.stdout, "21 scenarios, 21 targets: \(counts.joined(separator: ", ")); results in Many/ (summary.csv)\n")
    }

    func testAFailedScenarioIsCounted() throws {
        try "id: broken\nmetric: {name: n, kind: count}\n".write(to: directory.appendingPathComponent("broken.yaml"),
                                                                  atomically: true, encoding: .utf8)
        let result = try uptake(["run", "broken.yaml", "hai-chau-noncash-streets.yaml", "--paths", "200", "--out", "Out/"])
        XCTAssertEqual(result.exitCode, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("broken.yaml"), result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { return XCTFail("two lines on stdout: \(result.stdout.debugDescription)") }
        XCTAssertTrue(lines[0].hasPrefix("hai-chau-noncash-streets  "), result.stdout)
        XCTAssertTrue(lines[1].hasPrefix("1 of 2 scenarios forecast (see the errors above), 1 target: "), result.stdout)
        XCTAssertTrue(lines[1].hasSuffix("; results in Out/ (summary.csv)"), result.stdout)
    }

    /// In a pseudo-terminal the bar is drawn with carriage returns; what is left on the screen
    /// after its last redraw must hold the verdicts and the folder.
    func testOnATerminalTheSummaryOutlivesTheProgressBar() throws {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw XCTSkip("no \(script) (util-linux)") }
        let uptake = ExecutableRunner.executableURL("uptake").path
        let command = "'\(uptake)' run hai-chau-noncash-streets.yaml tra-vinh-online-records.yaml --paths 300 --out Out"
        // script -q (quiet) -e (child's exit code) -c COMMAND, transcript to /dev/null.
        let result = try ExecutableRunner.run(script, ["-qec", command, "/dev/null"], timeout: 300, currentDirectory: directory,
                                              executable: URL(fileURLWithPath: script))
        XCTAssertEqual(result.exitCode, 0, result.stdout)
        let screen = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        XCTAssertTrue(screen.contains("\r["), "a progress bar redrawn in place: \(screen.debugDescription)")
        XCTAssertFalse(screen.contains("uptake: [1/2]"), "no log lines on a terminal: \(screen.debugDescription)")
        for redraw in screen.components(separatedBy: "\r").dropFirst() {
            let bar = redraw.components(separatedBy: "\u{1B}[K")[0]
            XCTAssertLessThanOrEqual(bar.count, 79, "the bar fits an 80-column terminal: \(bar.debugDescription)")
        }
        let lastRedraw = try XCTUnwrap(screen.range(of: "\r", options: .backwards), screen.debugDescription)
        let afterBar = String(screen[lastRedraw.upperBound...])
        let lines = afterBar.split(separator: "\n").map(String.init).dropFirst()   // the bar's last state
        XCTAssertEqual(Array(lines.dropLast()), try expectedLines(try text("Out/summary.csv")), screen.debugDescription)
        XCTAssertTrue(lines.last?.hasSuffix("; results in Out/ (summary.csv)") ?? false, screen.debugDescription)
    }
}
