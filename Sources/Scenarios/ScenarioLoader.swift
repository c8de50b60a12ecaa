import Fitting
import Forecasting
import Foundation
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
/// YAML and JSON (which is YAML) are read alike. Every problem is a ``ScenarioError`` at the
/// line and column of the node at fault, with a one-line message saying what would be
/// valid; the first problem found is reported.
///
/// `models: auto` (or no `models` key) selects the families the data can support: logistic and
/// Gompertz always; Richards from 6 observations (its shape needs the take-off and the
/// approach to the ceiling); the linear trend from 3 (with fewer it is not identified and
/// ignores the ceiling); not the exponential trend (it extrapolates a growth phase without
/// end; name it to use it); Bass when the scenario has a `launch` and
/// `metric.observed: flow` — a model of per-period adoptions counted from a launch. The local
/// trend (`local_trend`) is not in `auto`: on the real panels it does not yet beat the naive
/// trend (docs/forecasting.md); name it to use it.
public enum ScenarioLoader {
    /// `forecast.paths` is at most this (DESIGN.md).
    public static let maximumPaths = 10_000_000
    /// The file extensions `expand` picks up in a folder.
    public static let scenarioExtensions = ["yaml", "yml", "json"]

    /// Reads and validates one scenario file (and its `data:` CSV, if any).
    public static func load(path: String) throws -> Scenario {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ScenarioError(file: path, message: "no such file")
        }
        guard !isFolder.boolValue else {
            throw ScenarioError(file: path, message: "is a folder; give a scenario file, or expand the folder first")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, message: "cannot read the file")
        }
        return try load(bytes: [UInt8](data), path: path)
    }

    /// Validates a scenario given as text; `path` names it in errors and anchors a relative
    /// `data:` path.
    public static func load(contents: String, path: String) throws -> Scenario {
        try load(bytes: Array(contents.utf8), path: path)
    }

    static func load(bytes: [UInt8], path: String) throws -> Scenario {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScenarioError(file: path, line: 1, column: 1, message: "the file is not UTF-8 text")
        }
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
        var parser = ScenarioParser(file: path, reader: NodeReader(file: path))
        return try parser.parse(root, bytes: bytes)
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

    /// `[a-z0-9-]+`: an id names a Results/ folder.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// What `models: auto` means (see the type's documentation), in `CurveFamily` order.
    public static func autoModels(launch: CalendarDate?, observed: ObservationKind,
                                  observationCount: Int = .max) -> [CurveFamily] {
        CurveFamily.allCases.filter { family in
            switch family {
            case .logistic, .gompertz: return true
            case .richards: return observationCount >= 6
            case .linear: return observationCount >= 3
            // Named explicitly only: on the real panels an exponential fitted to a growth
            // phase and run 5–15 years ahead dominated the error (mobile 2005: mean WIS
            // 2·10⁵ with it, 32 without; docs/forecasting.md, "Calibration on real panels").
            case .exponential: return false
            case .bass: return launch != nil && observed == .flow
            // Named explicitly only, until it beats the anchors on real panels (docs/forecasting.md,
            // "Calibration on real panels").
            case .localTrend: return false
            }
        }
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
            return ScenarioError(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }
}

/// One pass over a composed scenario: read every key, then check the keys against each other.
struct ScenarioParser {
    let file: String
    let reader: NodeReader

    static let topKeys = ["id", "title", "location", "source", "metric", "launch", "observations", "data", "targets",
                          "models", "priors", "forecast", "verdict", "variants"]
    static let metricKeys = ["name", "kind", "unit", "observed", "error", "ceiling"]
    static let ceilingKeys = ["value", "min", "max", "prior", "assumed", "note"]
    static let observationKeys = ["date", "value", "of", "assumed", "note"]
    static let targetKeys = ["value", "by", "label", "assumed", "note", "cumulative"]
    static let priorKeys = ["growth_rate", "inflection", "noise_sd"]
    static let inflectionKeys = ["date", "sd_years", "assumed", "note"]
    static let forecastKeys = ["horizon", "step", "paths", "seed"]
    static let verdictKeys = ["on_track", "off_track"]
    static let variantKeys = ["id", "from", "growth_multiplier", "ceiling_multiplier", "level_shift", "assumed", "note"]
    static let launchKeys = ["date", "assumed", "note"]
    static let distributionKeys = ["normal", "lognormal", "uniform"]

