import ArgumentParser
import Fitting
import Foundation
import Forecasting
import ForecastingAVX2
import LinearAlgebra
import Reporting
import Scenarios
import TextIO

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
              uptake init my-target               # a commented template, my-target.yaml
              uptake validate Scenarios/          # check, don't run
              uptake run Scenarios/               # results into Results/
              uptake check Scenarios/ --strict    # exit 1 if off track
              uptake run Scenarios/ --out New && uptake compare Results New
              uptake backtest Scenarios/ --holdout 3
              uptake export notebook Results --out Notebooks-export
              uptake fit --formula "pct = K/(1+exp(-r*(period-t0)))" \\
                         --data Scenarios/data/vietnam_internet_users_pct_1996_2023.csv \\
                         --start K=80,r=0.3,t0=2010
            """,
        version: version,
        subcommands: [RunCommand.self, CheckCommand.self, ValidateCommand.self, InitCommand.self, FitCommand.self,
                      CompareCommand.self, BacktestCommand.self, SeekCommand.self, SensitivityCommand.self,
                      ExportCommand.self, MergeCommand.self, SlurmCommand.self]
    )
}

extension Uptake {
    /// The subcommands' names, in the order of the help.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// What is wrong when the first word is not a command (`uptake frobnicate a b`), or nil.
    /// ArgumentParser alone would call every word "an unexpected argument".
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), word != "help", !commandNames.contains(word) else {
            return nil
        }
        var message = "unknown command '\(word)'"
        if let suggestion = NearestName.suggest(word, among: commandNames) {
            message += " (did you mean '\(suggestion)'?)"
        } else if FileManager.default.fileExists(atPath: word) {
            message += " (to forecast it: uptake run \(word))"
        }
        return message + "; commands are \(commandNames.joined(separator: ", ")) (see 'uptake --help')"
    }
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
        if let message = Uptake.unknownCommand(Array(CommandLine.arguments.dropFirst())) {
            printError("error: \(message)")
            Uptake.exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        }
        do {
            var command = try Uptake.parseAsRoot()
            try command.run()
        } catch let error where error is InputError || error is ScenarioError || error is FolderLock.Busy
                    || error is FileError || error is ResultsFolder.LayoutError {
            // Bad input from the user, a batch input that does not exist or holds no scenario,
            // or a results folder that cannot be written: one line, exit 2.
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
            var message = Uptake.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if message.hasSuffix(".") { message.removeLast() }
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
