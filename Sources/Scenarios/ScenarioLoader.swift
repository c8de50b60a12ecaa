import Foundation
import TextIO
import Yams

/// Reads and validates scenario files (DESIGN.md, "Scenario files").
///
/// ```swift
/// for path in try ScenarioLoader.expand(["Scenarios/"]) {
///     do {
///         let scenario = try ScenarioLoader.load(path: path)
///         let request = try scenario.forecastRequest()
///     } catch let error as ScenarioError {
///         print(error)   // Scenarios/x.yaml:12:5: forecast.paths must be a whole number, got 'many'
///     }
/// }
/// ```
///
/// YAML and JSON (which is YAML) are read alike, with or without a UTF-8 byte-order mark.
/// Every problem is a ``ScenarioError`` at the line and column of the node at fault, with a
/// one-line message saying what would be valid; the first problem found is reported.
///
/// The work is split the way the file is: this type reads bytes (the scenario's and a
/// `data:` CSV's), decodes them and hashes them; ``ScenarioParser`` reads the top level and
/// hands each section to its own reader (``MetricSection``, ``ObservationsSection``,
/// ``TargetsSection``, ``PriorsSection``, ``ModelsSection``, ``ForecastSection``,
/// ``VariantsSection``), each owning its keys and the checks it can make alone; then
/// ``ScenarioCrossChecks`` makes the checks between sections. Every check is in one place,
/// so a scenario that loads always gives a forecast request.
public enum ScenarioLoader {
    /// The file extensions `expand` picks up in a folder.
    public static let scenarioExtensions = ["yaml", "yml", "json"]

    /// Reads and validates one scenario file (and its `data:` CSV, if any).
    public static func load(path: String) throws -> Scenario {
        switch read(path) {
        case let .success(bytes): return try load(bytes: bytes, path: path)
        case let .failure(problem): throw ScenarioError(file: path, message: problem.message)
        }
    }

    /// Validates a scenario given as text; `path` names it in errors and anchors a relative
    /// `data:` path.
    public static func load(contents: String, path: String) throws -> Scenario {
        try load(bytes: Array(contents.utf8), path: path)
    }

    static func load(bytes: [UInt8], path: String) throws -> Scenario {
        let root = try compose(bytes, path: path)
        var (scenario, dataBytes) = try ScenarioParser(file: path).parse(root)
        // The input is what the user wrote, byte for byte (a byte-order mark included), and
        // the data it names: either changing changes the results.
        var hash = SHA256()
        hash.update(bytes)
        if let dataBytes { hash.update(dataBytes) }
        scenario.inputSHA256 = hash.hexDigest()
        return scenario
    }

    /// Scenario paths from command-line arguments: files as given, folders replaced by their
    /// `*.yaml`, `*.yml` and `*.json` files sorted by name (not recursive; hidden files skipped).
    /// A path that does not exist, or a folder with no scenario files, is an error.
    public static func expand(_ paths: [String]) throws -> [String] {
        var result: [String] = []
        let files = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ScenarioError(file: path, message: "no such file or folder")
            }
            guard isFolder.boolValue else { result.append(path); continue }
            let names: [String]
            do {
                names = try files.contentsOfDirectory(atPath: path)
            } catch {
                throw ScenarioError(file: path, message: "cannot list the folder")
            }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            let picked = names.filter { name in
                guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
                let ext = name[name.index(after: dot)...].lowercased()
                var nested: ObjCBool = false
                return scenarioExtensions.contains(ext)
                    && files.fileExists(atPath: prefix + name, isDirectory: &nested) && !nested.boolValue
            }.sorted()
            guard !picked.isEmpty else {
                throw ScenarioError(file: path, message: "no scenario files (*.yaml, *.yml, *.json) in this folder")
            }
            result += picked.map { prefix + $0 }
        }
        return result
    }

    // MARK: file access

    /// Why a file could not be read.
    enum FileProblem: Error {
        case missing, folder, unreadable

        var message: String {
            switch self {
            case .missing: "no such file"
            case .folder: "is a folder; give a scenario file, or expand the folder first"
            case .unreadable: "cannot read the file"
            }
        }
    }

    /// The bytes of a scenario or data file.
    static func read(_ path: String) -> Result<[UInt8], FileProblem> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .failure(.missing) }
        guard !isFolder.boolValue else { return .failure(.folder) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
        return .success([UInt8](data))
    }

    /// A `data:` file: its path (`relative` to the scenario file's folder unless absolute)
    /// and bytes, or a message saying why it cannot be read.
    static func dataFile(_ relative: String, besides scenarioFile: String) -> Result<(path: String, bytes: [UInt8]), DataFileProblem> {
        let folder = (scenarioFile as NSString).deletingLastPathComponent
        let path = relative.hasPrefix("/") || folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
        switch read(path) {
        case let .success(bytes): return .success((path, bytes))
        case let .failure(problem):
            // Name the folder looked in only when it is not already in what was written.
            let looked = path == relative ? "" : " in \((path as NSString).deletingLastPathComponent)/"
            let named = PrintableText.quoted(relative)
            let message = switch problem {
            case .missing: "data file \(named) not found\(looked); the path is relative to the scenario file"
            case .folder: "data file \(named) is a folder\(looked), not a CSV file"
            case .unreadable: "data file \(named) cannot be read\(looked)"
            }
            return .failure(DataFileProblem(message: message))
        }
    }

    struct DataFileProblem: Error { let message: String }

    // MARK: decoding

    /// The UTF-8 byte-order mark that Windows Notepad writes at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The YAML (or JSON) tree of a scenario file. A byte-order mark is skipped: it is not
    /// part of the text (Yams would read it as content), and without it the columns are
    /// those an editor shows.
    static func compose(_ bytes: [UInt8], path: String) throws -> Node {
        let body = bytes.starts(with: byteOrderMark) ? bytes.dropFirst(byteOrderMark.count) : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ScenarioError(file: path, line: 1, column: 1, message: "the file is not UTF-8 text; save it as UTF-8")
        }
        // Alias keys, alias expansion and nesting depth, before Yams composes (and hashes) the tree.
        try YAMLShapeCheck.check(text, file: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw scenarioError(error, file: path, text: text)
        }
        guard let root else {
            throw ScenarioError(file: path, line: 1, column: 1,
                                message: "the file is empty; a scenario needs at least id, metric and forecast (`uptake init ID` writes a template)")
        }
        return root
    }

    /// Yams' parse errors at their own position.
    static func scenarioError(_ error: YamlError, file: String, text: String) -> ScenarioError {
        func context(_ context: YamlError.Context?) -> String {
            guard let context else { return "" }
            return " (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case let .scanner(ctx, problem, mark, _), let .parser(ctx, problem, mark, _), let .composer(ctx, problem, mark, _):
            return ScenarioError(file: file, line: mark.line, column: mark.column,
                                 message: "not valid YAML: \(problem)\(context(ctx)); check indentation, colons and quotes")
        case let .duplicatedKeysInMapping(duplicates, ctx):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ScenarioError(file: file, line: ctx.mark.line, column: ctx.mark.column,
                                 message: "duplicate key \(keys): each key may appear once in a mapping")
        case let .reader(problem, offset, _, _):
            var line = 1, column = 1
            if let offset {
                for character in text.prefix(offset) {
                    if character == "\n" { line += 1; column = 1 } else { column += 1 }
                }
            }
            return ScenarioError(file: file, line: line, column: column, message: "cannot read the file as text: \(problem)")
        default:
            // One line, whatever Yams' description holds.
            let description = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            return ScenarioError(file: file, line: 1, column: 1, message: "not valid YAML: \(description)")
        }
    }
}