    /// The ceiling as read, with the node errors about it should point at.
    struct CeilingEntry {
        var knowledge: CeilingKnowledge = .estimated
        var assumed = false
        var note: String?
        var node: Node?
    }

    mutating func parse(_ root: Node, bytes: [UInt8]) throws -> Scenario {
        let top = try reader.fields(root, "", allowed: Self.topKeys)

        let idNode = try top.require("id", "lowercase letters, digits and '-', e.g. vung-tau-market-qr")
        let id = try reader.text(idNode, "id")
        guard ScenarioLoader.isValidID(id) else {
            throw reader.error(idNode, "id must use only lowercase letters, digits and '-' (e.g. vung-tau-market-qr), got '\(id)'")
        }
        let title = try top.text("title"), location = try top.text("location"), source = try top.text("source")

        let (metric, ceiling, errorNode) = try parseMetric(try top.require("metric", "a mapping with at least name and kind"))
        let (launch, launchAssumed, launchNote) = try parseLaunch(top["launch"])

        // Observations, inline or from a CSV.
        var hashed = SHA256()
        hashed.update(bytes)
        var located: [LocatedObservation] = []
        if top["observations"] != nil, let dataNode = top["data"] {
            throw reader.error(top.keys["data"] ?? dataNode, "give either observations or data, not both")
        }
        if let node = top["observations"] {
            for (index, item) in try reader.sequence(node, "observations", of: "{date, value}").enumerated() {
                located.append(try parseObservation(item, "observations[\(index + 1)]"))
            }
        } else if let node = top["data"] {
            let (observations, csvBytes) = try readData(node)
            located = observations
            hashed.update(csvBytes)
        }
        try checkObservations(located, metric: metric, ceiling: ceiling, launch: launch, errorNode: errorNode)

        var targets: [(target: ScenarioTarget, value: Node, by: Node)] = []
        if let node = top["targets"] {
            for (index, item) in try reader.sequence(node, "targets", of: "{value, by, label}").enumerated() {
                targets.append(try parseTarget(item, "targets[\(index + 1)]"))
            }
        }

        let models = try parseModels(top["models"], launch: launch, observed: metric.observed, observationCount: located.count)
        let priors = try top["priors"].map(parsePriors) ?? ScenarioPriors()

        let forecastNode = try top.require("forecast", "a mapping with at least horizon, e.g. {horizon: 2026-12-31}")
        let (forecast, horizonNode) = try parseForecast(forecastNode)
        let verdict = try top["verdict"].map(parseVerdict) ?? VerdictThresholds()

        var variants: [VariantLevers] = []
        if let node = top["variants"] {
            var seen: [String: Int] = [:]
            for (index, item) in try reader.sequence(node, "variants", of: "{id, from, growth_multiplier, …}").enumerated() {
                let (variant, idNode) = try parseVariant(item, "variants[\(index + 1)]")
                if let line = seen[variant.id] {
                    throw reader.error(idNode, "variants[\(index + 1)].id '\(variant.id)' is used twice (first at line \(line)); variant ids must differ")
                }
                seen[variant.id] = idNode.mark?.line ?? 0
                variants.append(variant)
            }
        }

        // Without data, the curve has to come from what the planner knows.
        if located.isEmpty {
            var missing: [String] = []
            if launch == nil { missing.append("launch") }
            if case .estimated = ceiling.knowledge { missing.append("metric.ceiling") }
            if priors.growthRate == nil { missing.append("priors.growth_rate") }
            if !missing.isEmpty {
                let at = top.keys["observations"] ?? top.keys["data"] ?? root
                throw reader.error(at, "observations (or data: file.csv) are required unless launch, metric.ceiling and priors.growth_rate are all given; missing \(missing.joined(separator: ", "))")
            }
        }

        // The horizon must lie beyond what is known.
        if let last = located.last?.observation.date, forecast.horizon <= last {
            throw reader.error(horizonNode, "forecast.horizon \(forecast.horizon) must be after the last observation (\(last))")
        }
        if located.isEmpty, let launch, forecast.horizon <= launch {
            throw reader.error(horizonNode, "forecast.horizon \(forecast.horizon) must be after launch (\(launch))")
        }

        for (index, entry) in targets.enumerated() {
            try checkTarget(entry, "targets[\(index + 1)]", metric: metric, ceiling: ceiling, horizon: forecast.horizon)
        }

        var scenario = Scenario(id: id, title: title, location: location, source: source, metric: metric, launch: launch,
                                observations: located.map(\.observation), targets: targets.map(\.target), models: models,
                                priors: priors, forecast: forecast, verdict: verdict, variants: variants, path: file,
                                inputSHA256: hashed.hexDigest())
        scenario.launchAssumed = launchAssumed
        scenario.launchNote = launchNote
        if let node = top["models"], case let .scalar(scalar) = node { scenario.modelsAreAuto = scalar.string == "auto" }
        if top["models"] == nil { scenario.modelsAreAuto = true }
        return scenario
    }

