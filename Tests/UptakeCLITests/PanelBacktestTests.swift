import Foundation
import XCTest

/// `uptake backtest --panel` end to end on a 12-country cut of the electricity-access panel.
final class PanelBacktestTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    private let panel = "share=Tests/Data/panel/electricity-12.csv"

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 600, currentDirectory: repository)
    }

    private func rows(_ text: String) throws -> [[String: String]] {
        let rows = try CSV.parse(text)
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(rows[0], $0)) }
    }

    func testPanelBacktestScoresEveryHeldOutYearAgainstTheNaiveTrend() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-panel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cellsPath = scratch.appendingPathComponent("cells.csv").path
        let result = try uptake(["backtest", "--panel", panel, "--series-pattern", "^[A-Z]{3}$", "--cutoff", "2008",
                                 "--paths", "400", "--jobs", "2", "--format", "csv", "--cells", cellsPath])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let summary = try rows(result.stdout)
        let cells = try rows(String(contentsOfFile: cellsPath, encoding: .utf8))
        // 12 countries × 2009–2016 held out, each by uptake and naive; the aggregate is dropped.
        XCTAssertEqual(Set(cells.map { $0["series"]! }).count, 12)
        XCTAssertFalse(cells.contains { $0["series"] == "OWID_WRL" })
        XCTAssertEqual(cells.filter { $0["method"] == "uptake" }.count, 96)
        XCTAssertEqual(cells.filter { $0["method"] == "naive" }.count, 96)
        XCTAssertEqual(Set(cells.map { $0["horizon"]! }), Set((1...8).map(String.init)))
        for method in ["uptake", "naive"] {
            // Per horizon and overall; the overall mean WIS is the mean of the cells' WIS.
            let perHorizon = summary.filter { $0["method"] == method && $0["horizon"] != "all" }
            XCTAssertEqual(perHorizon.count, 8)
            XCTAssertEqual(perHorizon.reduce(0) { $0 + Int($1["n"]!)! }, 96)
            let all = try XCTUnwrap(summary.first { $0["method"] == method && $0["horizon"] == "all" })
            let mine = cells.filter { $0["method"] == method }
            let meanWIS = mine.reduce(0) { $0 + Double($1["wis"]!)! } / Double(mine.count)
            XCTAssertEqual(Double(all["wis"]!)!, meanWIS, accuracy: 1e-6 * meanWIS)
            let covered = Double(mine.filter { $0["coverage_90"] == "true" }.count) / Double(mine.count)
            XCTAssertEqual(Double(all["coverage_90"]!)!, covered, accuracy: 1e-9)
            let bias = mine.reduce(0) { $0 + Double($1["median"]!)! - Double($1["observation"]!)! } / Double(mine.count)
            XCTAssertEqual(Double(all["bias"]!)!, bias, accuracy: 1e-6 * max(abs(bias), 1))
            for row in perHorizon { XCTAssertTrue((0...1).contains(Double(row["coverage_80"]!)!)) }
        }
        // Results do not depend on the number of jobs.
        let single = try uptake(["backtest", "--panel", panel, "--series-pattern", "^[A-Z]{3}$", "--cutoff", "2008",
                                 "--paths", "400", "--jobs", "1", "--format", "csv"])
        XCTAssertEqual(single.stdout, result.stdout)
    }

    func testCalibrationTableIsWrittenAndUsed() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-panel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let table = scratch.appendingPathComponent("table.csv").path
        let written = try uptake(["backtest", "--panel", "share=/dev/null", "--write-calibration", table])
        XCTAssertEqual(written.exitCode, 2, "an empty panel has no errors: \(written.stderr)")
        // Origins need 25 points: only 2014 and 2015 qualify, too few errors for the
        // 200-per-horizon rule: say so, exit 2.
        let few = try uptake(["backtest", "--panel", panel, "--series-pattern", "^[A-Z]{3}$", "--min-points", "25",
                              "--write-calibration", table])
        XCTAssertEqual(few.exitCode, 2, few.stderr)
        XCTAssertTrue(few.stderr.contains("too few errors"), few.stderr)
        // Every origin with 8 points: enough for the first horizons, and a backtest reads it back.
        let enough = try uptake(["backtest", "--panel", panel, "--series-pattern", "^[A-Z]{3}$", "--write-calibration", table])
        XCTAssertEqual(enough.exitCode, 0, enough.stderr)
        let text = try String(contentsOfFile: table, encoding: .utf8)
        XCTAssertTrue(text.contains("kind,horizon,level,quantile"))
        XCTAssertTrue(text.contains("share,1,0.5,"))
        let used = try uptake(["backtest", "--panel", panel, "--series-pattern", "^[A-Z]{3}$", "--cutoff", "2012",
                               "--paths", "200", "--calibration", table, "--format", "csv"])
        XCTAssertEqual(used.exitCode, 0, used.stderr)
    }

    func testPanelInputErrorsAreOneLineAndExitTwo() throws {
        let noKind = try uptake(["backtest", "--panel", "Tests/Data/panel/electricity-12.csv", "--cutoff", "2008"])
        XCTAssertEqual(noKind.exitCode, 2)
        XCTAssertTrue(noKind.stderr.contains("share=FILE or count=FILE"), noKind.stderr)
        let badColumn = try uptake(["backtest", "--panel", panel, "--series", "ISO", "--cutoff", "2008"])
        XCTAssertEqual(badColumn.exitCode, 2)
        XCTAssertTrue(badColumn.stderr.contains("no column 'ISO' (--series); the columns are 'Entity', 'Code', 'Year'"),
                      badColumn.stderr)
        let both = try uptake(["backtest", "Scenarios/", "--panel", panel, "--cutoff", "2008"])
        XCTAssertEqual(both.exitCode, 2)
        let noCutoff = try uptake(["backtest", "--panel", panel])
        XCTAssertEqual(noCutoff.exitCode, 2)
        XCTAssertTrue(noCutoff.stderr.contains("--cutoff YEAR"), noCutoff.stderr)
    }
}
