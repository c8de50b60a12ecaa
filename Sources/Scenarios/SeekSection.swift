import Forecasting
import Yams

/// What a scenario asks `uptake run` to seek (`seek:`; DESIGN.md, "Scenario files"): the
/// smallest lever that lifts P(met) to `probability` (``LeverSeek``), written to
/// `Results/<id>/seek.csv`.
public struct SeekSettings: Sendable, Equatable {
    /// In (0, 1); default 0.8.
    public var probability: Double
    /// Default: growth multiplier.
    public var lever: SeekLever
    /// A target's label, or its number (1-based) when no label is that text; nil: every target.
    public var target: String?

    public static let defaultProbability = 0.8

    public init(probability: Double = SeekSettings.defaultProbability, lever: SeekLever = .growthMultiplier,
                target: String? = nil) {
        self.probability = probability; self.lever = lever; self.target = target
    }
}

/// `seek:` — `{probability, lever, target}`, each optional (`seek: {}` seeks a growth
/// multiplier for P(met) ≥ 0.8 on every target).
///
/// Checked here: the probability strictly between 0 and 1, the lever one of
/// growth_multiplier, level_shift, ceiling_multiplier, start. Against the targets and the
/// variants (a target that exists; `start` needs a variant): ``ScenarioCrossChecks/checkSeek(_:variants:)``.
struct SeekSection {
    static let keys = ["probability", "lever", "target"]

    var settings = SeekSettings()
    var node: Node
    var leverNode: Node?
    var targetNode: Node?

    init?(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return nil }
        self.node = node
        let fields = try reader.fields(node, "seek", allowed: Self.keys)
        if let probability = fields["probability"] {
            let p = try reader.number(probability, "seek.probability")
            guard p > 0, p < 1 else {
                throw reader.error(probability, "seek.probability must be between 0 and 1 (exclusive), e.g. 0.8, got \(NodeReader.format(p))")
            }
            settings.probability = p
        }
        if let lever = fields["lever"] {
            leverNode = lever
            settings.lever = try reader.choice(lever, "seek.lever", SeekLever.allCases.map { ($0.rawValue, $0) })
        }
        if let target = fields["target"] {
            targetNode = target
            settings.target = try reader.text(target, "seek.target")
        }
    }
}

extension ScenarioTarget {
    /// The index of the target a `--target` or `seek.target` names: the first whose label is
    /// `text`, else the `text`-th (1-based); nil when neither.
    public static func index(of text: String, in targets: [ScenarioTarget]) -> Int? {
        if let byLabel = targets.firstIndex(where: { $0.label == text }) { return byLabel }
        if let number = Int(text), targets.indices.contains(number - 1) { return number - 1 }
        return nil
    }

    /// The targets, numbered, for a message: `1 '800 points by 2025', 2 '…'`.
    public static func listing(_ targets: [ScenarioTarget]) -> String {
        targets.enumerated().map { "\($0.offset + 1) '\($0.element.label)'" }.joined(separator: ", ")
    }
}

extension ScenarioCrossChecks {
    /// `seek:` against the targets and the variants: there is a target to seek, the one
    /// named exists, and `start` has a first variant to move.
    func checkSeek(_ seek: SeekSection?, variants: VariantsSection) throws {
        guard let seek else { return }
        let scenarioTargets = targets.entries.map(\.target)
        guard !scenarioTargets.isEmpty else {
            throw reader.error(seek.node, "seek needs a target to seek, and the scenario has none; add targets or remove seek")
        }
        if let name = seek.settings.target, ScenarioTarget.index(of: name, in: scenarioTargets) == nil {
            throw reader.error(seek.targetNode, "seek.target '\(name)' is neither a target's label nor its number; the targets are \(ScenarioTarget.listing(scenarioTargets))")
        }
        if seek.settings.lever == .start, variants.variants.isEmpty {
            throw reader.error(seek.leverNode, "seek.lever start moves the first variant's `from` date, and the scenario has no variants; add one (e.g. {id: campaign, growth_multiplier: {uniform: [1.1, 1.4]}}) or seek another lever")
        }
    }
}