    // MARK: metric

    func parseMetric(_ node: Node) throws -> (Metric, CeilingEntry, Node?) {
        let fields = try reader.fields(node, "metric", allowed: Self.metricKeys)
        let name = try reader.text(try fields.require("name", "the quantity counted, e.g. traders_accepting_qr"), "metric.name")
        let kindNode = try fields.require("kind", "count or share")
        let isShare = try reader.choice(kindNode, "metric.kind", [("count", false), ("share", true)])
        let unit = try fields.text("unit")
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
        let ceiling = try fields["ceiling"].map { try parseCeiling($0, kind: kind) } ?? CeilingEntry()
        let metric = Metric(name: name, kind: kind, unit: unit, observed: observed, error: error, ceiling: ceiling.knowledge,
                            ceilingAssumed: ceiling.assumed, ceilingNote: ceiling.note)
        return (metric, ceiling, fields["error"])
    }

    func parseCeiling(_ node: Node, kind: MetricKind) throws -> CeilingEntry {
        let path = "metric.ceiling"
        var entry = CeilingEntry(node: node)
        let shapes = "a number, {min: a, max: b} or {prior: DIST}"
        switch node {
        case .scalar:
            entry.knowledge = .fixed(try reader.positive(node, path))
        case .mapping:
            let fields = try reader.fields(node, path, allowed: Self.ceilingKeys)
            entry.assumed = try fields.bool("assumed") ?? false
            entry.note = try fields.text("note")
            let given = ["value", "min", "max", "prior"].filter { fields[$0] != nil }
            switch Set(given) {
            case ["value"]:
                entry.node = fields["value"]
                entry.knowledge = .fixed(try reader.positive(fields["value"]!, "\(path).value"))
            case ["min", "max"]:
                let low = try reader.positive(fields["min"]!, "\(path).min")
                let high = try reader.positive(fields["max"]!, "\(path).max")
                guard low < high else {
                    throw reader.error(fields["max"], "\(path).max must be greater than min, got min \(NodeReader.format(low)) and max \(NodeReader.format(high))")
                }
                entry.node = fields["max"]
                entry.knowledge = .range(min: low, max: high)
            case ["prior"]:
                entry.knowledge = .prior(try parseDistribution(fields["prior"]!, "\(path).prior", annotated: false).distribution)
            case ["min"], ["max"]:
                throw reader.error(node, "\(path) needs both min and max")
            default:
                throw reader.error(node, "\(path) must give one of value, min and max, or prior (\(shapes))")
            }
        default:
            throw reader.error(node, "\(path) must be \(shapes), got \(NodeReader.describe(node))")
        }
        if let bound = kind.bound {
            let top: Double? = switch entry.knowledge {
            case let .fixed(value): value
            case let .range(_, high): high
            default: nil
            }
            if let top, top > bound {
                throw reader.error(entry.node, "\(path) must be at most \(NodeReader.format(bound)) for a share in \(bound == 100 ? "percent" : "fraction"), got \(NodeReader.format(top))")
            }
        }
        return entry
    }

