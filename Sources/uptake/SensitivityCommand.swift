import ArgumentParser
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO

/// `uptake sensitivity`: a tornado of P(met) as each input moves over its range.
struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Show how P(met) swings as each input moves over its range (a tornado).",
        discussion: """
            Moves one input at a time, the others at baseline, with the scenario's seed and \
            paths in every run (common random numbers): the ceiling (a range's min and max, a \
            fixed ceiling ×0.9 and ×1.1, a prior's 5 % and 95 % quantiles, as fixed values; \
            nothing for an unbounded estimated ceiling), the growth rate (×0.8 and ×1.25 from \
            the reference date), the timing (the curve a year later and a year earlier), the \
            noise (×0.5 and ×2), each variant's levers (the low and high ends of each \
            distribution, alone, as fixed values), and each fitted family forced alone.

            Writes <out>/<id>/sensitivity.csv and tornado.svg, and prints the bars, largest \
            swing first (--format csv: sensitivity.csv's columns; json: its rows).

            Exit codes: 0 ok; 2 bad input; 3 a forecast failed.

            Example:
              uptake sensitivity Scenarios/phu-my-noncash-acceptance-points.yaml
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "A scenario file.")
    var scenario: String

    @Option(help: "Folder for the results (sensitivity.csv and tornado.svg go to <out>/<id>/).")
    var out: String = "Results"

    @Option(help: "table, csv (sensitivity.csv's columns) or json.")
    var format: OutputFormat = .table

    @OptionGroup var simulation: SimulationOptions

    func validate() throws { try simulation.check() }

    func run() throws {
        let results = ResultsFolder(out)
        try results.checkUsable()
        let loaded = try simulation.scenario(scenario)
        let analysis = try forecasting(scenario) { try loaded.sensitivity(jobs: simulation.resolvedJobs) }
        // Under the folder's lock, as every writer of a results folder; the page then shows it.
        let lock = try results.prepareForWriting(purpose: "uptake sensitivity")
        defer { withExtendedLifetime(lock) {} }
        try results.writeSensitivity(analysis, scenario: loaded.id, title: loaded.title)
        for problem in try results.writeReport() { printError("warning: \(problem)") }
        switch format {
        case .csv: print(SensitivityTable.table(scenario: loaded.id, analysis).text, terminator: "")
        case .json: print(JSONValue.array(SensitivityTable.json(scenario: loaded.id, analysis)).rendered())
        case .table: print(SensitivityTable.text(analysis), terminator: "")
        }
        let folder = results.folder(for: loaded.id)
        printError("wrote \(folder)/\(ResultsFolder.sensitivityName) and \(folder)/\(ResultsFolder.tornadoName)")
    }
}
