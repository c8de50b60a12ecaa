import ArgumentParser
import Foundation
import Reporting
import Scenarios

/// `uptake validate`: parse and check scenario files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files for errors without running them.",
        discussion: """
            Prints 'ok' per valid file, or one error line (file:line:column: what is wrong and \
            what would be valid) per invalid one, exactly as run would reject it (an id used by \
            two files of the batch included). Exit code 2 if any file is invalid.

            Example:
              uptake validate Scenarios/
            """
    )

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    func run() throws {
        // The batch's own loading — file errors and duplicate ids reported, the rest go on —
        // so that validate passes exactly what run accepts.
        let batch = ScenarioBatch(paths: nil, seed: nil, jobs: 1)
        let status = try batch.forEachScenario(inputs, onFailure: { printError("error: \($0)") }) { scenario, file, _, _ in
            do {
                _ = try scenario.forecastRequest()
            } catch {
                printError("error: \(error)")
                return .badInput
            }
            print("ok  \(file)  (\(scenario.id): \(counted(scenario.observations.count, "observation")), "
                + "\(counted(scenario.targets.count, "target")))")
            return .success
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// `uptake init ID`: a commented scenario template that validates.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented scenario template to ./ID.yaml.",
        discussion: """
            The template explains every key and validates as written; edit its numbers, cite \
            your source, and mark anything the source does not give with assumed: true. \
            Refuses to overwrite an existing file.

            Example:
              uptake init phu-my-acceptance-points && uptake validate phu-my-acceptance-points.yaml
            """
    )

    @Argument(help: "The scenario id: lower-case letters, digits and '-'.")
    var id: String

    func validate() throws {
        guard !id.isEmpty, id.allSatisfy({ ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }) else {
            throw ValidationError("the id '\(id)' must use only a-z, 0-9 and '-', e.g. phu-my-acceptance-points")
        }
    }

    func run() throws {
        let path = "\(id).yaml"
        if FileManager.default.fileExists(atPath: path) {
            throw InputError("\(path) already exists; init never overwrites a file (choose another id or remove it)")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(ScenarioTemplate.yaml(id: id).utf8)) else {
            throw InputError("cannot write \(path)")
        }
        print("wrote \(path)")
    }
}
