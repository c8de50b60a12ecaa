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
            and fan.svg, and <out>/summary.csv and <out>/report.html with every target of every \
            scenario folder under <out>; also families.csv (P(met) per family) when two or more \
            families fit, and seek.csv when the scenario has a seek: section (see `uptake seek \
            --help`). Files are written atomically. A bad file is reported and the others still run.

            Exit codes: 0 ok; 2 bad input in some file; 3 a forecast failed.

            Example:
              uptake run Scenarios/                 # every scenario, into Results/
              uptake run Scenarios/phu-my-noncash-acceptance-points.yaml --paths 20000
              uptake run Scenarios/ --shard 2/4 --out Results-shard-2   # then: uptake merge
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
        try OutputFolder.check(out, option: "--out")
        if let shard {
            do { _ = try ScenarioShard(parsing: shard) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let results = ResultsFolder(out)
        let lock = try results.prepareForWriting(purpose: "uptake run")
        defer { withExtendedLifetime(lock) {} }
        // A shard manifest describes a finished shard: one from an earlier run goes before this
        // run writes, so a run that dies leaves none for a merge to trust.
        if self.shard != nil { try ShardManifest.removeAll(in: out) }
        let shard = try self.shard.map { text throws(ShardError) in try ScenarioShard(parsing: text) }
        var batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs, shard: shard)
        batch.seeksAndComparesFamilies = true   // seek.csv, families.csv
        let progress = BatchProgress()
        var summary = BatchSummary()
        var plan: ScenarioBatch.ShardPlan?
        var failures: [ScenarioBatch.Failure] = []
        var (_, status) = try batch.run(inputs, persist: { outcome in
            // On the forecasting thread: the scenario's files.
            try results.write(outcome, toolVersion: Uptake.version)
        }, onFailure: { printError("error: \($0)"); failures.append($0) }, onPlan: { plan = $0 }) { outcome, index, total in
            let verdicts = outcome.result.forecasts.first?.feasibility.map(\.verdict.rawValue).joined(separator: ", ") ?? ""
            progress.advance(index, of: total, outcome.scenario.id, status: verdicts)
            summary.add(outcome, of: total)
        }
        progress.finish()
        // Rebuilt from the folders under --out: this batch's scenarios and earlier ones'.
        for problem in try results.writeSummary() {
            printError("error: \(problem)")
            status = max(status, .badInput)
        }
        // report.html, rebuilt the same way from every scenario folder under --out.
        for problem in try results.writeReport() { printError("warning: \(problem)") }
        // Last, so a shard that stopped early has no manifest and its merge says so.
        if let plan {
            try ShardManifest.run(plan, failures: failures, toolVersion: Uptake.version,
                                  seed: simulation.seed.map { String($0) }, paths: simulation.paths).write(to: out)
        }
        print(summary.text(resultsIn: out), terminator: "")
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// Options shared by `run` and `check`.
struct SimulationOptions: ParsableArguments {
    // `.unconditional`: a negative value is read as the value (and refused by check() with a
    // message), not as an unknown flag that leaves the option "missing" its value.
    @Option(parsing: .unconditional, help: "Monte Carlo paths per variant (1…10,000,000; overrides the scenario's forecast.paths).")
    var paths: Int?

    @Option(name: .customLong("seed"), parsing: .unconditional,
            help: ArgumentHelp("Random seed, a whole number 0…2^64−1 (overrides the scenario's forecast.seed). "
                               + "Results depend only on seed and paths.", valueName: "seed"))
    var seedText: String?

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores). Results are identical for any value.")
    var jobs: Int?

    var seed: UInt64? { seedText.flatMap { UInt64($0) } }

    func check() throws {
        if let seedText, UInt64(seedText) == nil {
            throw ValidationError("--seed must be a whole number from 0 to 18446744073709551615 (2^64 − 1), got '\(seedText)'.")
        }
        if let paths, !(1...10_000_000).contains(paths) {
            throw ValidationError("--paths must be between 1 and 10,000,000, got \(paths).")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs).") }
    }

    var resolvedJobs: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}
