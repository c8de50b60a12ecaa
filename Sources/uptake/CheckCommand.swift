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
            or met in the data; thresholds from the scenario's verdict: block). Assumed targets \
            are marked. Nothing is written to disk.

            --format csv prints exactly the columns of feasibility.csv.

            Exit codes: 0 ok; 1 with --strict when a target is off track; 2 bad input; 3 a \
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

    @Flag(help: "Exit with 1 if any target is off track.")
    var strict = false

    @OptionGroup var simulation: SimulationOptions

    func validate() throws { try simulation.check() }

    func run() throws {
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: simulation.resolvedJobs)
        let (outcomes, exitCode) = try batch.run(inputs) { _, _, _ in }
        let rows = outcomes.flatMap { FeasibilityTable.rows(scenario: $0.scenario.id, forecasts: $0.result.forecasts) }
        switch format {
        case .csv: print(FeasibilityTable.table(rows: rows).text, terminator: "")
        case .json:
            let items: [JSONValue] = rows.map { row in
                .object(zip(FeasibilityTable.header, row).map { ($0, .string($1)) })
            }
            print(JSONValue.array(items).rendered())
        case .table:
            print(table(outcomes), terminator: "")
        }
        var code = exitCode
        if strict && outcomes.contains(where: { $0.result.forecasts.contains { $0.feasibility.contains { $0.verdict == .offTrack } } }) {
            code = ScenarioBatch.worse(code, 1)
        }
        if code != 0 { throw ExitCode(code) }
    }

    private func table(_ outcomes: [ScenarioBatch.Outcome]) -> String {
        var lines: [[String]] = [["scenario", "variant", "target", "deadline", "P(met)", "median date", "verdict"]]
        for outcome in outcomes {
            for forecast in outcome.result.forecasts {
                for row in forecast.feasibility {
                    lines.append([outcome.scenario.id, row.variant,
                                  row.target.label + (row.target.assumed ? " (assumed)" : ""),
                                  row.target.deadline.description,
                                  String(format: "%.3f ± %.3f", row.pMeet, row.pMeetStandardError),
                                  row.dateReached.q50?.description ?? "—", row.verdict.rawValue])
                }
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
            let inputs = outcome.scenario.assumptionNotes.map { note in
                note.split(separator: ":", maxSplits: 1).first.map(String.init) ?? note
            }
            let modelling = outcome.assumptions.count - inputs.count
            guard !inputs.isEmpty || modelling > 0 else { continue }
            var line = "\(outcome.scenario.id) assumes: " + (inputs.isEmpty ? "no input" : inputs.joined(separator: "; "))
            if modelling > 0 { line += " (+\(modelling) modelling assumption\(modelling == 1 ? "" : "s"); uptake run lists all in run.json)" }
            text += line + "\n"
        }
        return text
    }
}
