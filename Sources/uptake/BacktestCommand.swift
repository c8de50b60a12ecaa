import ArgumentParser
import Fitting
import Reporting
import Scenarios

/// `uptake backtest`: refit on the data up to a cutoff, forecast the rest, and score the
/// held-out observations against a naive baseline (issue 5, item 2).
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score forecasts made from the data up to a cutoff against the observations after it.",
        discussion: """
            For each scenario and cutoff: keep the observations up to the cutoff (inclusive), fit \
            and forecast with the scenario's settings (models, priors, ceiling, launch, error \
            scale, step; targets and variants are left out), with the grid extended to the last \
            held-out observation, and score every held-out observation: the weighted interval \
            score (WIS; Bracher et al. 2021, as scoringutils computes it) with its dispersion, \
            overprediction and underprediction, the absolute error of the median, and whether \
            it lies in the central 50 % and 90 % intervals. An observation between grid dates is \
            scored against quantiles interpolated linearly in time between the grid dates \
            around it.

            Next to each forecast, the naive baseline: the last value plus its mean change over \
            the last 3 periods, with intervals from the empirical quantiles of past h-step \
            changes around that trend (periods = the series' observation steps).

            Scores are averaged per scenario and cutoff, per scenario, and over the batch. \
            relative_wis is mean WIS(uptake) / mean WIS(naive) per scenario and cutoff, and the \
            geometric mean of those ratios when pooled (scale-free; below 1: better than naive). \
            Pooled WIS means add up different units: compare coverage and relative WIS across \
            scenarios.

            --cutoff DATE[,DATE…] applies to every scenario (a year YYYY means YYYY-12-31); \
            --cutoff ID=DATE[,DATE…] to one scenario only, overriding the general cutoffs for \
            it (repeat --cutoff for several). --holdout N keeps all but the last N \
            observations. A scenario with fewer than 3 observations up to a cutoff, or none \
            after it, is skipped with a note.

            --format table and csv print the averages; json also every held-out observation.

            Exit codes: 0 ok; 2 bad input (a bad file, nothing to score); 3 a forecast failed.

            Panels (--panel [share=|count=]FILE.csv, repeatable): many series of one indicator \
            in a long CSV (columns by --series, --period, --value; the defaults read \
            ../shared/reference/panels as they are). Each series with at least --min-points \
            observations up to a cutoff year is backtested as a scenario built from --template \
            (or from --kind/--unit, models auto, yearly steps); scores are averaged per panel × \
            cutoff × horizon (years after the cutoff), with the bias of the median; --cells FILE \
            writes every scored observation. --snapshots K keeps only K observations three \
            years apart before each cutoff. --write-calibration FILE (.csv or .swift) writes the \
            local trend's error table from every origin of the panels (make calibrate); \
            --calibration FILE.csv scores with such a table instead of the built-in one (to \
            score a panel with a table built from the others).

            Sharded (docs/scale.md): --shard i/n --cells DIR/cells.csv scores shard i of the \
            cells (series × cutoffs, sorted, round-robin) and keeps its exact scores beside the \
            file; --merge-cells DIR... [--cells FILE] joins the shards into the single run's \
            cells file and summaries, byte for byte.

            Examples:
              uptake backtest Scenarios/vietnam-internet-users.yaml --cutoff 2010,2014
              uptake backtest Scenarios/ --holdout 3 --paths 2000 --format csv
              uptake backtest Scenarios/vietnam-internet-users.yaml Tests/Data/backtest/carstock-nl.yaml \\
                  --cutoff vietnam-internet-users=2012 --cutoff carstock-nl=1975,1980
              uptake backtest --panel share=Tests/Data/panel/electricity-12.csv \\
                  --series-pattern '^[A-Z]{3}$' --cutoff 2008,2012
              uptake backtest --panel share=Tests/Data/panel/electricity-12.csv \\
                  --series-pattern '^[A-Z]{3}$' --write-calibration table.csv
              uptake backtest --panel share=Tests/Data/panel/electricity-12.csv \\
                  --series-pattern '^[A-Z]{3}$' --cutoff 2008,2012 --shard 2/2 --cells shard-2/cells.csv
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "Scenario files or folders of them (not with --panel).")
    var inputs: [String] = []

    @OptionGroup(title: "Panels") var panelOptions: PanelOptions

    @Option(help: ArgumentHelp("Cutoff dates, comma-separated (YYYY-MM-DD or YYYY); ID=DATE,… for one scenario.",
                               valueName: "date"))
    var cutoff: [String] = []

    @Option(parsing: .unconditional, help: "Hold out the last N observations of each scenario (instead of --cutoff).")
    var holdout: Int?

    @Option(help: "table, csv or json (json adds every held-out observation).")
    var format: OutputFormat = .table

    @OptionGroup var simulation: SimulationOptions

    func validate() throws {
        try simulation.check()
        if !panelOptions.mergeCells.isEmpty {
            guard inputs.isEmpty, panelOptions.panel.isEmpty, panelOptions.shard == nil else {
                throw ValidationError("--merge-cells takes the shards' folders alone (their manifests hold the panels and settings).")
            }
            return
        }
        if !panelOptions.panel.isEmpty {
            guard inputs.isEmpty else { throw ValidationError("give scenario files or --panel, not both.") }
            guard holdout == nil else { throw ValidationError("--holdout is for scenarios; panels take --cutoff YEAR,… or --origins N.") }
            try panelOptions.check(cutoffGiven: !cutoff.isEmpty)
            return
        }
        guard !inputs.isEmpty else { throw ValidationError("give scenario files (or a folder), or --panel FILE.csv.") }
        guard panelOptions.shard == nil else {
            throw ValidationError("--shard splits the cells of --panel backtests (a batch of scenarios: uptake run --shard).")
        }
        if cutoff.isEmpty == (holdout == nil) {
            throw ValidationError("give either --cutoff DATE[,DATE…] or --holdout N.")
        }
        if let holdout, holdout < 1 { throw ValidationError("--holdout must be at least 1, got \(holdout).") }
        _ = try cutoffPlan()
    }

    // MARK: Cutoffs

    struct CutoffPlan {
        var general: [CalendarDate] = []
        var byScenario: [String: [CalendarDate]] = [:]

        func cutoffs(for id: String) -> [CalendarDate] { byScenario[id] ?? general }
    }

    static func parseDate(_ text: String) -> CalendarDate? {
        CalendarDate(iso: text) ?? CalendarDate(yearEnd: text)
    }

    func cutoffPlan() throws -> CutoffPlan {
        var plan = CutoffPlan()
        for argument in cutoff {
            var id: String?
            var list = Substring(argument)
            if let equals = argument.firstIndex(of: "=") {
                id = String(argument[..<equals]).trimmingSpaces()
                list = argument[argument.index(after: equals)...]
            }
            let dates = try list.split(separator: ",").map { part -> CalendarDate in
                let text = String(part).trimmingSpaces()
                guard let date = Self.parseDate(text) else {
                    throw ValidationError("--cutoff: '\(text)' is not a date (YYYY-MM-DD) or a year (YYYY).")
                }
                return date
            }
            guard !dates.isEmpty else { throw ValidationError("--cutoff '\(argument)' has no dates.") }
            let sorted = Array(Set(dates)).sorted()
            if let id {
                guard ScenarioLoader.isValidID(id) else {
                    throw ValidationError("--cutoff '\(argument)': '\(id)' is not a scenario id ([a-z0-9-]+).")
                }
                plan.byScenario[id] = Array(Set((plan.byScenario[id] ?? []) + sorted)).sorted()
            } else {
                plan.general = Array(Set(plan.general + sorted)).sorted()
            }
        }
        return plan
    }

    func run() throws {
        if !panelOptions.mergeCells.isEmpty {
            try PanelBacktestRun.mergeCells(panelOptions.mergeCells, cells: panelOptions.cells, format: format)
            return
        }
        if !panelOptions.panel.isEmpty {
            try PanelBacktestRun(options: panelOptions, cutoff: cutoff, format: format, simulation: simulation).run()
            return
        }
        let plan = try cutoffPlan()
        var origins: [BacktestOrigin] = []
        var loadedIDs: Set<String> = []
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs)
        var worst = try batch.forEachScenario(inputs, onFailure: { printError("error: \($0)") }) { scenario, file, index, total in
            loadedIDs.insert(scenario.id)
            var worst = ExitStatus.success
            let cutoffs: [CalendarDate]
            if let holdout {
                guard let date = ScenarioBacktest.cutoff(scenario, holdingOut: holdout) else {
                    printError("uptake: note: \(scenario.id): skipped, --holdout \(holdout) leaves no observation to fit "
                        + "(it has \(scenario.observations.count))")
                    return .success
                }
                cutoffs = [date]
            } else {
                cutoffs = plan.cutoffs(for: scenario.id)
            }
            for cutoffDate in cutoffs {
                let backtest = ScenarioBacktest(scenario, cutoff: cutoffDate)
                if let why = backtest.skipReason {
                    printError("uptake: note: \(scenario.id), cutoff \(cutoffDate): skipped, \(why)")
                    continue
                }
                do {
                    let origin = try backtest.run(jobs: simulation.resolvedJobs)
                    origins.append(origin)
                    let m = origin.means(.uptake), n = origin.means(.naive)
                    printError("uptake: [\(index)/\(total)] \(scenario.id), cutoff \(cutoffDate): "
                        + "\(backtest.training.count) fitted, \(backtest.heldOut.count) held out; WIS \(BacktestReport.number(m?.wis)) "
                        + "(naive \(BacktestReport.number(n?.wis))), 90 % coverage \(BacktestReport.number(m?.coverage90, digits: 2))")
                } catch let error as ScenarioError {
                    printError("error: \(error)")
                    worst = max(worst, .badInput)
                } catch {
                    printError("error: \(file): the forecast from cutoff \(cutoffDate) failed: \(error)")
                    worst = max(worst, .failed)
                }
            }
            return worst
        }
        // (Only when every file loaded: a bad file may be the one with that id.)
        for id in plan.byScenario.keys.sorted() where !loadedIDs.contains(id) && worst == .success {
            printError("error: --cutoff \(id)=…: no scenario with id '\(id)' among the inputs")
            worst = max(worst, .badInput)
        }
        guard !origins.isEmpty else {
            if worst != .success { throw ExitCode(worst.rawValue) }
            throw InputError("nothing to score: no scenario has at least \(ScenarioBacktest.minimumTrainingObservations) "
                + "observations up to a cutoff and one after it")
        }
        let summaries = BacktestSummary.summaries(origins)
        switch format {
        case .table: print(BacktestReport.table(summaries), terminator: "")
        case .csv: print(BacktestReport.csv(summaries).text, terminator: "")
        case .json: print(BacktestReport.json(summaries, origins).rendered())
        }
        if worst != .success { throw ExitCode(worst.rawValue) }
    }
}
