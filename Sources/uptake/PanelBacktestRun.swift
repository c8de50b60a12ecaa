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

        var summaries: [PanelBacktestSummary] = []
        var cellRows: [(String, [(String, BacktestScoredObservation)])] = []
        var worst = ExitStatus.success
        let progress = BatchProgress()
        for (panel, baseTemplate) in templates {
            var template = baseTemplate
            if let paths = simulation.paths { template.forecast.paths = paths }
            if let seed = simulation.seed { template.forecast.seed = seed }
            let years = Set(panel.series.flatMap { $0.points.map(\.date.year) }).sorted()
            let cutoffs = try cutoffYears(lastYear: years.last ?? 0)
            let backtest = PanelBacktest(panel: panel, template: template, cutoffs: cutoffs,
                                         minimumPoints: options.minPoints, snapshots: options.snapshots)
            let label = panel.name
            let results = backtest.run(jobs: simulation.resolvedJobs, errorTable: table) { done, total in
                if done % 25 == 0 || done == total { progress.advance(done, of: total, label, status: "\(done) of \(total) cells") }
            }
            progress.finish()
            var origins: [BacktestOrigin] = []
            var scored: [(String, BacktestScoredObservation)] = []
            for (cell, result) in results {
                switch result {
                case let .success(origin):
                    origins.append(origin)
                    scored += origin.scored.map { (cell.series, $0) }
                case let .failure(error):
                    printError("uptake: note: \(panel.name) \(cell.series), cutoff \(cell.cutoff): not scored, \(error)")
                    worst = max(worst, .failed)
                }
            }
            guard !origins.isEmpty else {
                throw InputError("\(panel.name): nothing to score: no series has \(options.minPoints) observations up to a cutoff "
                    + "and one after it")
            }
            summaries += PanelBacktestSummary.summaries(panel: panel.name, origins)
            cellRows.append((panel.name, scored))
        }
        if let path = options.cells {
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
        if worst != .success { throw ExitCode(worst.rawValue) }
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
