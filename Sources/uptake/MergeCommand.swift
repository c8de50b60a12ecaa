import ArgumentParser
import Foundation
import Reporting
import Scenarios

/// `uptake merge`: the folders of `uptake run --shard i/n` → one results folder.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the results folders of uptake run --shard i/n into one.",
        discussion: """
            Copies every scenario folder of the shards into --out and rebuilds <out>/summary.csv \
            from the scenario folders there, as uptake run does: the result is byte for byte what \
            one uptake run of the whole batch writes (run.json's timings aside). Merging again, \
            or into a folder that already holds the merged result, changes nothing.

            Nothing is written unless the shards make up one batch: every shard 1…n once (each \
            folder holds the .shard-i-of-n.json its run wrote), the same uptake version, --seed, \
            --paths and scenario files in each, every scenario of a shard in its folder and in \
            no other. Each problem is one line naming the shard, folder or scenario (exit 2).

            Exit codes: 0 ok; 2 the shards do not make up one batch, or a shard reported a bad \
            file; 3 a shard reported a failed forecast (the other scenarios are merged).

            Example:
              uptake run Scenarios/ --shard 1/2 --out Results/shard-1
              uptake run Scenarios/ --shard 2/2 --out Results/shard-2
              uptake merge Results/shard-1 Results/shard-2 --out Results
            """
    )

    @Argument(help: "The shard folders (each written by uptake run --shard i/n).")
    var inputs: [String]

    @Option(help: "Folder for the merged results.")
    var out: String = "Results"

    func run() throws {
        let results = ResultsFolder(out)
        try results.checkUsable()
        let merge = ResultsMerge(inputs: inputs, out: results)
        let plan: ResultsMerge.Plan
        do { plan = try merge.check() } catch let problems as ResultsMerge.Problems {
            for line in problems.lines { printError("error: \(line)") }
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        // Only a merge that will write takes the folder (created then) from other writers.
        let lock = try results.prepareForWriting(purpose: "uptake merge")
        defer { withExtendedLifetime(lock) {} }
        let copied = try merge.copy(plan)
        var status = ExitStatus.success
        // The batch files, rebuilt from the scenario folders under --out as `uptake run` does.
        for problem in try results.writeSummary() {
            printError("error: \(problem)")
            status = max(status, .badInput)
        }
        for problem in try results.writeReport() { printError("warning: \(problem)") }
        for failure in plan.failures {
            printError("error: \(failure.message)")
            status = max(status, failure.status)
        }
        let count = plan.shards.first?.manifest.shard.count ?? 0
        printError("uptake: merged \(copied.count) scenarios of \(count) shards into \(out)")
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
