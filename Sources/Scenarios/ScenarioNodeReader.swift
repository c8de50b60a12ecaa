import Foundation
import Fitting
import TextIO
import Yams

/// A place in a scenario file or its data CSV that an error can point at.
struct SourceLocation: Sendable {
    var file: String
    var line: Int?
    var column: Int?

    func error(_ message: String) -> ScenarioError {
        ScenarioError(file: file, line: line, column: column, message: message)
    }
}

/// Typed reads of Yams nodes. Each read either returns the value or throws a
/// ``ScenarioError`` at the node's line and column that says what would be valid.
///
/// Paths in messages are dotted keys with 1-based list positions, e.g. `observations[2].value`.
struct NodeReader {
    let file: String
    /// Where each key belongs, for an unknown key that is valid elsewhere (``topLevel`` or a
    /// section path such as `forecast`); see ``ScenarioParser/placement``.
    var placement: [String: String] = [:]

    /// The placement of a top-level key.
    static let topLevel = ""

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line, column: node?.mark?.column)
    }

    func error(_ node: Node?, _ message: String) -> ScenarioError {
        location(node).error(message)
    }

    /// `key`, `~`, `null` or an empty value: treated as not given.
    static func isNull(_ node: Node) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a node looks, for "got …" in messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping (key: value)"
        case .sequence: return "a list"
        case let .scalar(scalar): return quoted(scalar.string)
        case .alias: return "an alias"
        }
    }

    /// What a message repeats of the file: quoted, control characters escaped, cut after
    /// ``PrintableText/echoLimit`` characters (a 1 MB value is not echoed whole).
    static func quoted(_ text: String) -> String { PrintableText.quoted(text) }

    /// The keys of a mapping, checked against the keys valid there.
    func fields(_ node: Node, _ path: String, allowed: [String]) throws -> Fields {
        guard case let .mapping(mapping) = node else {
            throw error(node, "\(path.isEmpty ? "a scenario" : path) must be a mapping of keys to values, got \(Self.describe(node))")
        }
        var values: [String: Node] = [:]
        var keys: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else {
                throw error(keyNode, "keys must be plain names, got \(Self.describe(keyNode))")
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                let place = path.isEmpty ? "" : " in \(path)"
                var message = "unknown key \(Self.quoted(key))\(place)"
                if key == "<<" {
                    message = "'<<' (a YAML merge key) is not supported\(place): write the keys out"
                } else if let home = placement[key], home != path {
                    // Valid in another section: most likely mis-indented.
                    message = home == Self.topLevel
                        ? "'\(key)' is a top-level key, not part of \(path): move it to the start of its line"
                        : path.isEmpty ? "'\(key)' belongs under \(home), not at the top level: indent it below '\(home.split(separator: ".").last!):'"
                        : "'\(key)' belongs under \(home), not in \(path): check its indentation"
                } else if let suggestion = NearestName.suggest(key, among: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; valid keys: \(allowed.joined(separator: ", "))"
                }
                // In `{…}` an unquoted comma ends the value; the rest becomes a key without one.
                if Self.isNull(value), key.contains(" ") {
                    message += " (a comma ends a value inside {…}: put text with commas in quotes)"
                }
                throw error(keyNode, message)
            }
            keys[key] = keyNode
            if !Self.isNull(value) { values[key] = value }
        }
        return Fields(node: node, path: path, values: values, keys: keys, reader: self)
    }

    func scalar(_ node: Node, _ path: String, expected: String) throws -> Node.Scalar {
        guard case let .scalar(scalar) = node else {
            throw error(node, "\(path) must be \(expected), got \(Self.describe(node))")
        }
        return scalar
    }

    func text(_ node: Node, _ path: String) throws -> String {
        try scalar(node, path, expected: "text").string
    }

    /// A finite number written as a number (a quoted "168" is text, not a number).
    func number(_ node: Node, _ path: String) throws -> Double {
        let scalar = try scalar(node, path, expected: "a number")
        guard let value = Self.parseNumber(scalar), value.isFinite else {
            let hint = scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? " (remove the quotes)" : ""
            throw error(node, "\(path) must be a number, got \(Self.quoted(scalar.string))\(hint)")
        }
        return value
    }

    static func parseNumber(_ scalar: Node.Scalar) -> Double? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        guard !text.isEmpty, let first = text.first, first.isNumber || "+-.".contains(first),
              text.allSatisfy({ $0.isASCII }) else { return nil }
        return Double(text)
    }

    func wholeNumber(_ node: Node, _ path: String) throws -> Int {
        let scalar = try scalar(node, path, expected: "a whole number")
        guard let value = Self.parseNumber(scalar), value.isFinite, value == value.rounded(),
              abs(value) < 9.0e15 else {
            throw error(node, "\(path) must be a whole number, got \(Self.quoted(scalar.string))")
        }
        return Int(value)
    }

    func unsigned(_ node: Node, _ path: String) throws -> UInt64 {
        let scalar = try scalar(node, path, expected: "a whole number")
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        if scalar.style == .plain || scalar.style == .any, let value = UInt64(text) { return value }
        throw error(node, "\(path) must be a whole number from 0 to \(UInt64.max), got \(Self.quoted(scalar.string))")
    }

    func positive(_ node: Node, _ path: String) throws -> Double {
        let value = try number(node, path)
        guard value > 0 else { throw error(node, "\(path) must be greater than 0, got \(Self.format(value))") }
        return value
    }

    func bool(_ node: Node, _ path: String) throws -> Bool {
        let scalar = try scalar(node, path, expected: "true or false")
        guard scalar.style == .plain || scalar.style == .any, let value = Bool.construct(from: scalar) else {
            throw error(node, "\(path) must be true or false, got \(Self.quoted(scalar.string))")
        }
        return value
    }

    func date(_ node: Node, _ path: String) throws -> CalendarDate {
        let scalar = try scalar(node, path, expected: "a date YYYY-MM-DD")
        guard let date = CalendarDate(iso: scalar.string) else {
            let reason = CalendarDate.rangeProblem(iso: scalar.string).map { ": \($0)" } ?? ""
            throw error(node, "\(path) must be a date YYYY-MM-DD, e.g. 2025-12-31, got \(Self.quoted(scalar.string))\(reason)")
        }
        return date
    }

    /// One of a few words, suggesting the nearest when it is none of them.
    func choice<T>(_ node: Node, _ path: String, _ options: [(String, T)]) throws -> T {
        let names = options.map(\.0)
        let listed = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + names.last!
        let scalar = try scalar(node, path, expected: listed)
        if let match = options.first(where: { $0.0 == scalar.string }) { return match.1 }
        var message = "\(path) must be \(listed), got \(Self.quoted(scalar.string))"
        if let suggestion = NearestName.suggest(scalar.string, among: names) { message += "; did you mean '\(suggestion)'?" }
        throw error(node, message)
    }

    func sequence(_ node: Node, _ path: String, of what: String) throws -> [Node] {
        guard case let .sequence(sequence) = node else {
            throw error(node, "\(path) must be a list of \(what), got \(Self.describe(node))")
        }
        return Array(sequence)
    }

    /// Counts as people write them: 2400000000 as 2,400,000,000.
    static func grouped(_ value: Int) -> String { OutputNumber.grouped(value) }

    static func grouped(_ value: Double) -> String {
        value < 9e18 ? grouped(Int(value.rounded())) : "\(value)"
    }

    /// Numbers as people write them: 542, 0.8, 1e-05.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

/// A mapping's entries by key (keys already checked); null values count as absent.
struct Fields {
    let node: Node
    let path: String
    let values: [String: Node]
    let keys: [String: Node]
    let reader: NodeReader

    subscript(key: String) -> Node? { values[key] }

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of a required key; missing, it is an error at the mapping (or at the key
    /// when it is written with no value).
    func require(_ key: String, _ hint: String = "") throws -> Node {
        if let value = values[key] { return value }
        let at = keys[key] ?? node
        throw reader.error(at, "\(path(key)) is required\(hint.isEmpty ? "" : ": \(hint)")")
    }

    func text(_ key: String) throws -> String? { try values[key].map { try reader.text($0, path(key)) } }
    func number(_ key: String) throws -> Double? { try values[key].map { try reader.number($0, path(key)) } }
    func positive(_ key: String) throws -> Double? { try values[key].map { try reader.positive($0, path(key)) } }
    func bool(_ key: String) throws -> Bool? { try values[key].map { try reader.bool($0, path(key)) } }
    func date(_ key: String) throws -> CalendarDate? { try values[key].map { try reader.date($0, path(key)) } }
}
