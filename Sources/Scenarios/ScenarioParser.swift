import Fitting
import Yams

/// One pass over a composed scenario: the top-level keys and the descriptive fields (id,
/// title, location, source), each section by its own reader, then the checks between
/// sections (``ScenarioCrossChecks``), and the ``Scenario`` they make.
///
/// The sections are read in file order and know nothing of one another; a check that needs
/// two of them is a cross check. So a file with two mistakes reports the one within a
/// section first.
struct ScenarioParser {
    static let topKeys = ["id", "title", "location", "source", "metric", "launch", "observations", "data", "targets",
                          "models", "priors", "forecast", "verdict", "variants", "seek"]

    /// Where a key belongs when it is written in the wrong place (mis-indented, as a rule):
    /// every key of exactly one section, and every top-level key. A key valid in several
    /// sections (`date`, `value`, `note`, …) has no single home and gets no hint.
    static let placement: [String: String] = {
        let sections: [(String, [String])] = [
            ("metric", MetricSection.keys), ("metric.ceiling", CeilingEntry.keys),
            ("observations", ObservationsSection.keys), ("launch", LaunchEntry.keys), ("targets", TargetsSection.keys),
            ("priors", PriorsSection.keys), ("priors.inflection", PriorsSection.inflectionKeys),
            ("forecast", ForecastSection.keys), ("verdict", VerdictSection.keys), ("variants", VariantsSection.keys),
            ("seek", SeekSection.keys),
        ]
        var homes: [String: Set<String>] = [:]
        for (section, keys) in sections {
            for key in keys { homes[key, default: []].insert(section) }
        }
        var placement: [String: String] = [:]
        for (key, places) in homes where places.count == 1 && !topKeys.contains(key) { placement[key] = places.first! }
        for key in topKeys { placement[key] = NodeReader.topLevel }
        return placement
    }()

    let file: String
    let reader: NodeReader

    init(file: String) {
        self.file = file
        reader = NodeReader(file: file, placement: Self.placement)
    }

    /// The scenario (without its input hash, which the loader computes) and the bytes of its
    /// `data:` CSV, if any.
    func parse(_ root: Node) throws -> (scenario: Scenario, dataBytes: [UInt8]?) {
        let top = try reader.fields(root, "", allowed: Self.topKeys)

        let idNode = try top.require("id", "lowercase letters, digits and '-', e.g. vung-tau-market-qr")
        let id = try reader.text(idNode, "id")
        guard ScenarioLoader.isValidID(id) else {
            throw reader.error(idNode, "id must use only lowercase letters, digits and '-' (e.g. vung-tau-market-qr), got \(NodeReader.quoted(id))")
        }
        guard id.count <= ScenarioLoader.maximumIDLength else {
            throw reader.error(idNode, "id is \(id.count) characters long; at most \(ScenarioLoader.maximumIDLength) "
                + "(it names the scenario's results folder)")
        }
        let title = try top.text("title"), location = try top.text("location"), source = try top.text("source")

        let metric = try MetricSection(try top.require("metric", "a mapping with at least name and kind"), reader)
        let launch = try top["launch"].map { try LaunchEntry($0, reader) }
        let observations = try ObservationsSection(top, reader)
        let targets = try TargetsSection(top["targets"], reader)
        let models = try ModelsSection(top["models"], reader)
        let priors = try PriorsSection(top["priors"], reader)
        let forecast = try ForecastSection(try top.require("forecast", "a mapping with at least horizon, e.g. {horizon: 2026-12-31}"),
                                           reader)
        let verdict = try VerdictSection(top["verdict"], reader)
        let variants = try VariantsSection(top["variants"], reader)
        let seek = try SeekSection(top["seek"], reader)

        let crossChecks = ScenarioCrossChecks(reader: reader, root: root, metric: metric, launch: launch,
                                              observations: observations, targets: targets, models: models,
                                              priors: priors, forecast: forecast, variants: variants)
        try crossChecks.check()
        try crossChecks.checkSeek(seek, variants: variants)

        let observed = observations.located.map(\.observation)
        let families = models.families
            ?? ScenarioLoader.autoModels(launch: launch?.date, observed: metric.metric.observed, observationCount: observed.count)
        var scenario = Scenario(id: id, title: title, location: location, source: source, metric: metric.metric,
                                launch: launch?.date, observations: observed, targets: targets.entries.map(\.target),
                                models: families, priors: priors.priors, forecast: forecast.settings,
                                verdict: verdict.thresholds, variants: variants.variants, path: file, inputSHA256: "")
        scenario.launchAssumed = launch?.assumed ?? false
        scenario.launchNote = launch?.note
        scenario.modelsAreAuto = models.families == nil
        scenario.seek = seek?.settings
        return (scenario, observations.dataBytes)
    }
}

extension ScenarioLoader {
    /// An id names a results folder; file systems allow 255 bytes in a name, and a planner
    /// reads an id in a table.
    public static let maximumIDLength = 100

    /// `[a-z0-9-]+`: an id names a Results/ folder.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
