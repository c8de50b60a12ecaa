import ArgumentParser
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO

extension SeekLever: ExpressibleByArgument {}

/// `uptake seek`: what would it take — the smallest lever that lifts P(met) to a probability.
struct SeekCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seek",
        abstract: "Find the smallest lever (or latest start) that lifts P(met) to a probability.",
        discussion: """
            Bisects the lever over common random numbers (the scenario's seed and paths in \
            every run, so P(met) moves only through the lever), from the reference date (the \
            last observation). Search ranges: growth_multiplier ×1…×10, ceiling_multiplier \
            ×1…×5, level_shift 0…2×(target − last observed level); start moves the first \
            variant's `from` date between the reference date and the deadline and reports the \
            latest that still gives the probability. Prints, per target: the value with its \
            Monte Carlo standard error (delta method), P(met) there and at baseline, and the \
            baseline date by which the target is met with that probability. Options default \
            to the scenario's seek: section, else 0.8, growth_multiplier and every target.

            --format csv prints exactly the columns of seek.csv (which `uptake run` writes \
            for a scenario with a seek: section).

            Exit codes: 0 ok; 2 bad input (scenario, target, probability, lever, start \
            without a variant); 3 a forecast failed.

            Example:
              uptake seek Scenarios/phu-my-noncash-acceptance-points.yaml --probability 0.8
              uptake seek Scenarios/vung-tau-market-qr.yaml --target 2 --lever level_shift --format csv
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "A scenario file.")
    var scenario: String

    @Option(help: "A target's label, or its number (1, 2, …); default: every target.")
    var target: String?

    @Option(help: "The P(met) to reach, between 0 and 1 (default 0.8).")
    var probability: Double?

    @Option(help: "growth_multiplier (default), level_shift, ceiling_multiplier or start.")
    var lever: SeekLever?

    @Option(help: "table, csv (seek.csv's columns) or json.")
    var format: OutputFormat = .table

    @OptionGroup var simulation: SimulationOptions

    func validate() throws {
        try simulation.check()
        if let probability, !(probability > 0 && probability < 1) {
            throw ValidationError("--probability must be between 0 and 1 (exclusive), e.g. 0.8, got \(probability).")
        }
    }

    func run() throws {
        let loaded = try simulation.scenario(scenario)
        var settings = loaded.seek ?? SeekSettings()
        if let probability { settings.probability = probability }
        if let lever { settings.lever = lever }
        if let target { settings.target = target }
        let rows = try forecasting(scenario) { try loaded.leverSeek(settings, jobs: simulation.resolvedJobs) }
        switch format {
        case .csv: print(SeekTable.table(scenario: loaded.id, rows).text, terminator: "")
        case .json: print(JSONValue.array(SeekTable.json(scenario: loaded.id, rows)).rendered())
        case .table: print(SeekTable.text(rows), terminator: "")
        }
    }
}

extension SimulationOptions {
    /// One scenario file with --paths and --seed applied (`seek`, `sensitivity`); a file that
    /// does not load throws its ``ScenarioError`` (exit 2).
    func scenario(_ path: String) throws -> Scenario {
        var scenario = try ScenarioLoader.load(path: path)
        if let paths { scenario.forecast.paths = paths }
        if let seed { scenario.forecast.seed = seed }
        return scenario
    }
}

/// `body`'s result; bad input (a ``ScenarioError``) passes through (exit 2), a forecast that
/// fails is one line on stderr and exit code 3.
func forecasting<T>(_ file: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ScenarioError {
        throw error
    } catch {
        printError("error: \(file): the forecast failed: \(error)")
        throw ExitCode(ExitStatus.failed.rawValue)
    }
}
