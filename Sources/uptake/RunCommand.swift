import ArgumentParser
import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO

/// `uptake run`: scenario files → Results/<id>/ and Results/summary.csv.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Forecast scenario files and write their results.",
        discussion: """
            For each scenario writes <out>/<id>/forecast.csv, feasibility.csv, fit.csv, run.json \
            and fan.svg, and <out>/summary.csv with every target of the batch. Files are written \
            atomically. A bad file is reported and the others still run.

            Exit codes: 0 ok; 2 bad input in some file; 3 a forecast failed.

            Example:
              uptake run Scenarios/                 # every scenario, into Results/
              uptake run Scenarios/phu-my-acceptance-points.yaml --paths 20000 --jobs 2
              uptake run Scenarios/ --shard 2/4 --out Results/shard-2   # then: uptake merge
            """
    )

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    @Option(help: "Folder for the results.")
    var out: String = "Results"

    @Option(help: ArgumentHelp("Run only shard i of n of the batch (numbered 1…n, as $SLURM_ARRAY_TASK_ID with "
        + "sbatch --array=1-n): the scenarios whose place in the sorted ids is i, i+n, i+2n, …; "
        + "writes <out>/.shard-i-of-n.json for uptake merge.", valueName: "i/n"))
    var shard: String?

    @OptionGroup var simulation: SimulationOptions

    func validate() throws {
        try simulation.check()
        if let shard {
            do { _ = try ScenarioShard(parsing: shard) } catch { throw ValidationError(error.description + ".") }
        }
    }

    func run() throws {
        let results = ResultsFolder(out)
        try results.checkUsable()
        let shard = try self.shard.map { text throws(ShardError) in try ScenarioShard(parsing: text) }
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs, shard: shard)
        let progress = BatchProgress()
        var plan: ScenarioBatch.ShardPlan?
        var failures: [ScenarioBatch.Failure] = []
        var (_, status) = try batch.run(inputs, persist: { outcome in
            // On the forecasting thread: the scenario's files.
            try results.write(outcome, toolVersion: Uptake.version)
        }, onFailure: { printError("error: \($0)"); failures.append($0) }, onPlan: { plan = $0 }) { outcome, index, total in
            let verdicts = outcome.result.forecasts.first?.feasibility.map(\.verdict.rawValue).joined(separator: ", ") ?? ""
            progress.advance(index, of: total, outcome.scenario.id, status: verdicts)
        }
        progress.finish()
        // Rebuilt from the folders under --out: this batch's scenarios and earlier ones'.
        for problem in try results.writeSummary() {
            printError("error: \(problem)")
            status = max(status, .badInput)
        }
        // Last, so a shard that stopped early has no manifest and its merge says so.
        if let plan {
            try ShardManifest.run(plan, failures: failures, toolVersion: Uptake.version,
                                  seed: simulation.seed.map { String($0) }, paths: simulation.paths).write(to: out)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// Options shared by `run` and `check`.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Monte Carlo paths per variant (1…10,000,000; overrides the scenario's forecast.paths).")
    var paths: Int?

    @Option(help: "Random seed (overrides the scenario's forecast.seed). Results depend only on seed and paths.")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores). Results are identical for any value.")
    var jobs: Int?

    func check() throws {
        if let paths, !(1...10_000_000).contains(paths) {
            throw ValidationError("--paths must be between 1 and 10,000,000, got \(paths).")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs).") }
    }

    var resolvedJobs: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}
