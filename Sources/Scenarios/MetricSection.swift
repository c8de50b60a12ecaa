import Fitting
import Yams

/// `metric:` — what is counted: its name, its kind (a count, or a share in percent or as a
/// fraction), whether observations are levels or per-period flows, the error scale, and the
/// ceiling (``CeilingEntry``).
///
/// Checked here: the required keys, the choices, a share's unit, a ceiling within a share's
/// bound. What the metric says of other sections (observation and target values, the
/// ceiling against the data) is checked in ``ScenarioCrossChecks``.
struct MetricSection {
    static let keys = ["name", "kind", "unit", "observed", "error", "ceiling"]

    var metric: Metric
    var ceiling: CeilingEntry
    /// Where errors about the error scale and about the share's unit point.
    var errorNode: Node?
    var unitNode: Node?

    init(_ node: Node, _ reader: NodeReader) throws {
        let fields = try reader.fields(node, "metric", allowed: Self.keys)
        let name = try reader.text(try fields.require("name", "the quantity counted, e.g. traders_accepting_qr"), "metric.name")
        let kindNode = try fields.require("kind", "count or share")
        let isShare = try reader.choice(kindNode, "metric.kind", [("count", false), ("share", true)])
        var kind = MetricKind.count
        if isShare {
            guard let unitNode = fields["unit"] else {
                throw reader.error(fields.keys["unit"] ?? kindNode, "metric.unit is required for a share: percent (0–100) or fraction (0–1)")
            }
            kind = .share(try reader.choice(unitNode, "metric.unit", [("percent", ShareUnit.percent), ("%", .percent), ("fraction", .fraction)]))
        }
        let observed = try fields["observed"].map {
            try reader.choice($0, "metric.observed", [("level", ObservationKind.level), ("flow", .flow)])
        } ?? .level
        let error = try fields["error"].map {
            try reader.choice($0, "metric.error", ErrorScale.allCases.map { ($0.rawValue, $0) })
        }
        ceiling = try fields["ceiling"].map { try CeilingEntry($0, kind: kind, reader) } ?? CeilingEntry()
        metric = Metric(name: name, kind: kind, unit: try fields.text("unit"), observed: observed, error: error,
                        ceiling: ceiling.knowledge, ceilingAssumed: ceiling.assumed, ceilingNote: ceiling.note)
        errorNode = fields["error"]
        unitNode = fields["unit"]
    }

    /// "a share in percent", "a share as a fraction of 1": what a value of this kind is, for
    /// messages about values out of range.
    static func describe(_ unit: ShareUnit) -> String {
        switch unit {
        case .percent: "a share in percent"
        case .fraction: "a share as a fraction of 1"
        }
    }
}
