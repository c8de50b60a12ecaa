import ArgumentParser
import Foundation
import Forecasting
import ForecastingAVX2
import LinearAlgebra
import Reporting
import Scenarios

/// The `uptake` command. This target is the only place that touches argv, stdout and exit
/// codes (DESIGN.md, "Command line").
struct Uptake: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "uptake",
        abstract: "Fit adoption curves and test whether digital-transformation targets will be met.",
        discussion: """
            Exit codes: 0 ok; 1 `check --strict` found a target off track, or `compare \
            --tolerance` found a difference; 2 bad input (usage, scenario, formula, data); 3 a \
            fit or forecast failed. In a batch the worst wins: 2, then 3, then 1.

            Examples:
              uptake init my-target               # a commented template
              uptake validate Scenarios/          # check, don't run
              uptake run Scenarios/               # results into Results/
              uptake check Scenarios/ --strict    # exit 1 if off track
              uptake compare Old/ Results/ --tolerance 0.01
              uptake backtest Scenarios/ --holdout 3
              uptake fit --formula "y = b1/(1+exp(b2-b3*x))" \\
                         --data data.csv --start b1=100,b2=1,b3=0.1
            """,
        version: version,
        subcommands: [RunCommand.self, CheckCommand.self, ValidateCommand.self, InitCommand.self, FitCommand.self,
                      CompareCommand.self, BacktestCommand.self, MergeCommand.self, SlurmCommand.self]
    )
}

/// Bad input from the user: one line, exit code 2, no stack trace.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

@main
enum UptakeMain {
    static func main() {
        // One BLAS thread: Uptake parallelises in Swift (DESIGN.md, "BLAS/LAPACK").
        BLAS.setThreadCount(1)
        // The Monte Carlo kernel built for this processor, if there is one (same results).
        LogisticLaneKernel.installIfSupported(x86_64_v3: AVX2Kernels.logisticStep,
                                                environment: ProcessInfo.processInfo.environment)
        do {
            var command = try Uptake.parseAsRoot()
            try command.run()
        } catch let error as InputError {
            printError("error: \(error.description)")
            Uptake.exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        } catch let error as ScenarioError {
            // A batch's input that does not exist or holds no scenario.
            printError("error: \(error)")
            Uptake.exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        } catch let error as ResultsFolder.LayoutError {
            printError("error: \(error)")
            Uptake.exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        } catch let error as ExitCode {
            Uptake.exit(withError: error)
        } catch {
            if Uptake.exitCode(for: error) == .success {
                print(Uptake.fullMessage(for: error))
                Uptake.exit(withError: ExitCode.success)
            }
            // Usage errors follow the contract of every other error: one line on stderr,
            // "error: <problem> (see '<command> --help')", without the usage block.
            let message = Uptake.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }
                .filter { !$0.isEmpty }.joined(separator: " ")
            let helpCommand = Uptake.fullMessage(for: error, columns: 10_000)
                .split(whereSeparator: \.isNewline)
                .last { $0.trimmingSpaces().hasPrefix("See '") }?
                .split(separator: "'", omittingEmptySubsequences: false).dropFirst().first
            printError("error: \(message)" + (helpCommand.map { " (see '\($0)')" } ?? ""))
            // ArgumentParser uses 64 (EX_USAGE) for usage errors; Uptake's contract says 2.
            Uptake.exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        }
    }
}
