import ArgumentParser
import Fitting
import Forecasting
import Foundation
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

            Examples:
              uptake backtest Scenarios/vietnam-internet-users.yaml --cutoff 2010,2014
              uptake backtest Scenarios/ --holdout 3 --paths 2000 --format csv
              uptake backtest a.yaml b.yaml --cutoff a=2015,2018 --cutoff b=2019-06-30
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    /// Fewer observations up to a cutoff than this: the scenario is skipped for that cutoff.
    static let minimumTrainingObservations = 3

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    @Option(help: ArgumentHelp("Cutoff dates, comma-separated (YYYY-MM-DD or YYYY); ID=DATE,… for one scenario.",
                               valueName: "date"))
    var cutoff: [String] = []

    @Option(help: "Hold out the last N observations of each scenario (instead of --cutoff).")
    var holdout: Int?

    @Option(help: "table, csv or json (json adds every held-out observation).")
    var format: OutputFormat = .table

    @OptionGroup var simulation: SimulationOptions

    func validate() throws {
        try simulation.check()
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
        if let date = CalendarDate(iso: text) { return date }
        if text.count == 4, let year = Int(text) { return CalendarDate(year: year, month: 12, day: 31) }
        return nil
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

    // MARK: Scoring

    enum Method: String, CaseIterable { case uptake, naive }

    /// One held-out observation scored by one method.
    struct Scored {
        var scenario: String
        var cutoff: CalendarDate
        var method: Method
        var referenceDate: CalendarDate
        var date: CalendarDate
        /// Grid steps (uptake) or observation steps (naive) after the reference date.
        var horizon: Int
        var observation: Double
        var median: Double
        var lower90: Double
        var upper90: Double
        var score: QuantileForecastScore
    }

    /// The scores of one scenario at one cutoff.
    struct Origin {
        var scenario: String
        var cutoff: CalendarDate
        var training: Int
        var scored: [Scored]
    }

    func run() throws {
        let plan = try cutoffPlan()
        var origins: [Origin] = []
        var loadedIDs: Set<String> = []
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs)
        var worst = try batch.forEachScenario(inputs) { scenario, file, index, total in
            loadedIDs.insert(scenario.id)
            var worst: Int32 = 0
            let observations = scenario.observations
            let cutoffs: [CalendarDate]
            if let holdout {
                guard observations.count > holdout else {
                    printError("uptake: note: \(scenario.id): skipped, --holdout \(holdout) leaves no observation to fit "
                        + "(it has \(observations.count))")
                    return 0
                }
                cutoffs = [observations[observations.count - holdout - 1].date]
            } else {
                cutoffs = plan.cutoffs(for: scenario.id)
            }
            for cutoffDate in cutoffs {
                let training = observations.filter { $0.date <= cutoffDate }
                let heldOut = observations.filter { $0.date > cutoffDate }
                if training.count < Self.minimumTrainingObservations || heldOut.isEmpty {
                    let why = heldOut.isEmpty ? "no observations after it (the last is \(observations.last.map { "\($0.date)" } ?? "none"))"
                        : "only \(training.count) observation\(training.count == 1 ? "" : "s") up to it "
                            + "(at least \(Self.minimumTrainingObservations) are needed)"
                    printError("uptake: note: \(scenario.id), cutoff \(cutoffDate): skipped, \(why)")
                    continue
                }
                do {
                    let origin = try backtest(scenario, cutoff: cutoffDate, training: training, heldOut: heldOut)
                    origins.append(origin)
                    let m = Self.means(origin.scored.filter { $0.method == .uptake })
                    let n = Self.means(origin.scored.filter { $0.method == .naive })
                    printError("uptake: [\(index)/\(total)] \(scenario.id), cutoff \(cutoffDate): "
                        + "\(training.count) fitted, \(heldOut.count) held out; WIS \(Self.number(m?.wis)) "
                        + "(naive \(Self.number(n?.wis))), 90 % coverage \(Self.number(m?.coverage90, digits: 2))")
                } catch let error as ScenarioError {
                    printError("error: \(error)")
                    worst = ScenarioBatch.worse(worst, UptakeExitCode.badInput)
                } catch {
                    printError("error: \(file): the forecast from cutoff \(cutoffDate) failed: \(error)")
                    worst = ScenarioBatch.worse(worst, UptakeExitCode.fitFailed)
                }
            }
            return worst
        }
        // (Only when every file loaded: a bad file may be the one with that id.)
        for id in plan.byScenario.keys.sorted() where !loadedIDs.contains(id) && worst == 0 {
            printError("error: --cutoff \(id)=…: no scenario with id '\(id)' among the inputs")
            worst = ScenarioBatch.worse(worst, UptakeExitCode.badInput)
        }
        guard !origins.isEmpty else {
            if worst != 0 { throw ExitCode(worst) }
            throw InputError("nothing to score: no scenario has at least \(Self.minimumTrainingObservations) observations "
                + "up to a cutoff and one after it")
        }
        let summaries = Self.summaries(origins)
        switch format {
        case .table: print(table(summaries), terminator: "")
        case .csv: print(csv(summaries).text, terminator: "")
        case .json: print(json(summaries, origins).rendered())
        }
        if worst != 0 { throw ExitCode(worst) }
    }

    /// Fit on `training`, forecast to the last held-out date, score uptake and the naive trend.
    private func backtest(_ scenario: Scenario, cutoff: CalendarDate, training: [ScenarioObservation],
                          heldOut: [ScenarioObservation]) throws -> Origin {
        // The scenario's data and settings, truncated at the cutoff; targets (whose deadlines
        // may precede the cutoff) and variants (hypothetical levers) are not part of a backtest.
        var truncated = scenario
        truncated.observations = training
        truncated.targets = []
        truncated.variants = []
        truncated.forecast.horizon = heldOut.last!.date
        let request = try truncated.forecastRequest()
        let result = try Forecaster.run(request, jobs: simulation.resolvedJobs)
        guard let forecast = result.forecasts.first else { throw ForecastError.invalidRequest("no forecast") }
        let levels = forecast.levels
        let reference = request.grid.referenceDate
        var scored: [Scored] = []
        func record(_ method: Method, _ observation: ScenarioObservation, horizon: Int, quantiles: [Double]) throws {
            let score: QuantileForecastScore
            do { score = try ForecastScoring.score(levels: levels, values: quantiles, observation: observation.value) } catch {
                throw ForecastError.invalidRequest("\(method.rawValue) forecast for \(observation.date): \(error)")
            }
            let at = { (level: Double) in quantiles[levels.firstIndex { abs($0 - level) < 1e-9 }!] }
            scored.append(Scored(scenario: scenario.id, cutoff: cutoff, method: method, referenceDate: reference,
                                 date: observation.date, horizon: horizon, observation: observation.value,
                                 median: at(0.5), lower90: at(0.05), upper90: at(0.95), score: score))
        }
        for observation in heldOut {
            let (horizon, quantiles) = Self.quantiles(forecast, at: observation.date)
            try record(.uptake, observation, horizon: horizon, quantiles: quantiles)
        }
        let naive = try NaiveTrendForecast.quantiles(history: training.map(\.value), horizons: Array(1...heldOut.count),
                                                     levels: levels, lower: 0, upper: scenario.metric.kind.bound)
        for (step, observation) in heldOut.enumerated() {
            try record(.naive, observation, horizon: step + 1, quantiles: naive[step])
        }
        return Origin(scenario: scenario.id, cutoff: cutoff, training: training.count, scored: scored)
    }

    /// The forecast's quantiles on `date`: at a grid date as they are; between two grid dates
    /// interpolated linearly in decimal years (quantile averaging keeps them non-decreasing);
    /// before the first grid date, the first grid date's. Returns the grid step h of the
    /// first grid date on or after `date`.
    static func quantiles(_ forecast: VariantForecast, at date: CalendarDate) -> (horizon: Int, quantiles: [Double]) {
        let dates = forecast.grid.dates
        guard let after = dates.firstIndex(where: { $0 >= date }) else {
            return (dates.count, forecast.quantiles[dates.count - 1])
        }
        if dates[after] == date || after == 0 { return (after + 1, forecast.quantiles[after]) }
        let t0 = dates[after - 1].decimalYear, t1 = dates[after].decimalYear
        let w = (date.decimalYear - t0) / (t1 - t0)
        let q = zip(forecast.quantiles[after - 1], forecast.quantiles[after]).map { a, b in a + w * (b - a) }
        return (after + 1, q)
    }

    // MARK: Summaries

    /// Mean scores of scored observations.
    static func means(_ scored: [Scored]) -> MeanScores? { MeanScores(scored.map(\.score)) }

    struct Summary {
        /// A scenario id or "all"; a cutoff date or "all".
        var scenario: String
        var cutoff: String
        var method: Method
        var means: MeanScores
        /// uptake rows: mean WIS(uptake)/mean WIS(naive), or the geometric mean of those
        /// ratios over the origins pooled.
        var relativeWIS: Double?
    }

    static func ratio(_ origin: Origin) -> Double? {
        guard let u = Self.means(origin.scored.filter { $0.method == .uptake }),
              let n = Self.means(origin.scored.filter { $0.method == .naive }) else { return nil }
        if u.wis == n.wis { return 1 }
        let r = u.wis / n.wis
        return r.isFinite && r > 0 ? r : nil
    }

    static func geometricMean(_ values: [Double?]) -> Double? {
        let logs = values.compactMap { $0 }.map { Foundation.log($0) }
        guard !logs.isEmpty, logs.count == values.count else { return nil }
        return Foundation.exp(logs.reduce(0, +) / Double(logs.count))
    }

    /// Per scenario × cutoff, per scenario (when it has several cutoffs) and for the batch
    /// (when it has several scenarios), each for uptake then naive.
    static func summaries(_ origins: [Origin]) -> [Summary] {
        var out: [Summary] = []
        func add(_ scenario: String, _ cutoff: String, _ group: [Origin]) {
            let scored = group.flatMap(\.scored)
            for method in Method.allCases {
                guard let means = Self.means(scored.filter { $0.method == method }) else { continue }
                out.append(Summary(scenario: scenario, cutoff: cutoff, method: method, means: means,
                                   relativeWIS: method == .uptake ? geometricMean(group.map(ratio)) : nil))
            }
        }
        var order: [String] = []
        for origin in origins where !order.contains(origin.scenario) { order.append(origin.scenario) }
        for id in order {
            let group = origins.filter { $0.scenario == id }
            for origin in group { add(id, origin.cutoff.description, [origin]) }
            if group.count > 1 { add(id, "all", group) }
        }
        if order.count > 1 { add("all", "all", origins) }
        return out
    }

    // MARK: Output

    static let csvHeader = ["scenario", "cutoff", "method", "n", "wis", "dispersion", "overprediction", "underprediction",
                            "ae_median", "coverage_50", "coverage_90", "relative_wis"]

    private func fields(_ s: Summary) -> [String] {
        let m = s.means
        return [s.scenario, s.cutoff, s.method.rawValue, String(m.count)]
            + [m.wis, m.dispersion, m.overprediction, m.underprediction, m.absoluteErrorOfMedian, m.coverage50, m.coverage90, s.relativeWIS]
                .map(CSVTable.number)
    }

    private func csv(_ summaries: [Summary]) -> CSVTable {
        var table = CSVTable(header: Self.csvHeader)
        for s in summaries { table.append(fields(s)) }
        return table
    }

    private func json(_ summaries: [Summary], _ origins: [Origin]) -> JSONValue {
        func object(_ header: [String], _ row: [String], text: Set<String>) -> JSONValue {
            .object(zip(header, row).map { name, field in
                if text.contains(name) { return (name, .string(field)) }
                if field.isEmpty { return (name, .null) }
                if field == "true" || field == "false" { return (name, .bool(field == "true")) }
                if let i = Int(field), name == "n" || name == "horizon" { return (name, .integer(i)) }
                return (name, .number(Double(field) ?? .nan))
            })
        }
        let summaryItems = summaries.map { object(Self.csvHeader, fields($0), text: ["scenario", "cutoff", "method"]) }
        let observationHeader = ["scenario", "cutoff", "method", "reference_date", "target_end_date", "horizon", "observation",
                                 "median", "q05", "q95", "wis", "dispersion", "overprediction", "underprediction",
                                 "ae_median", "coverage_50", "coverage_90"]
        let observationItems: [JSONValue] = origins.flatMap(\.scored).map { s in
            object(observationHeader, [s.scenario, s.cutoff.description, s.method.rawValue, s.referenceDate.description,
                                       s.date.description, String(s.horizon)]
                + [s.observation, s.median, s.lower90, s.upper90, s.score.wis.wis, s.score.wis.dispersion,
                   s.score.wis.overprediction, s.score.wis.underprediction, s.score.absoluteErrorOfMedian].map(CSVTable.number)
                + [s.score.coverage50 ? "true" : "false", s.score.coverage90 ? "true" : "false"],
                text: ["scenario", "cutoff", "method", "reference_date", "target_end_date"])
        }
        return .object([("summaries", .array(summaryItems)), ("observations", .array(observationItems))])
    }

    private func table(_ summaries: [Summary]) -> String {
        var lines: [[String]] = [["scenario", "cutoff", "method", "n", "WIS", "dispersion", "overpred.", "underpred.",
                                  "AE median", "50% cov.", "90% cov.", "rel. WIS"]]
        var previous: (String, String)?
        for s in summaries {
            let m = s.means
            let same = previous.map { $0 == (s.scenario, s.cutoff) } ?? false
            lines.append([same ? "" : s.scenario, same ? "" : s.cutoff, s.method.rawValue, String(m.count),
                          Self.number(m.wis), Self.number(m.dispersion), Self.number(m.overprediction),
                          Self.number(m.underprediction), Self.number(m.absoluteErrorOfMedian),
                          Self.number(m.coverage50, digits: 2), Self.number(m.coverage90, digits: 2),
                          s.method == .uptake ? Self.number(s.relativeWIS, digits: 3) : ""])
            previous = (s.scenario, s.cutoff)
        }
        return CompareCommand.aligned(lines)
    }

    static func number(_ x: Double?, digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "—" }
        return String(format: "%.\(digits)g", x)
    }
}
