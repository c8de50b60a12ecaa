import Fitting
import Forecasting
import Yams

/// `variants:` — what-ifs beside the baseline: each `{id, from, growth_multiplier,
/// ceiling_multiplier, level_shift, assumed, note}` with at least one lever, the multipliers
/// positive. A lever is a DIST or a plain number (the same value on every path). Ids follow the scenario id's rule, differ from each other and from `baseline`.
struct VariantsSection {
    static let keys = ["id", "from", "growth_multiplier", "ceiling_multiplier", "level_shift", "assumed", "note"]

    var variants: [VariantLevers] = []

    init(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return }
        var seen: [String: Int] = [:]
        for (index, item) in try reader.sequence(node, "variants", of: "{id, from, growth_multiplier, …}").enumerated() {
            let name = "variants[\(index + 1)]"
            let (variant, idNode) = try Self.variant(item, name, reader)
            if let line = seen[variant.id] {
                throw reader.error(idNode, "\(name).id '\(variant.id)' is used twice (first at line \(line)); variant ids must differ")
            }
            seen[variant.id] = idNode.mark?.line ?? 0
            variants.append(variant)
        }
    }

    static func variant(_ node: Node, _ name: String, _ reader: NodeReader) throws -> (VariantLevers, Node) {
        let fields = try reader.fields(node, name, allowed: keys)
        let idNode = try fields.require("id", "lowercase letters, digits and '-', e.g. campaign")
        let id = try reader.text(idNode, "\(name).id")
        guard ScenarioLoader.isValidID(id) else {
            throw reader.error(idNode, "\(name).id must use only lowercase letters, digits and '-' (e.g. campaign), got \(NodeReader.quoted(id))")
        }
        guard id.count <= ScenarioLoader.maximumIDLength else {
            throw reader.error(idNode, "\(name).id is \(id.count) characters long; at most \(ScenarioLoader.maximumIDLength)")
        }
        guard id != VariantLevers.baseline.id else {
            throw reader.error(idNode, "\(name).id 'baseline' is reserved for the scenario without levers; choose another id")
        }
        var variant = VariantLevers(id: id, from: try fields.date("from"))
        variant.assumed = try fields.bool("assumed") ?? false
        variant.note = try fields.text("note")
        // A plain number is the same value on every path: uniform(v, v) (its draw is v exactly).
        func lever(_ node: Node, _ key: String) throws -> PriorDistribution {
            if case .scalar = node {
                let value = try reader.number(node, fields.path(key))
                return .uniform(lower: value, upper: value)
            }
            return try reader.distribution(node, fields.path(key), annotated: false).distribution
        }
        func multiplier(_ key: String) throws -> PriorDistribution? {
            guard let node = fields[key] else { return nil }
            let distribution = try lever(node, key)
            let positive: Bool = switch distribution {
            case let .normal(mean, _): mean > 0
            case .lognormal: true
            case let .uniform(low, _): low > 0
            }
            guard positive else {
                throw reader.error(node, "\(fields.path(key)) must be a positive multiplier (e.g. 1.2 or {uniform: [1.1, 1.4]})")
            }
            return distribution
        }
        variant.growthMultiplier = try multiplier("growth_multiplier")
        variant.ceilingMultiplier = try multiplier("ceiling_multiplier")
        variant.levelShift = try fields["level_shift"].map { try lever($0, "level_shift") }
        guard variant.growthMultiplier != nil || variant.ceilingMultiplier != nil || variant.levelShift != nil else {
            throw reader.error(node, "\(name) changes nothing: give growth_multiplier, ceiling_multiplier or level_shift")
        }
        return (variant, idNode)
    }
}
