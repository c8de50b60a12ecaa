import ArgumentParser
import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO

/// `uptake backtest --panel …` options.
struct PanelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A panel CSV, optionally prefixed by its kind: share=FILE or count=FILE (repeatable).",
                               valueName: "file"))
    var panel: [String] = []

    @Option(help: "Column of the series id.")
    var series = "Code"

    @Option(help: "Column of the year (YYYY) or date (YYYY-MM-DD).")
    var period = "Year"

    @Option(help: "Column of the value (default: the last column).")
    var value: String?

    @Option(help: ArgumentHelp("Keep only series whose id matches this regular expression (e.g. '^[A-Z]{3}$').",
                               valueName: "regex"))
    var seriesPattern: String?

    @Option(help: "A scenario file whose metric, models, priors and forecast settings (paths, seed; step) every series uses.")
    var template: String?

    @Option(help: "share or count, for a panel given without a kind and without --template.")
    var kind: String?

    @Option(help: ArgumentHelp("auto (default) or a comma-separated list of families, e.g. local_trend.", valueName: "list"))
    var models: String?

    @Option(help: "For shares: percent (default) or fraction.")
    var unit: String?

    @Option(parsing: .unconditional, help: "Use the last N years before each panel's last year as cutoffs (instead of --cutoff).")
    var origins: Int?

    @Option(parsing: .unconditional, help: "A series needs at least this many observations up to a cutoff.")
    var minPoints = 8

    @Option(parsing: .unconditional, help: "Keep only K observations, three years apart, before each cutoff.")
    var snapshots: Int?

    @Option(help: ArgumentHelp("Write every scored observation to this CSV.", valueName: "file"))
    var cells: String?

    @Option(help: ArgumentHelp("Score only shard i of n of the cells (series × cutoffs of every panel; numbered 1…n, "
        + "as $SLURM_ARRAY_TASK_ID): the cells whose place in the sorted cell keys is i, i+n, …. Needs --cells; the shard's "
        + "exact scores go beside it (.shard-i-of-n.json) for --merge-cells.", valueName: "i/n"))
    var shard: String?

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Join the shards of a panel backtest (their folders or --cells files): writes --cells and "
                + "prints the summaries exactly as the single run does.", valueName: "shard"))
    var mergeCells: [String] = []

    @Option(help: ArgumentHelp("Score with this calibration table (CSV) instead of the built-in one.", valueName: "file"))
    var calibration: String?

    @Option(help: ArgumentHelp("Write the local trend's error table from every origin of the panels (.csv or .swift).",
                               valueName: "file"))
    var writeCalibration: String?

    func check(cutoffGiven: Bool) throws {
        if cutoffGiven && origins != nil { throw ValidationError("with --panel, give --cutoff YEAR[,YEAR…] or --origins N, not both.") }
        if writeCalibration == nil, !cutoffGiven && origins == nil {
            throw ValidationError("with --panel, give either --cutoff YEAR[,YEAR…] or --origins N.")
        }
        if let origins, origins < 1 { throw ValidationError("--origins must be at least 1, got \(origins).") }
        if let shard {
            do { _ = try ScenarioShard(parsing: shard) } catch { throw ValidationError(error.description + ".") }
            guard cells != nil else { throw ValidationError("--shard needs --cells FILE: the shard's scores and manifest go there.") }
            guard writeCalibration == nil else { throw ValidationError("--shard and --write-calibration do not go together.") }
        }
        if minPoints < 2 { throw ValidationError("--min-points must be at least 2, got \(minPoints).") }
        if let snapshots, snapshots < 2 { throw ValidationError("--snapshots must be at least 2, got \(snapshots).") }
        if let kind, !["share", "count"].contains(kind) { throw ValidationError("--kind must be share or count, got '\(kind)'.") }
        _ = try families()
        if let unit, !["percent", "fraction"].contains(unit) {
            throw ValidationError("--unit must be percent or fraction, got '\(unit)'.")
        }
        for entry in panel {
            if let (prefix, _) = Self.splitKind(entry), !["share", "count"].contains(prefix) {
                throw ValidationError("--panel \(entry): the kind before '=' must be share or count.")
            }
        }
    }

    /// --models: nil for auto.
    func families() throws -> [CurveFamily]? {
        guard let models, models != "auto" else { return nil }
        return try models.split(separator: ",").map { name in
            let text = String(name).trimmingSpaces()
            guard let family = CurveFamily(rawValue: text) else {
                throw ValidationError("--models: unknown family '\(text)'; valid: auto or "
                    + CurveFamily.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            return family
        }
    }

    /// "share=path" → ("share", "path"); nil without a prefix.
    static func splitKind(_ entry: String) -> (String, String)? {
        guard let equals = entry.firstIndex(of: "="), !entry[..<equals].contains("/") else { return nil }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }
}

/// Runs the panel mode of `uptake backtest`.
struct PanelBacktestRun {
    let options: PanelOptions
    let cutoff: [String]
    let format: BacktestCommand.OutputFormat
    let simulation: SimulationOptions

    /// Panels get 2,000 paths unless --paths says otherwise: hundreds of series × cutoffs.
    static let defaultPaths = 2000

    func run() throws {
        var templates: [(panel: Panel, template: Scenario)] = []
        for entry in options.panel {
            let (kind, path) = PanelOptions.splitKind(entry) ?? (options.kind ?? "", entry)
            let panel = try Panel.read(path: path, seriesColumn: options.series, periodColumn: options.period,
                                       valueColumn: options.value, seriesPattern: options.seriesPattern)
            templates.append((panel, try template(for: panel, kind: kind)))
        }
        if let target = options.writeCalibration {
            try writeCalibration(templates, to: target)
            if cutoff.isEmpty && options.origins == nil { return }
        }
        var table: ErrorQuantileTable? = .builtIn
        if let path = options.calibration { table = try ErrorQuantileTable.load(path: path) }

        var panels: [(name: String, origins: [(series: String, origin: BacktestOrigin)])] = []
        var worst = ExitStatus.success
        let progress = BatchProgress()
        var backtests: [PanelBacktest] = []
        for (panel, baseTemplate) in templates {
            var template = baseTemplate
            if let paths = simulation.paths { template.forecast.paths = paths }
            if let seed = simulation.seed { template.forecast.seed = seed }
            let years = Set(panel.series.flatMap { $0.points.map(\.date.year) }).sorted()
            let cutoffs = try cutoffYears(lastYear: years.last ?? 0)
            backtests.append(PanelBacktest(panel: panel, template: template, cutoffs: cutoffs,
                                           minimumPoints: options.minPoints, snapshots: options.snapshots))
        }
        // --shard: this shard's cells of the whole batch (sorted keys, round-robin).
        let batch = PanelBacktestShard.Batch(panels: backtests.map { backtest in
            (backtest.panel.name, backtest.cells().map { PanelBacktestShard.key(panel: backtest.panel.name, series: $0.series, cutoff: $0.cutoff) })
        })
        let shard = try options.shard.map { text in
            do { return try ScenarioShard(parsing: text) } catch { throw InputError("\(error)") }
        }
        if shard != nil, Set(batch.keys).count != batch.keys.count {
            throw InputError("two panels have the same name (\(batch.panels.map(\.name).joined(separator: ", "))): "
                + "a sharded backtest tells cells apart by panel name")
        }
        let mine = shard.map { Set($0.select(batch.keys)) }
        var shardOrigins: [(key: String, origin: BacktestOrigin)] = []
        var failed: [ShardManifest.Failure] = []
        for backtest in backtests {
            let panel = backtest.panel
            let label = panel.name
            let key = { (cell: PanelBacktest.Cell) in PanelBacktestShard.key(panel: panel.name, series: cell.series, cutoff: cell.cutoff) }
            let results = backtest.run(jobs: simulation.resolvedJobs, errorTable: table,
                                       selecting: mine.map { mine in { mine.contains(key($0)) } }) { done, total in
                if done % 25 == 0 || done == total { progress.advance(done, of: total, label, status: "\(done) of \(total) cells") }
            }
            progress.finish()
            var origins: [(series: String, origin: BacktestOrigin)] = []
            for (cell, result) in results {
                switch result {
                case let .success(origin):
                    origins.append((cell.series, origin))
                    shardOrigins.append((key(cell), origin))
                case let .failure(error):
                    let message = "uptake: note: \(panel.name) \(cell.series), cutoff \(cell.cutoff): not scored, \(error)"
                    printError(message)
                    failed.append(ShardManifest.Failure(key: key(cell), file: panel.name, status: .failed, message: message))
                    worst = max(worst, .failed)
                }
            }
            // (A shard may hold no cell of a panel; the merge checks the whole batch.)
            if origins.isEmpty && shard == nil { throw nothingToScore(panel.name) }
            panels.append((panel.name, origins))
        }
        if let shard, let cells = options.cells {
            let manifest = ShardManifest(kind: .panelBacktest, toolVersion: Uptake.version, shard: shard,
                                         seed: simulation.seed.map { String($0) }, paths: simulation.paths,
                                         settings: try shardSettings(), batch: ScenarioShard.ordered(batch.keys).map { ShardManifest.Entry(key: $0) },
                                         keys: ScenarioShard.ordered(Array(mine ?? [])), failed: failed,
                                         payload: PanelBacktestShard.payload(batch, origins: shardOrigins))
            let folder = (cells as NSString).deletingLastPathComponent
            try manifest.write(to: folder.isEmpty ? "." : folder)
        }
        try Self.report(panels, cells: options.cells, format: format)
        if worst != .success { throw ExitCode(worst.rawValue) }
    }

    func nothingToScore(_ panel: String) -> InputError {
        InputError("\(panel): nothing to score: no series has \(options.minPoints) observations up to a cutoff and one after it")
    }

    /// The outputs of a panel backtest, from its origins per panel in cell order (with each
    /// origin's series id as the panel writes it): --cells, and the summaries on stdout. The
    /// single run, a shard and `--merge-cells` all write through here.
    static func report(_ panels: [(name: String, origins: [(series: String, origin: BacktestOrigin)])], cells: String?,
                       format: BacktestCommand.OutputFormat) throws {
        var summaries: [PanelBacktestSummary] = []
        var cellRows: [(String, [(String, BacktestScoredObservation)])] = []
        for (name, origins) in panels {
            summaries += PanelBacktestSummary.summaries(panel: name, origins.map(\.origin))
            cellRows.append((name, origins.flatMap { series, origin in origin.scored.map { (series, $0) } }))
        }
        if let path = cells {
            var text = ""
            for (index, (panel, rows)) in cellRows.enumerated() {
                let csv = PanelBacktestReport.cells(panel: panel, rows).text
                text += index == 0 ? csv : String(csv.drop { $0 != "\n" }.dropFirst())
            }
            do { try AtomicFile.write(text, to: path) } catch { throw InputError("cannot write \(path): \(error.localizedDescription)") }
        }
        switch format {
        case .table: print(PanelBacktestReport.table(summaries), terminator: "")
        case .csv: print(PanelBacktestReport.csv(summaries).text, terminator: "")
        case .json: print(PanelBacktestReport.json(summaries).rendered())
        }
    }

    /// `--merge-cells`: the shards' exact scores → the single run's --cells file and summaries.
    static func mergeCells(_ inputs: [String], cells: String?, format: BacktestCommand.OutputFormat) throws {
        let merged: (panels: [(name: String, origins: [(series: String, origin: BacktestOrigin)])], failures: [ShardManifest.Failure],
                     shards: Int)
        do { merged = try PanelBacktestShard.merge(inputs) } catch let problems as ResultsMerge.Problems {
            for line in problems.lines { printError("error: \(line)") }
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        var worst = ExitStatus.success
        for failure in merged.failures {
            printError(failure.message)
            worst = max(worst, failure.status)
        }
        for panel in merged.panels where panel.origins.isEmpty {
            throw InputError("\(panel.name): nothing to score: no cell of the merged shards was scored")
        }
        try report(merged.panels, cells: cells, format: format)
        printError("uptake: merged the scores of \(merged.panels.reduce(0) { $0 + $1.origins.count }) cells of \(merged.shards) shards")
        if worst != .success { throw ExitCode(worst.rawValue) }
    }

    /// Options besides --seed and --paths that a shard's scores depend on; shards of one batch
    /// must agree on all of them.
    func shardSettings() throws -> [(String, String)] {
        func sha(_ path: String) -> String {
            (try? TextFile.bytes(atPath: path)).map { "sha256:" + SHA256.hex($0) } ?? "unreadable"
        }
        var settings: [(String, String)] = options.panel.enumerated().map { index, entry in
            let path = PanelOptions.splitKind(entry)?.1 ?? entry
            return ("panel \(index + 1)", "\(entry) \(sha(path))")
        }
        settings += [("series", options.series), ("period", options.period), ("value", options.value ?? ""),
                     ("series_pattern", options.seriesPattern ?? ""), ("template", options.template.map { "\($0) \(sha($0))" } ?? ""),
                     ("kind", options.kind ?? ""), ("models", options.models ?? ""), ("unit", options.unit ?? ""),
                     ("cutoff", cutoff.joined(separator: ",")), ("origins", options.origins.map(String.init) ?? ""),
                     ("min_points", String(options.minPoints)), ("snapshots", options.snapshots.map(String.init) ?? ""),
                     ("calibration", options.calibration.map { "\($0) \(sha($0))" } ?? "built-in")]
        return settings
    }

    func cutoffYears(lastYear: Int) throws -> [Int] {
        if let n = options.origins { return ((lastYear - n)..<lastYear).map { $0 } }
        return try cutoff.flatMap { $0.split(separator: ",") }.map { part in
            let text = String(part).trimmingSpaces()
            guard let year = Int(text), text.count == 4 else {
                throw ValidationError("--cutoff with --panel takes years (YYYY), got '\(text)'.")
            }
            return year
        }
    }

    /// The template scenario: --template, or a metric of --kind/--unit with models auto and
    /// yearly steps.
    func template(for panel: Panel, kind: String) throws -> Scenario {
        if let path = options.template {
            var scenario = try ScenarioLoader.load(path: path)
            let templateKind = scenario.metric.kind.bound == nil ? "count" : "share"
            if !kind.isEmpty && kind != templateKind {
                throw InputError("\(panel.name): the panel is given as \(kind) but the template \(path) is a \(templateKind) metric")
            }
            if let paths = simulation.paths { scenario.forecast.paths = paths }
            if let families = try options.families() { scenario.models = families; scenario.modelsAreAuto = false }
            return scenario
        }
        let metricKind: MetricKind
        switch kind {
        case "share": metricKind = .share(options.unit == "fraction" ? .fraction : .percent)
        case "count": metricKind = .count
        default:
            throw InputError("\(panel.name): say what the values are: --panel share=FILE or count=FILE, --kind, or --template")
        }
        var scenario = Scenario(
            id: "panel", metric: Metric(name: panel.valueColumn, kind: metricKind), observations: [], targets: [],
            models: [], forecast: ForecastSettings(horizon: CalendarDate(year: 2000, month: 12, day: 31)!, step: .year,
                                                   paths: simulation.paths ?? Self.defaultPaths, seed: simulation.seed ?? 1),
            path: panel.name, inputSHA256: "")
        if let families = try options.families() { scenario.models = families } else { scenario.modelsAreAuto = true }
        return scenario
    }

    func writeCalibration(_ templates: [(panel: Panel, template: Scenario)], to path: String) throws {
        var errors: [ErrorQuantileTable.Kind: [(horizon: Int, error: Double)]] = [:]
        var provenance: [String] = []
        for (panel, template) in templates {
            let list = PanelCalibration.errors(panel, metric: template.metric, minimumPoints: options.minPoints,
                                               snapshots: options.snapshots)
            let kind: ErrorQuantileTable.Kind = template.metric.kind.bound == nil ? .count : .share
            errors[kind, default: []] += list
            provenance.append("\(panel.name) (\(kind.rawValue)): \(panel.series.count) series, \(counted(list.count, "error")), "
                + "every origin with \(options.minPoints)+ points\(options.snapshots.map { ", \($0) snapshots" } ?? "")")
        }
        let table = try PanelCalibration.table(errors, provenance: provenance)
        let text = path.hasSuffix(".swift") ? table.swiftSource : table.csv
        do { try AtomicFile.write(text, to: path) } catch { throw InputError("cannot write \(path): \(error.localizedDescription)") }
        printError("uptake: wrote \(path): " + ErrorQuantileTable.Kind.allCases.compactMap { kind in
            table.quantiles[kind].map { "\(kind.rawValue) horizons 1–\($0.count)" }
        }.joined(separator: ", "))
    }
}
