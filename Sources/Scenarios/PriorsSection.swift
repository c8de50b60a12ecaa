import Fitting
import Yams

/// `priors:` — what the planner knows that the data cannot pin down: the growth rate (per
/// year), the inflection date, the noise (on the error scale). Each is a DIST, with
/// `assumed` and `note` beside it; the inflection is `{date, sd_years}`.
struct PriorsSection {
    static let keys = ["growth_rate", "inflection", "noise_sd"]
    static let inflectionKeys = ["date", "sd_years", "assumed", "note"]

    var priors = ScenarioPriors()

    init(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return }
        let fields = try reader.fields(node, "priors", allowed: Self.keys)
        priors.growthRate = try fields["growth_rate"].map { try reader.distribution($0, "priors.growth_rate", annotated: true) }
        priors.noiseSD = try fields["noise_sd"].map { try reader.distribution($0, "priors.noise_sd", annotated: true) }
        if let node = fields["inflection"] {
            let path = "priors.inflection"
            let inflection = try reader.fields(node, path, allowed: Self.inflectionKeys)
            let date = try reader.date(try inflection.require("date", "YYYY-MM-DD"), "\(path).date")
            let sd = try reader.positive(try inflection.require("sd_years", "a number of years > 0"), "\(path).sd_years")
            priors.inflection = ScenarioPrior(.normal(mean: date.decimalYear, sd: sd),
                                              assumed: try inflection.bool("assumed") ?? false, note: try inflection.text("note"))
        }
    }
}

/// `metric.ceiling:` — a number, `{value}`, `{min, max}` or `{prior: DIST}`, with `assumed`
/// and `note`; omitted, the ceiling is estimated (DESIGN.md, "Ceilings"). Read here beside
/// the priors because a ceiling is one: a point mass, a range or a distribution.
struct CeilingEntry {
    static let keys = ["value", "min", "max", "prior", "assumed", "note"]

    var knowledge: CeilingKnowledge = .estimated
    var assumed = false
    var note: String?
    /// The node errors about the ceiling point at: the number, or the range's max.
    var node: Node?

    init() {}

    init(_ node: Node, kind: MetricKind, _ reader: NodeReader) throws {
        let path = "metric.ceiling"
        self.node = node
        let shapes = "a number, {min: a, max: b} or {prior: DIST}"
        switch node {
        case .scalar:
            knowledge = .fixed(try reader.positive(node, path))
        case .mapping:
            let fields = try reader.fields(node, path, allowed: Self.keys)
            assumed = try fields.bool("assumed") ?? false
            note = try fields.text("note")
            let given = ["value", "min", "max", "prior"].filter { fields[$0] != nil }
            switch Set(given) {
            case ["value"]:
                self.node = fields["value"]
                knowledge = .fixed(try reader.positive(fields["value"]!, "\(path).value"))
            case ["min", "max"]:
                let low = try reader.positive(fields["min"]!, "\(path).min")
                let high = try reader.positive(fields["max"]!, "\(path).max")
                guard low < high else {
                    throw reader.error(fields["max"], "\(path).max must be greater than min, got min \(NodeReader.format(low)) and max \(NodeReader.format(high))")
                }
                self.node = fields["max"]
                knowledge = .range(min: low, max: high)
            case ["prior"]:
                knowledge = .prior(try reader.distribution(fields["prior"]!, "\(path).prior", annotated: false).distribution)
            case ["min"], ["max"]:
                throw reader.error(node, "\(path) needs both min and max, e.g. {min: 500, max: 600}")
            default:
                throw reader.error(node, "\(path) must give one of value, min and max, or prior (\(shapes))")
            }
        default:
            throw reader.error(node, "\(path) must be \(shapes), got \(NodeReader.describe(node))")
        }
        if case let .share(unit) = kind, let bound = kind.bound, let top, top.value > bound {
            throw reader.error(self.node, "\(top.name) must be at most \(NodeReader.format(bound)) for \(MetricSection.describe(unit)), got \(NodeReader.format(top.value))")
        }
    }

    /// The highest level the ceiling allows, where it states one: a fixed ceiling's value or
    /// a range's max, with the name messages give it. Nothing can be observed or met above it.
    var top: (value: Double, name: String)? {
        switch knowledge {
        case let .fixed(value): (value, "metric.ceiling")
        case let .range(_, high): (high, "metric.ceiling.max")
        default: nil
        }
    }
}

extension NodeReader {
    static let distributionKeys = ["normal", "lognormal", "uniform"]

    /// DIST: `{normal: {mean, sd}}`, `{lognormal: {median, sd_log}}` or `{uniform: [lo, hi]}`,
    /// with `assumed` and `note` beside it where `annotated` (priors; not levers or ceilings,
    /// whose entry carries them).
    func distribution(_ node: Node, _ path: String, annotated: Bool) throws -> ScenarioPrior {
        let shapes = "{normal: {mean, sd}}, {lognormal: {median, sd_log}} or {uniform: [lo, hi]}"
        guard case .mapping = node else {
            throw error(node, "\(path) must be a distribution, one of \(shapes), got \(Self.describe(node))")
        }
        let fields = try self.fields(node, path, allowed: Self.distributionKeys + (annotated ? ["assumed", "note"] : []))
        let given = Self.distributionKeys.filter { fields[$0] != nil }
        guard given.count == 1, let kind = given.first, let body = fields[kind] else {
            throw error(node, "\(path) must give exactly one of \(shapes)")
        }
        let inner = "\(path).\(kind)"
        let distribution: PriorDistribution
        switch kind {
        case "normal":
            let f = try self.fields(body, inner, allowed: ["mean", "sd"])
            distribution = .normal(mean: try number(try f.require("mean"), "\(inner).mean"),
                                   sd: try positive(try f.require("sd"), "\(inner).sd"))
        case "lognormal":
            let f = try self.fields(body, inner, allowed: ["median", "sd_log"])
            distribution = .lognormal(median: try positive(try f.require("median"), "\(inner).median"),
                                      sdLog: try positive(try f.require("sd_log"), "\(inner).sd_log"))
        default:
            guard case let .sequence(sequence) = body, sequence.count == 2 else {
                throw error(body, "\(inner) must be a list of two numbers [lo, hi], got \(Self.describe(body))")
            }
            let low = try number(sequence[0], "\(inner)[1]")
            let high = try number(sequence[1], "\(inner)[2]")
            guard low < high else {
                throw error(body, "\(inner) must be [lo, hi] with lo < hi, got [\(Self.format(low)), \(Self.format(high))]")
            }
            distribution = .uniform(lower: low, upper: high)
        }
        return ScenarioPrior(distribution, assumed: try fields.bool("assumed") ?? false, note: try fields.text("note"))
    }
}
