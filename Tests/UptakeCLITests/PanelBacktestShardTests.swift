import Foundation
import XCTest

/// `uptake backtest --panel … --shard i/n` and `--merge-cells` (issue 13): the cells (series ×
/// cutoffs) split over three shards and merged give the single run's --cells file and printed
/// summaries byte for byte; shards that are not one batch stop the merge with exit 2.
final class PanelBacktestShardTests: XCTestCase {
    private var directory: URL!
    private let panel = ["--panel", "share=Tests/Data/panel/electricity-12.csv", "--series-pattern", "^[A-Z]{3}$",
                         "--origins", "2", "--paths", "200", "--jobs", "2", "--format", "csv"]

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-panel-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 600, currentDirectory: RunCommandTests.packageRoot)
    }

    private func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    func testThreeShardsOfThePanelCellsMergeIntoTheSingleRunsOutputByteForByte() throws {
        let single = try uptake(["backtest"] + panel + ["--cells", path("single.csv")])
        XCTAssertEqual(single.exitCode, 0, single.stderr)
        for i in 1...3 {
            let shard = try uptake(["backtest"] + panel + ["--shard", "\(i)/3", "--cells", path("shard-\(i)/cells.csv")])
            XCTAssertEqual(shard.exitCode, 0, shard.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("shard-\(i)/.shard-\(i)-of-3.json")))
        }
        // Every cell in one shard: 12 series × 2 cutoffs, 8 per shard.
        let rows = try (1...3).map { try String(contentsOfFile: path("shard-\($0)/cells.csv"), encoding: .utf8).split(separator: "\n").dropFirst() }
        let cells = rows.map { Set($0.map { $0.split(separator: ",").prefix(3).joined(separator: ",") }) }
        XCTAssertEqual(cells.map(\.count), [8, 8, 8])
        XCTAssertEqual(cells[0].union(cells[1]).union(cells[2]).count, 24)

        let merged = try uptake(["backtest", "--merge-cells", path("shard-3"), path("shard-1/cells.csv"), path("shard-2"),
                                 "--cells", path("merged.csv"), "--format", "csv"])
        XCTAssertEqual(merged.exitCode, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout, "the summaries, from the shards' exact scores")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("merged.csv"))),
                       try Data(contentsOf: URL(fileURLWithPath: path("single.csv"))))

        // A missing shard, and a shard of other settings, are named (exit 2).
        let missing = try uptake(["backtest", "--merge-cells", path("shard-1"), path("shard-3")])
        XCTAssertEqual(missing.exitCode, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("error: shard 2 of 3 is missing: no input holds .shard-2-of-3.json (its cells: "
            + "electricity-12 "), missing.stderr)
        let other = try uptake(["backtest"] + panel + ["--min-points", "9", "--shard", "2/3", "--cells", path("other-2/cells.csv")])
        XCTAssertEqual(other.exitCode, 0, other.stderr)
        let settings = try uptake(["backtest", "--merge-cells", path("shard-1"), path("other-2"), path("shard-3")])
        XCTAssertEqual(settings.exitCode, 2)
        XCTAssertTrue(settings.stderr.hasPrefix("error: shards of different settings: shard 1 of 3 ("), settings.stderr)
        let run = try uptake(["merge", path("shard-1"), path("shard-2"), path("shard-3"), "--out", path("out")])
        XCTAssertEqual(run.exitCode, 2)
        XCTAssertTrue(run.stderr.contains("a shard of a panel backtest; uptake merge joins the shards of uptake run"), run.stderr)
    }
}
