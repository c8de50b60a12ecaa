import Fitting
import Yams

/// `targets:` — a list of `{value, by, label, assumed, note, cumulative}`: the level to reach
/// and its deadline. The label defaults to "VALUE by DATE".
///
/// Checked here: a value of at least 0. Against the metric's unit, the ceiling and the
/// horizon: ``ScenarioCrossChecks``.
struct TargetsSection {
    static let keys = ["value", "by", "label", "assumed", "note", "cumulative"]

    /// A target with the nodes its value and deadline were read from.
    struct Entry {
        var target: ScenarioTarget
        var name: String
        var value: Node
        var by: Node
    }

    var entries: [Entry] = []

    init(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return }
        for (index, item) in try reader.sequence(node, "targets", of: "{value, by, label}").enumerated() {
            entries.append(try Self.entry(item, "targets[\(index + 1)]", reader))
        }
    }

    static func entry(_ node: Node, _ name: String, _ reader: NodeReader) throws -> Entry {
        let fields = try reader.fields(node, name, allowed: keys)
        let valueNode = try fields.require("value", "the level to reach")
        let byNode = try fields.require("by", "the deadline, YYYY-MM-DD")
        let value = try reader.number(valueNode, "\(name).value")
        guard value >= 0 else { throw reader.error(valueNode, "\(name).value must be at least 0, got \(NodeReader.format(value))") }
        let by = try reader.date(byNode, "\(name).by")
        let label = try fields.text("label") ?? "\(NodeReader.format(value)) by \(by)"
        let target = ScenarioTarget(value: value, by: by, label: label, assumed: try fields.bool("assumed") ?? false,
                                    note: try fields.text("note"), cumulative: try fields.bool("cumulative") ?? true)
        return Entry(target: target, name: name, value: valueNode, by: byNode)
    }
}
