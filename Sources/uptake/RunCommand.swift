import ArgumentParser
import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios

/// `uptake run`: scenario files → Results/<id>/ and Results/summary.csv.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Forecast scenario files and write their results.",
        discussion: """
            For each scenario writes <out>/<id>/forecast.csv, feasibility.csv, fit.csv, run.json \
            and fan.svg, and <out>/summary.csv and <out>/report.html with every target of every \
            scenario folder under <out>. Files are written \
            atomically. A bad file is reported and the others still run.

            Exit codes: 0 ok; 2 bad input in some file; 3 a forecast failed.

            Example:
              uptake run Scenarios/                 # every scenario, into Results/
              uptake run Scenarios/phu-my-acceptance-points.yaml --paths 20000 --jobs 2
            """
    )

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    @Option(help: "Folder for the results.")
    var out: String = "Results"

    @OptionGroup var simulation: SimulationOptions

    func validate() throws { try simulation.check() }

    func run() throws {
        let results = ResultsFolder(out)
        try results.checkUsable()
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs)
        let progress = BatchProgress()
        var (_, status) = try batch.run(inputs, persist: { outcome in
            // On the forecasting thread: the scenario's files.
            try results.write(outcome, toolVersion: Uptake.version)
        }, onFailure: { printError("error: \($0)") }) { outcome, index, total in
            let verdicts = outcome.result.forecasts.first?.feasibility.map(\.verdict.rawValue).joined(separator: ", ") ?? ""
            progress.advance(index, of: total, outcome.scenario.id, status: verdicts)
        }
        progress.finish()
        // Rebuilt from the folders under --out: this batch's scenarios and earlier ones'.
        for problem in try results.writeSummary() {
            printError("error: \(problem)")
            status = max(status, .badInput)
        }
        // report.html, rebuilt the same way from every scenario folder under --out.
        for problem in try results.writeReport() { printError("warning: \(problem)") }
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
