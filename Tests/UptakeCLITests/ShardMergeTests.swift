import Foundation
import XCTest

/// End-to-end tests of `uptake run --shard i/n` and `uptake merge` (issue 13) through the built
/// executable: three shards run by hand and merged are one `uptake run` of the batch, byte for
/// byte (run.json's timings aside); merging is idempotent, and re-running one shard and merging
/// again gives the same bytes; a missing shard, a duplicated scenario, or shards of different
/// seeds, versions or batches stop the merge with exit 2 and a line naming the problem, and
/// write nothing; --shard is checked (1-based, like $SLURM_ARRAY_TASK_ID).
///
/// The batch: the bundled scenarios and six generated ones (scripts/generate-scenarios.sh),
/// at --paths 300 to stay fast in a debug build.
final class ShardMergeTests: XCTestCase {
    private var directory: URL!
    private static let paths = "300"
    /// The batch's size: every bundled scenario and the six generated ones.
    private static var batchCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: RunCommandTests.packageRoot.appendingPathComponent("Scenarios").path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.count + 6
    }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-shard-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RunCommandTests.packageRoot.appendingPathComponent("Scenarios"),
                                         to: directory.appendingPathComponent("Scenarios"))
        let generate = try ExecutableRunner.run(
            executable: RunCommandTests.packageRoot.appendingPathComponent("scripts/generate-scenarios.sh"),
            ["6", directory.appendingPathComponent("gen").path])
        XCTAssertEqual(generate.exitCode, 0, generate.stderr)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 240, currentDirectory: directory)
    }

    private func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    /// `uptake run Scenarios/ gen --paths 300 [extra] --out out`, expecting success.
    @discardableResult
    private func run(_ out: String, _ extra: [String] = []) throws -> ExecutableRunner.Result {
        let result = try uptake(["run", "Scenarios/", "gen", "--paths", Self.paths, "--jobs", "2"] + extra + ["--out", out])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        return result
    }

    private func ids(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(folder).path)
            .filter { FileManager.default.fileExists(atPath: url("\(folder)/\($0)/run.json").path) }.sorted()
    }

    /// The merged folder against the single run; no difference expected.
    private func assertSameResults(_ merged: String, _ single: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let differences = try ResultsComparison.differences(url(single), url(merged))
        XCTAssertEqual(differences, [], "\(merged) is not byte for byte \(single)", file: file, line: line)
        XCTAssertGreaterThan(ResultsComparison.listing(url(merged)).count, Self.batchCount * 5, file: file, line: line)
    }

    // MARK: Three shards by hand

    func testThreeShardsMergedAreOneRunByteForByteAndMergingAgainChangesNothing() throws {
        try run("single")
        let all = try ids("single")
        XCTAssertEqual(all.count, Self.batchCount)
        for i in 1...3 { try run("shard-\(i)", ["--shard", "\(i)/3"]) }
        // The partition: sorted ids, round-robin from shard 1; every id in exactly one shard.
        for i in 1...3 {
            let expected = all.enumerated().filter { $0.offset % 3 == i - 1 }.map(\.element)
            XCTAssertEqual(try ids("shard-\(i)"), expected, "shard \(i) of 3")
            XCTAssertTrue(FileManager.default.fileExists(atPath: url("shard-\(i)/.shard-\(i)-of-3.json").path))
        }

        let merge = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(merge.exitCode, 0, merge.stderr)
        XCTAssertEqual(merge.stderr, "uptake: merged \(Self.batchCount) scenarios of 3 shards into merged\n")
        try assertSameResults("merged", "single")
        XCTAssertFalse(ResultsComparison.listing(url("merged")).contains { $0.contains(".shard-") },
                       "the merged folder holds no shard manifest (a single run has none)")

        // Idempotent: merging again, into the folder that holds the merged result, gives the
        // same bytes, run.json's timings included (they are copied, not rewritten).
        let before = try ResultsComparison.listing(url("merged")).map { try Data(contentsOf: url("merged/\($0)")) }
        let again = try uptake(["merge", "shard-3", "shard-1", "shard-2", "--out", "merged"])
        XCTAssertEqual(again.exitCode, 0, again.stderr)
        let after = try ResultsComparison.listing(url("merged")).map { try Data(contentsOf: url("merged/\($0)")) }
        XCTAssertEqual(before, after)

        // A merge replaces a scenario folder whole: a file an earlier run left there goes, as
        // it would in a run (the folder is then again exactly the single run's).
        try Data("stale".utf8).write(to: url("merged/\(all[0])/families-old.csv"))
        let stale = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(stale.exitCode, 0, stale.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("merged/\(all[0])/families-old.csv").path))
        try assertSameResults("merged", "single")

        // A shard run again into its folder first removes the manifest of the earlier run, so
        // a run that dies leaves none for the merge to trust.
        try Data("{}".utf8).write(to: url("shard-2/.shard-1-of-2.json"))
        // Re-running one shard and merging again: the same bytes (timings aside).
        try run("shard-2", ["--shard", "2/3"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("shard-2/.shard-1-of-2.json").path))
        let rerun = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(rerun.exitCode, 0, rerun.stderr)
        try assertSameResults("merged", "single")
    }

    func testMoreShardsThanScenariosLeavesEmptyShardsThatStillMerge() throws {
        let one = try uptake(["run", "Scenarios/vung-tau-market-qr.yaml", "gen/gen-001.yaml", "--paths", "100", "--out", "single"])
        XCTAssertEqual(one.exitCode, 0, one.stderr)
        for i in 1...3 {
            let shard = try uptake(["run", "Scenarios/vung-tau-market-qr.yaml", "gen/gen-001.yaml", "--paths", "100",
                                    "--shard", "\(i)/3", "--out", "s\(i)"])
            XCTAssertEqual(shard.exitCode, 0, shard.stderr)
        }
        XCTAssertEqual(try ids("s3"), [], "two scenarios, three shards: the third is empty")
        let merge = try uptake(["merge", "s1", "s2", "s3", "--out", "merged"])
        XCTAssertEqual(merge.exitCode, 0, merge.stderr)
        XCTAssertEqual(try ResultsComparison.differences(url("single"), url("merged")), [])
    }

    // MARK: Shards that are not one batch

    func testAMissingShardADuplicatedScenarioOrShardsOfDifferentSeedsExitTwoNamingTheProblem() throws {
        for i in 1...3 { try run("shard-\(i)", ["--shard", "\(i)/3"]) }
        let all = try ids("shard-1") + ids("shard-2") + ids("shard-3")

        // A missing shard: named, with its scenarios.
        let missing = try uptake(["merge", "shard-1", "shard-3", "--out", "merged"])
        XCTAssertEqual(missing.exitCode, 2)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.hasPrefix("error: shard 2 of 3 is missing: no input holds .shard-2-of-3.json (its scenarios: "),
                      missing.stderr)
        XCTAssertTrue(missing.stderr.contains(try ids("shard-2")[0]), missing.stderr)

        // A duplicated scenario: a shard folder given twice, and a scenario folder copied into
        // another shard's folder.
        try FileManager.default.copyItem(at: url("shard-1"), to: url("shard-1-copy"))
        let twice = try uptake(["merge", "shard-1", "shard-1-copy", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(twice.exitCode, 2)
        XCTAssertEqual(twice.stderr, "error: shard 1 of 3 is given twice: shard-1/.shard-1-of-3.json and "
            + "shard-1-copy/.shard-1-of-3.json\n")
        let first = try ids("shard-1")[0]
        try FileManager.default.copyItem(at: url("shard-1/\(first)"), to: url("shard-2/\(first)"))
        let copied = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(copied.exitCode, 2)
        XCTAssertEqual(copied.stderr, "error: scenario \(first) is duplicated: in shard-1 and shard-2\n")
        try FileManager.default.removeItem(at: url("shard-2/\(first)"))

        // Shards of different seeds: each shard's run ran with its own --seed.
        try run("shard-2-seed-7", ["--shard", "2/3", "--seed", "7"])
        let seeds = try uptake(["merge", "shard-1", "shard-2-seed-7", "shard-3", "--out", "merged"])
        XCTAssertEqual(seeds.exitCode, 2)
        XCTAssertEqual(seeds.stderr, "error: shards of different seeds: shard 1 of 3 (shard-1) ran with each scenario's own "
            + "seed (no --seed), shard 2 of 3 (shard-2-seed-7) with --seed 7\n")

        // A run.json that disagrees with its shard's manifest (another version, another seed)
        // is named by its path.
        let victim = try ids("shard-3")[0]
        let runJSON = url("shard-3/\(victim)/run.json")
        let original = try String(contentsOf: runJSON, encoding: .utf8)
        try original.replacingOccurrences(of: "\"version\": \"", with: "\"version\": \"9.").write(to: runJSON, atomically: true,
                                                                                                   encoding: .utf8)
        let version = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(version.exitCode, 2)
        XCTAssertTrue(version.stderr.hasPrefix("error: shard-3/\(victim)/run.json: written by uptake 9."), version.stderr)
        try original.replacingOccurrences(of: "\"seed\": \"", with: "\"seed\": \"9").write(to: runJSON, atomically: true,
                                                                                             encoding: .utf8)
        let seed = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(seed.exitCode, 2)
        XCTAssertTrue(seed.stderr.hasPrefix("error: shard-3/\(victim)/run.json: seed 9"), seed.stderr)
        XCTAssertTrue(seed.stderr.contains("but shard 3 of 3 (shard-3) ran \(victim) with seed "), seed.stderr)
        try original.write(to: runJSON, atomically: true, encoding: .utf8)

        // A scenario whose folder is gone.
        try FileManager.default.removeItem(at: url("shard-3/\(victim)"))
        let gone = try uptake(["merge", "shard-1", "shard-2", "shard-3", "--out", "merged"])
        XCTAssertEqual(gone.exitCode, 2)
        XCTAssertEqual(gone.stderr, "error: scenario \(victim) is missing: shard 3 of 3 (shard-3) lists it but "
            + "shard-3/\(victim)/run.json does not exist\n")

        // A folder that is no shard, and shards of another batch.
        let notShard = try uptake(["merge", "Scenarios", "--out", "merged"])
        XCTAssertEqual(notShard.exitCode, 2)
        XCTAssertTrue(notShard.stderr.contains("error: Scenarios: no shard manifest (.shard-<i>-of-<n>.json)"), notShard.stderr)
        let other = try uptake(["run", "Scenarios/", "--paths", Self.paths, "--shard", "3/3", "--out", "other-3"])
        XCTAssertEqual(other.exitCode, 0, other.stderr)
        let batches = try uptake(["merge", "shard-1", "shard-2", "other-3", "--out", "merged"])
        XCTAssertEqual(batches.exitCode, 2)
        XCTAssertTrue(batches.stderr.contains("error: shards of different batches: "), batches.stderr)

        // None of the failed merges wrote anything.
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("merged").path))
        XCTAssertEqual(all.count, Self.batchCount)
    }

    func testShardIsCheckedAndNumberedFromOne() throws {
        for (value, message) in [
            ("0/4", "error: --shard 0/4: shards are numbered 1…4 (as $SLURM_ARRAY_TASK_ID is with sbatch --array=1-4), got 0"),
            ("5/4", "error: --shard 5/4: shards are numbered 1…4 (as $SLURM_ARRAY_TASK_ID is with sbatch --array=1-4), got 5"),
            ("1/0", "error: --shard 1/0: the number of shards must be at least 1"),
            ("2", "error: --shard takes i/n, e.g. 2/4 (shard 2 of 4, numbered from 1), got '2'"),
        ] {
            let result = try uptake(["run", "Scenarios/", "--shard", value, "--out", "out"])
            XCTAssertEqual(result.exitCode, 2, value)
            XCTAssertEqual(result.stderr, message + " (see 'uptake run --help')\n", value)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("out").path))
        let one = try uptake(["run", "gen/gen-002.yaml", "--paths", "100", "--shard", "1/1", "--out", "out"])
        XCTAssertEqual(one.exitCode, 0, one.stderr)
        XCTAssertEqual(try ids("out"), ["gen-002"])
    }

    // MARK: uptake slurm

    func testSlurmWritesAnArrayAndAMergeScriptThatRunAsShardsAndMerge() throws {
        let result = try uptake(["slurm", "Scenarios/", "gen", "--shards", "4", "--out", "out", "--partition", "short",
                                 "--time", "0:10:00", "--paths", "100", "--uptake", ExecutableRunner.executableURL("uptake").path])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stdout, "out/slurm/array.sbatch\nout/slurm/merge.sbatch\n")
        let (small, large) = (Self.batchCount / 4, (Self.batchCount + 3) / 4)
        XCTAssertTrue(result.stderr.hasPrefix("uptake: \(Self.batchCount) scenarios in 4 shards of \(small)–\(large); "), result.stderr)
        let array = try String(contentsOf: url("out/slurm/array.sbatch"), encoding: .utf8)
        let merge = try String(contentsOf: url("out/slurm/merge.sbatch"), encoding: .utf8)
        let executable = ExecutableRunner.executableURL("uptake").path
        for line in ["#SBATCH --array=1-4", "#SBATCH --partition=short", "#SBATCH --time=0:10:00", "#SBATCH --cpus-per-task=1",
                     "#SBATCH --output=out/slurm/logs/run-%A_%a.out", "#SBATCH --chdir=\(directory.path)",
                     "exec \(executable) run Scenarios/ gen --shard \"$SLURM_ARRAY_TASK_ID/4\" --out out/shard-\"$SLURM_ARRAY_TASK_ID\" "
                        + "--jobs \"${SLURM_CPUS_PER_TASK:-1}\" --paths 100"] {
            XCTAssertTrue(array.split(separator: "\n").contains(Substring(line)), "array.sbatch lacks \(line):\n\(array)")
        }
        XCTAssertTrue(merge.hasSuffix("\nexec \(executable) merge out/shard-* --out out\n"), merge)
        XCTAssertTrue(FileManager.default.fileExists(atPath: url("out/slurm/logs").path), "Slurm does not create the log folder")

        // The scripts as Slurm would run them (bash, in the --chdir folder, one task id each):
        // the merged folder is one run's.
        let bash = URL(fileURLWithPath: "/bin/bash")
        for task in 1...4 {
            let run = try ExecutableRunner.run(executable: bash, ["out/slurm/array.sbatch"], currentDirectory: directory,
                                               environment: ["SLURM_ARRAY_TASK_ID": "\(task)"])
            XCTAssertEqual(run.exitCode, 0, run.stderr)
        }
        let merged = try ExecutableRunner.run(executable: bash, ["out/slurm/merge.sbatch"], currentDirectory: directory)
        XCTAssertEqual(merged.exitCode, 0, merged.stderr)
        let single = try uptake(["run", "Scenarios/", "gen", "--paths", "100", "--out", "single"])
        XCTAssertEqual(single.exitCode, 0, single.stderr)
        XCTAssertEqual(try ResultsComparison.differences(url("single"), url("out"),
                                                         skipping: ["shard-1", "shard-2", "shard-3", "shard-4", "slurm"]), [])

        // A batch with a bad file is stopped before anything is written.
        try "id: broken\n".write(to: url("gen/broken.yaml"), atomically: true, encoding: .utf8)
        let bad = try uptake(["slurm", "Scenarios/", "gen", "--shards", "4", "--out", "bad"])
        XCTAssertEqual(bad.exitCode, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("error: gen/broken.yaml:"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("bad").path))
    }
}