    // MARK: observations

    func parseObservation(_ node: Node, _ name: String) throws -> LocatedObservation {
        let fields = try reader.fields(node, name, allowed: Self.observationKeys)
        let dateNode = try fields.require("date", "YYYY-MM-DD")
        let valueNode = try fields.require("value", "a number")
        let observation = ScenarioObservation(date: try reader.date(dateNode, "\(name).date"),
                                              value: try reader.number(valueNode, "\(name).value"),
                                              of: try fields.number("of"), assumed: try fields.bool("assumed") ?? false,
                                              note: try fields.text("note"))
        return LocatedObservation(observation: observation, name: name, date: reader.location(dateNode),
                                  value: reader.location(valueNode), of: fields["of"].map(reader.location))
    }

    func readData(_ node: Node) throws -> ([LocatedObservation], [UInt8]) {
        let relative = try reader.text(node, "data")
        let dataPath: String
        if relative.hasPrefix("/") {
            dataPath = relative
        } else {
            let folder = (file as NSString).deletingLastPathComponent
            dataPath = folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataPath, isDirectory: &isFolder), !isFolder.boolValue,
              let data = FileManager.default.contents(atPath: dataPath) else {
            let lookedFor = dataPath == relative ? "" : " (looked for \(dataPath))"
            throw reader.error(node, "data file '\(relative)' not found\(lookedFor); the path is relative to the scenario file")
        }
        let bytes = [UInt8](data)
        return (try ScenarioDataFile.read(bytes: bytes, file: dataPath), bytes)
    }

    /// Order, sign, unit, launch and ceiling, for inline and CSV observations alike.
    func checkObservations(_ located: [LocatedObservation], metric: Metric, ceiling: CeilingEntry, launch: CalendarDate?,
                           errorNode: Node?) throws {
        var previous: LocatedObservation?
        for entry in located {
            let o = entry.observation
            if let previous {
                if o.date == previous.observation.date {
                    throw entry.date.error("\(entry.field("date")) \(o.date) appears twice (also at line \(previous.date.line ?? 0)); each date may have one value")
                }
                if o.date < previous.observation.date {
                    throw entry.date.error("\(entry.field("date")) \(o.date) is before the previous observation (\(previous.observation.date)); list observations oldest first")
                }
            }
            if let launch, o.date < launch {
                throw entry.date.error("\(entry.field("date")) \(o.date) is before launch (\(launch)); the level is 0 until launch")
            }
            let value = NodeReader.format(o.value)
            switch metric.kind {
            case .count:
                guard o.value >= 0 else {
                    throw entry.value.error("\(entry.field("value")) must be at least 0 (a count cannot be negative), got \(value)")
                }
            case let .share(unit):
                let bound = metric.kind.bound!
                guard o.value >= 0, o.value <= bound else {
                    throw entry.value.error("\(entry.field("value")) must be between 0 and \(NodeReader.format(bound)) (a share in \(unit.rawValue)), got \(value)")
                }
            }
            if let whole = o.of {
                guard whole > 0 else {
                    throw (entry.of ?? entry.value).error("\(entry.field("of")) must be greater than 0 (the whole), got \(NodeReader.format(whole))")
                }
                if metric.kind == .count, o.value > whole {
                    throw entry.value.error("\(entry.field("value")) \(value) is more than its whole (of: \(NodeReader.format(whole)))")
                }
            }
            if metric.observed == .level, case let .fixed(k) = ceiling.knowledge, o.value > k {
                throw entry.value.error("\(entry.field("value")) \(value) is above metric.ceiling (\(NodeReader.format(k))); raise the ceiling or check the value")
            }
            previous = entry
        }
        let scale = metric.error ?? (metric.kind == .count ? .log : .logit)
        if scale == .logit, metric.kind == .count, let missing = located.first(where: { $0.observation.of == nil }) {
            throw reader.error(errorNode, "metric.error logit on a count needs the whole ('of') of every observation, and \(missing.name.isEmpty ? "line \(missing.value.line ?? 0) of the data" : missing.name) has none; use log for counts")
        }
    }

