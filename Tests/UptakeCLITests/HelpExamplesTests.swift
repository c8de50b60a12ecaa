import Foundation
import XCTest

/// Every example in every `--help` names files that exist in this repository (issue 11):
/// a user who copies an example from `uptake run --help` into a shell at the repository's
/// top must not meet "no such file".
///
/// The examples are read from the built executable's help, as a user sees it: the lines of
/// the `Example:`/`Examples:` block that start with `uptake`, with their continuation lines
/// (a trailing `\`, or the help's own wrapping) joined, split at `&&`, and tokenised as a
/// shell would (quotes, no expansion). In each `uptake SUBCOMMAND …` the paths are its
/// positional arguments and the values of the options that read files; an option takes a
/// value when the subcommand's own help shows it as `--name <value>`. A path passes when it
/// exists under the repository's top, or when an earlier example of the same block makes it
/// (`--out DIR`, `--write-calibration FILE`, `--cells FILE`, `init ID` → `ID.yaml`).
final class HelpExamplesTests: XCTestCase {
    /// Options whose value is a file or folder that must already exist (`kind=` and `ID=`
    /// prefixes stripped).
    static let inputOptions: Set<String> = ["--data", "--panel", "--template", "--actuals", "--calibration"]
    /// Options whose value is a file or folder the command writes.
    static let outputOptions: Set<String> = ["--out", "--write-calibration", "--cells"]
    /// Subcommands whose positional arguments are not paths: `init ID` writes ID.yaml.
    static let subcommands = ["run", "check", "validate", "init", "fit", "compare", "backtest", "seek", "sensitivity",
                              "merge", "slurm", "export"]
    /// Subcommands with subcommands of their own: their examples name both (`export notebook`).
    static let nested = ["export": "notebook"]

    private var repository: URL { RunCommandTests.packageRoot }

    private func help(_ arguments: [String]) throws -> String {
        let result = try ExecutableRunner.run("uptake", arguments + ["--help"], timeout: 60, currentDirectory: repository)
        XCTAssertEqual(result.exitCode, 0, "\(arguments) --help: \(result.stderr)")
        return result.stdout
    }

    func testEveryHelpExampleNamesFilesThatExist() throws {
        var valued: [String: Set<String>] = [:]
        for subcommand in Self.subcommands {
            valued[subcommand] = Self.valuedOptions(try help([subcommand] + (Self.nested[subcommand].map { [$0] } ?? [])))
        }

        var checkedPaths = 0
        let helps = [[]] + Self.subcommands.map { [$0] } + Self.nested.map { [$0.key, $0.value] }
        for arguments in helps where !(arguments.count == 1 && Self.nested[arguments[0]] != nil) {
            let text = try help(arguments)
            let examples = Self.examples(text)
            XCTAssertFalse(examples.isEmpty, "uptake \(arguments.joined(separator: " ")) --help has no example")
            var made: Set<String> = []
            for example in examples {
                for command in example.components(separatedBy: "&&") {
                    var words = Self.shellWords(command)
                    if words.count >= 3, let nested = Self.nested[words[1]], words[2] == nested { words.remove(at: 2) }
                    guard words.count >= 2, words[0] == "uptake", let options = valued[words[1]] else {
                        XCTFail("not an uptake command in the help of '\(arguments)': \(command)")
                        continue
                    }
                    let (inputs, outputs) = Self.paths(subcommand: words[1], Array(words.dropFirst(2)), valued: options)
                    for path in inputs {
                        checkedPaths += 1
                        let exists = FileManager.default.fileExists(atPath: repository.appendingPathComponent(path).path)
                        let madeEarlier = made.contains { Self.normalized(path) == $0 || path.hasPrefix($0 + "/") }
                        XCTAssertTrue(exists || madeEarlier,
                                      "uptake \(arguments.joined(separator: " ")) --help: the example '\(example)' names "
                                      + "'\(path)', which is neither in the repository nor made by an earlier example")
                    }
                    made.formUnion(outputs.map(Self.normalized))
                }
            }
        }
        XCTAssertGreaterThan(checkedPaths, 10, "the examples name files")
    }

    // MARK: Reading the help

    /// The example commands of a help text, continuation lines joined.
    static func examples(_ help: String) -> [String] {
        var commands: [String] = []
        var inBlock = false
        for raw in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "Example:" || line == "Examples:" { inBlock = true; continue }
            guard inBlock else { continue }
            if line.isEmpty || line.hasPrefix("USAGE:") { inBlock = false; continue }
            if line.hasPrefix("uptake ") {
                commands.append(line)
            } else if let last = commands.popLast() {
                commands.append(last + " " + line)
            }
        }
        return commands.map { command in
            // Drop a trailing comment and the `\` of explicit continuations.
            var text = command.replacingOccurrences(of: " \\ ", with: " ")
            if let hash = text.range(of: " # ") { text = String(text[..<hash.lowerBound]) }
            return text.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The long options shown with a value (`--out <out>`) in a subcommand's help.
    static func valuedOptions(_ help: String) -> Set<String> {
        var options: Set<String> = []
        let pattern = try! NSRegularExpression(pattern: #"(--[a-z][a-z0-9-]*) <"#)
        let range = NSRange(help.startIndex..., in: help)
        for match in pattern.matches(in: help, range: range) {
            options.insert(String(help[Range(match.range(at: 1), in: help)!]))
        }
        return options
    }

    /// Words as a POSIX shell splits them: blanks separate, '…' and "…" quote.
    static func shellWords(_ command: String) -> [String] {
        var words: [String] = []
        var word = "", inWord = false
        var quote: Character?
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character; inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(character); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The paths one `uptake SUBCOMMAND arguments…` reads and writes.
    static func paths(subcommand: String, _ arguments: [String], valued: Set<String>) -> (inputs: [String], outputs: [String]) {
        var inputs: [String] = [], outputs: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("-") else {
                if subcommand == "init" { outputs.append(word + ".yaml") } else { inputs.append(word) }
                continue
            }
            var name = word, value: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals]); value = String(word[word.index(after: equals)...])
            } else if valued.contains(word), index < arguments.count {
                value = arguments[index]; index += 1
            }
            guard var value else { continue }
            if inputOptions.contains(name) {
                // --panel share=FILE, --panel FILE
                if let equals = value.firstIndex(of: "="), !value[..<equals].contains("/") {
                    value = String(value[value.index(after: equals)...])
                }
                inputs.append(value)
            } else if outputOptions.contains(name) {
                outputs.append(value)
            }
        }
        return (inputs, outputs)
    }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.hasSuffix("/") && path.count > 1 { path.removeLast() }
        return path
    }
}
