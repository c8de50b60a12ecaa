import Foundation
import XCTest

/// The batch on a real Slurm (issue 13): scripts/slurm/start-local-slurm.sh starts munged,
/// slurmctld and slurmd on this machine from Debian's packages (`make test-deps` installs
/// them; starting needs root, as CI has), scripts/slurm-run.sh submits a 4-task job array of
/// `uptake run --shard $SLURM_ARRAY_TASK_ID/4` over the bundled scenarios and 100 generated
/// ones, and the merge job that waits for it (`--dependency=afterok`). The merged folder must
/// be byte for byte one `uptake run` of the same batch (run.json's timings aside).
///
/// The cluster gets its own folder and ports, so it does not meet a cluster a developer runs
/// with the scripts' defaults; the test stops it unless it was already running.
final class SlurmArrayTests: XCTestCase {
    private static let slurmEnvironment = [
        "SLURM_TEST_DIR": "/tmp/uptake-slurm-test", "SLURMCTLD_PORT": "16817", "SLURMD_PORT": "16818",
        "SLURM_CONF": "/tmp/uptake-slurm-test/etc/slurm.conf",
    ]
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-slurm-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func script(_ relative: String) -> URL { RunCommandTests.packageRoot.appendingPathComponent(relative) }

    private func shell(_ executable: URL, _ arguments: [String], timeout: Double = 240,
                       environment: [String: String] = [:]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run(executable: executable, arguments, timeout: timeout, currentDirectory: directory,
                                 environment: Self.slurmEnvironment.merging(environment) { $1 })
    }

    /// Runs a Slurm client command found on PATH.
    private func slurm(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try shell(URL(fileURLWithPath: "/usr/bin/env"), arguments, timeout: 60)
    }

    func testAFourTaskArrayMergedIsOneRunByteForByte() throws {
        guard getuid() == 0 else {
            throw XCTSkip("starting munged, slurmctld and slurmd needs root (CI runs as root; `make test-deps` installs them)")
        }
        // Foundation's Process sees a child end when every copy of a descriptor it handed the
        // child is closed; the daemons the script leaves running would hold one forever, so
        // the script runs with every descriptor above 2 closed.
        let closeInherited = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0""#
        let start = try shell(URL(fileURLWithPath: "/bin/bash"), ["-c", closeInherited, script("scripts/slurm/start-local-slurm.sh").path],
                              timeout: 600)
        XCTAssertEqual(start.exitCode, 0, "the local Slurm did not start:\n\(start.stdout)\n\(start.stderr)")
        guard start.exitCode == 0 else { return }
        let startedHere = !start.stdout.contains("already running")
        defer {
            if startedHere { _ = try? shell(script("scripts/slurm/stop-local-slurm.sh"), [], timeout: 60) }
        }

        // The batch: the bundled scenarios (their data files beside them) and 100 generated.
        try FileManager.default.copyItem(at: script("Scenarios"), to: directory.appendingPathComponent("Scenarios"))
        let generate = try shell(script("scripts/generate-scenarios.sh"), ["100", "gen"])
        XCTAssertEqual(generate.exitCode, 0, generate.stderr)
        let batch = ["Scenarios/", "gen", "--paths", "500"]

        let uptake = ExecutableRunner.executableURL("uptake").path
        let submit = try shell(script("scripts/slurm-run.sh"), batch + ["--shards", "4", "--out", "out"],
                               environment: ["UPTAKE": uptake])
        XCTAssertEqual(submit.exitCode, 0, submit.stderr)
        let ids = Dictionary(uniqueKeysWithValues: submit.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        })
        let arrayJob = try XCTUnwrap(ids["array_job"], submit.stdout), mergeJob = try XCTUnwrap(ids["merge_job"], submit.stdout)
        let count = try FileManager.default.contentsOfDirectory(atPath: RunCommandTests.packageRoot.appendingPathComponent("Scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.count + 100
        let sizes = count % 4 == 0 ? "\(count / 4)" : "\(count / 4)–\(count / 4 + 1)"
        XCTAssertTrue(submit.stderr.contains("\(count) scenarios in 4 shards of \(sizes)"), submit.stderr)
        let arrayScript = try String(contentsOf: directory.appendingPathComponent("out/slurm/array.sbatch"), encoding: .utf8)
        XCTAssertTrue(arrayScript.contains("#SBATCH --array=1-4\n"), arrayScript)

        // One machine, meanwhile.
        let single = try ExecutableRunner.run("uptake", ["run"] + batch + ["--out", "single"], timeout: 300,
                                              currentDirectory: directory)
        XCTAssertEqual(single.exitCode, 0, single.stderr)

        // Wait until neither job is queued or running.
        let deadline = Date().addingTimeInterval(300)
        var queued = true
        while queued && Date() < deadline {
            let squeue = try slurm(["squeue", "-h", "-o", "%i %T"])
            queued = squeue.stdout.split(separator: "\n").contains { line in
                let id = line.split(separator: " ").first.map(String.init) ?? ""
                return id == mergeJob || id == arrayJob || id.hasPrefix(arrayJob + "_")
            }
            if queued { Thread.sleep(forTimeInterval: 1) }
        }
        let logs = directory.appendingPathComponent("out/slurm/logs")
        let logText = ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted().map { name in
            "== \(name)\n" + ((try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
        XCTAssertFalse(queued, "the jobs did not finish within 300 s\n\(logText)")
        let mergeLog = try? String(contentsOf: logs.appendingPathComponent("merge-\(mergeJob).out"), encoding: .utf8)
        XCTAssertEqual(mergeLog, "uptake: merged \(count) scenarios of 4 shards into out\n", "the merge job did not run or failed:\n\(logText)")
        for task in 1...4 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: logs.appendingPathComponent("run-\(arrayJob)_\(task).out").path),
                          "no log of task \(task)\n\(logText)")
        }

        // The merged folder is the single run, byte for byte (run.json's timings aside); the
        // shard folders and the scripts are all else there is.
        let workspace: Set<String> = ["shard-1", "shard-2", "shard-3", "shard-4", "slurm"]
        XCTAssertEqual(try ResultsComparison.differences(directory.appendingPathComponent("single"),
                                                         directory.appendingPathComponent("out"), skipping: workspace), [])
        XCTAssertTrue(ResultsComparison.listing(directory.appendingPathComponent("out"), skipping: workspace).count
            >= count * 5 + 2, "five files or more per scenario, summary.csv and report.html")
        let top = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path)
        XCTAssertEqual(Set(top).intersection(workspace), workspace)
    }
}