    // MARK: targets

    func parseTarget(_ node: Node, _ name: String) throws -> (target: ScenarioTarget, value: Node, by: Node) {
        let fields = try reader.fields(node, name, allowed: Self.targetKeys)
        let valueNode = try fields.require("value", "the level to reach")
        let byNode = try fields.require("by", "the deadline, YYYY-MM-DD")
        let value = try reader.number(valueNode, "\(name).value")
        let by = try reader.date(byNode, "\(name).by")
        let label = try fields.text("label") ?? "\(NodeReader.format(value)) by \(by)"
        let target = ScenarioTarget(value: value, by: by, label: label, assumed: try fields.bool("assumed") ?? false,
                                    note: try fields.text("note"), cumulative: try fields.bool("cumulative") ?? true)
        return (target, valueNode, byNode)
    }

    func checkTarget(_ entry: (target: ScenarioTarget, value: Node, by: Node), _ name: String, metric: Metric,
                     ceiling: CeilingEntry, horizon: CalendarDate) throws {
        let t = entry.target
        let value = NodeReader.format(t.value)
        guard t.value >= 0 else { throw reader.error(entry.value, "\(name).value must be at least 0, got \(value)") }
        if case let .share(unit) = metric.kind, let bound = metric.kind.bound, t.value > bound {
            throw reader.error(entry.value, "\(name).value must be at most \(NodeReader.format(bound)) (a share in \(unit.rawValue)), got \(value)")
        }
        if case let .fixed(k) = ceiling.knowledge, t.value > k {
            throw reader.error(entry.value, "\(name).value \(value) is above metric.ceiling (\(NodeReader.format(k))) and can never be met; lower the target or raise the ceiling")
        }
        if t.by > horizon {
            throw reader.error(entry.by, "\(name).by \(t.by) is after forecast.horizon (\(horizon)); set the horizon to \(t.by) or later")
        }
    }

    // MARK: models, priors

    func parseModels(_ node: Node?, launch: CalendarDate?, observed: ObservationKind, observationCount: Int) throws -> [CurveFamily] {
        guard let node else { return ScenarioLoader.autoModels(launch: launch, observed: observed, observationCount: observationCount) }
        let valid = CurveFamily.allCases.map(\.rawValue).joined(separator: ", ")
        if case let .scalar(scalar) = node {
            guard scalar.string == "auto" else {
                throw reader.error(node, "models must be auto or a list of families from \(valid), got '\(scalar.string)'")
            }
            return ScenarioLoader.autoModels(launch: launch, observed: observed, observationCount: observationCount)
        }
        let items = try reader.sequence(node, "models", of: "families (\(valid))")
        guard !items.isEmpty else { throw reader.error(node, "models must name at least one family (\(valid)), or be auto") }
        var families: [CurveFamily] = []
        for (index, item) in items.enumerated() {
            let path = "models[\(index + 1)]"
            let name = try reader.text(item, path)
            guard let family = CurveFamily(rawValue: name) else {
                var message = "unknown model family '\(name)'"
                if let suggestion = NearestName.suggest(name, among: CurveFamily.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; valid: \(valid)"
                }
                throw reader.error(item, message)
            }
            guard !families.contains(family) else { throw reader.error(item, "\(path): \(name) is listed twice") }
            if family == .bass, launch == nil {
                throw reader.error(item, "the bass model needs a launch date (launch: YYYY-MM-DD)")
            }
            families.append(family)
        }
        return families
    }

