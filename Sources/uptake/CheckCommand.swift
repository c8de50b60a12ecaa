import ArgumentParser
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO

/// `uptake check`: one line per target — what a reviewer runs before signing a target off.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say, per target, how likely it is to be met, and exit non-zero if asked to.",
        discussion: """
            Prints one line per target and variant: scenario, target, deadline, P(met), the \
            median date reached and the verdict (on_track P ≥ 0.8, at_risk P ≥ 0.2, off_track, \
            met in the data, or missed: the deadline passed in the data unmet; thresholds from \
            the scenario's verdict: block). Assumed targets \
            are marked. Nothing is written to disk.

            --format csv prints exactly the columns of feasibility.csv.

            Exit codes: 0 ok; 1 with --strict when a target is off track or missed; 2 bad input; 3 a \
            forecast failed.

            Example:
              uptake check Scenarios/ --strict
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    @Option(help: "table, csv (feasibility.csv's columns) or json.")
    var format: OutputFormat = .table

    @Flag(help: "Exit with 1 if any target is off track or missed.")
    var strict = false

    @OptionGroup var simulation: SimulationOptions

    func validate() throws { try simulation.check() }

    func run() throws {
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs)
        let (outcomes, batchStatus) = try batch.run(inputs, onFailure: { printError("error: \($0)") }) { _, _, _ in }
        switch format {
        case .csv:
            let rows = outcomes.flatMap { FeasibilityTable.rows(scenario: $0.scenario.id, forecasts: $0.result.forecasts) }
            print(FeasibilityTable.table(rows: rows).text, terminator: "")
        case .json:
            print(JSONValue.array(outcomes.flatMap { FeasibilityTable.json(scenario: $0.scenario.id, forecasts: $0.result.forecasts) })
                .rendered())
        case .table:
            print(table(outcomes), terminator: "")
        }
        var status = batchStatus
        if strict && outcomes.contains(where: { $0.feasibility.contains { [.offTrack, .missed].contains($0.verdict) } }) {
            status = max(status, .flagged)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func table(_ outcomes: [ScenarioOutcome]) -> String {
        var lines: [[String]] = [["scenario", "variant", "target", "deadline", "P(met)", "median date", "verdict"]]
        for outcome in outcomes {
            for row in outcome.feasibility {
                lines.append([outcome.scenario.id, row.variant,
                              row.target.label + (row.target.assumed ? " (assumed)" : ""),
                              row.target.deadline.description,
                              String(format: "%.3f ± %.3f", row.pMeet, row.pMeetStandardError),
                              row.dateReached.q50?.description ?? "—", row.verdict.rawValue])
            }
        }
        let widths = (0..<lines[0].count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        var text = lines.map { line in
            zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingSpaces()
        }.joined(separator: "\n") + "\n"
        // What the verdicts rest on that the sources do not say; the notes saying why, and the
        // model's own assumptions, are in run.json.
        for outcome in outcomes {
            let inputs = outcome.inputAssumptions.map { AssumptionText.subject($0.input) }
            let modelling = outcome.modelAssumptions.count
            guard !inputs.isEmpty || modelling > 0 else { continue }
            var line = "\(outcome.scenario.id) assumes: " + (inputs.isEmpty ? "no input" : inputs.joined(separator: "; "))
            if modelling > 0 { line += " (+\(modelling) modelling assumption\(modelling == 1 ? "" : "s"); uptake run lists all in run.json)" }
            text += line + "\n"
        }
        return text
    }
}