    func parsePriors(_ node: Node) throws -> ScenarioPriors {
        let fields = try reader.fields(node, "priors", allowed: Self.priorKeys)
        var priors = ScenarioPriors()
        priors.growthRate = try fields["growth_rate"].map { try parseDistribution($0, "priors.growth_rate", annotated: true) }
        priors.noiseSD = try fields["noise_sd"].map { try parseDistribution($0, "priors.noise_sd", annotated: true) }
        if let node = fields["inflection"] {
            let path = "priors.inflection"
            let inflection = try reader.fields(node, path, allowed: Self.inflectionKeys)
            let date = try reader.date(try inflection.require("date", "YYYY-MM-DD"), "\(path).date")
            let sd = try reader.positive(try inflection.require("sd_years", "a number of years > 0"), "\(path).sd_years")
            priors.inflection = ScenarioPrior(.normal(mean: date.decimalYear, sd: sd),
                                              assumed: try inflection.bool("assumed") ?? false, note: try inflection.text("note"))
        }
        return priors
    }

    /// DIST: `{normal: {mean, sd}}`, `{lognormal: {median, sd_log}}` or `{uniform: [lo, hi]}`,
    /// with `assumed` and `note` beside it where `annotated`.
    func parseDistribution(_ node: Node, _ path: String, annotated: Bool) throws -> ScenarioPrior {
        let shapes = "{normal: {mean, sd}}, {lognormal: {median, sd_log}} or {uniform: [lo, hi]}"
        guard case .mapping = node else {
            throw reader.error(node, "\(path) must be a distribution, one of \(shapes), got \(NodeReader.describe(node))")
        }
        let fields = try reader.fields(node, path, allowed: Self.distributionKeys + (annotated ? ["assumed", "note"] : []))
        let given = Self.distributionKeys.filter { fields[$0] != nil }
        guard given.count == 1, let kind = given.first, let body = fields[kind] else {
            throw reader.error(node, "\(path) must give exactly one of \(shapes)")
        }
        let inner = "\(path).\(kind)"
        let distribution: PriorDistribution
        switch kind {
        case "normal":
            let f = try reader.fields(body, inner, allowed: ["mean", "sd"])
            distribution = .normal(mean: try reader.number(try f.require("mean"), "\(inner).mean"),
                                   sd: try reader.positive(try f.require("sd"), "\(inner).sd"))
        case "lognormal":
            let f = try reader.fields(body, inner, allowed: ["median", "sd_log"])
            distribution = .lognormal(median: try reader.positive(try f.require("median"), "\(inner).median"),
                                      sdLog: try reader.positive(try f.require("sd_log"), "\(inner).sd_log"))
        default:
            guard case let .sequence(sequence) = body, sequence.count == 2 else {
                throw reader.error(body, "\(inner) must be a list of two numbers [lo, hi], got \(NodeReader.describe(body))")
            }
            let low = try reader.number(sequence[0], "\(inner)[1]")
            let high = try reader.number(sequence[1], "\(inner)[2]")
            guard low < high else {
                throw reader.error(body, "\(inner) must be [lo, hi] with lo < hi, got [\(NodeReader.format(low)), \(NodeReader.format(high))]")
            }
            distribution = .uniform(lower: low, upper: high)
        }
        return ScenarioPrior(distribution, assumed: try fields.bool("assumed") ?? false, note: try fields.text("note"))
    }

    // MARK: forecast, verdict, variants

    func parseForecast(_ node: Node) throws -> (ForecastSettings, Node) {
        let fields = try reader.fields(node, "forecast", allowed: Self.forecastKeys)
        let horizonNode = try fields.require("horizon", "the last date to forecast, YYYY-MM-DD")
        var settings = ForecastSettings(horizon: try reader.date(horizonNode, "forecast.horizon"))
        if let step = fields["step"] {
            settings.step = try reader.choice(step, "forecast.step", ForecastStep.allCases.map { ($0.rawValue, $0) })
        }
        if let paths = fields["paths"] {
            let value = try reader.wholeNumber(paths, "forecast.paths")
            guard (1...ScenarioLoader.maximumPaths).contains(value) else {
                throw reader.error(paths, "forecast.paths must be between 1 and 10,000,000, got \(value)")
            }
            settings.paths = value
        }
        if let seed = fields["seed"] { settings.seed = try reader.unsigned(seed, "forecast.seed") }
        return (settings, horizonNode)
    }

    func parseVerdict(_ node: Node) throws -> VerdictThresholds {
        let fields = try reader.fields(node, "verdict", allowed: Self.verdictKeys)
        var thresholds = VerdictThresholds()
        if let value = try fields.number("on_track") { thresholds.onTrack = value }
        if let value = try fields.number("off_track") { thresholds.offTrack = value }
        let on = thresholds.onTrack, off = thresholds.offTrack
        guard 0 <= off, off < on, on <= 1 else {
            let at = on > 1 || (off >= on && fields["off_track"] == nil) ? fields["on_track"] : fields["off_track"]
            throw reader.error(at ?? node, "verdict thresholds must satisfy 0 ≤ off_track < on_track ≤ 1, got off_track \(NodeReader.format(off)) and on_track \(NodeReader.format(on))")
        }
        return thresholds
    }

    /// `launch: 2022-03-31`, or `launch: {date: 2022-03-31, assumed: true, note: …}` when the
    /// source does not give the date.
    func parseLaunch(_ node: Node?) throws -> (CalendarDate?, Bool, String?) {
        guard let node else { return (nil, false, nil) }
        if case .mapping = node {
            let fields = try reader.fields(node, "launch", allowed: Self.launchKeys)
            let date = try reader.date(try fields.require("date", "a date YYYY-MM-DD"), "launch.date")
            return (date, try fields.bool("assumed") ?? false, try fields.text("note"))
        }
        return (try reader.date(node, "launch"), false, nil)
    }

    func parseVariant(_ node: Node, _ name: String) throws -> (VariantLevers, Node) {
        let fields = try reader.fields(node, name, allowed: Self.variantKeys)
        let idNode = try fields.require("id", "lowercase letters, digits and '-', e.g. campaign")
        let id = try reader.text(idNode, "\(name).id")
        guard ScenarioLoader.isValidID(id) else {
            throw reader.error(idNode, "\(name).id must use only lowercase letters, digits and '-' (e.g. campaign), got '\(id)'")
        }
        guard id != VariantLevers.baseline.id else {
            throw reader.error(idNode, "\(name).id 'baseline' is reserved for the scenario without levers; choose another id")
        }
        var variant = VariantLevers(id: id, from: try fields.date("from"))
        variant.assumed = try fields.bool("assumed") ?? false
        variant.note = try fields.text("note")
        func multiplier(_ key: String) throws -> PriorDistribution? {
            guard let node = fields[key] else { return nil }
            let distribution = try parseDistribution(node, fields.path(key), annotated: false).distribution
            let positive: Bool = switch distribution {
            case let .normal(mean, _): mean > 0
            case .lognormal: true
            case let .uniform(low, _): low > 0
            }
            guard positive else {
                throw reader.error(node, "\(fields.path(key)) must be a positive multiplier (e.g. {uniform: [1.1, 1.4]})")
            }
            return distribution
        }
        variant.growthMultiplier = try multiplier("growth_multiplier")
        variant.ceilingMultiplier = try multiplier("ceiling_multiplier")
        variant.levelShift = try fields["level_shift"].map {
            try parseDistribution($0, fields.path("level_shift"), annotated: false).distribution
        }
        guard variant.growthMultiplier != nil || variant.ceilingMultiplier != nil || variant.levelShift != nil else {
            throw reader.error(node, "\(name) changes nothing: give growth_multiplier, ceiling_multiplier or level_shift")
        }
        return (variant, idNode)
    }
}
