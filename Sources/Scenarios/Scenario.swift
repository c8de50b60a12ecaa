import Fitting
import Forecasting
import TextIO

/// A scenario file, parsed and validated (DESIGN.md, "Scenario files"). Every number the
/// planner wrote is here; defaults are filled in.
public struct Scenario: Sendable {
    /// `[a-z0-9-]+`, unique in a batch; names the Results/ folder.
    public var id: String
    public var title: String?
    public var location: String?
    public var source: String?
    public var metric: Metric
    public var launch: CalendarDate?
    /// The launch date is not in the source (`launch: {date, assumed: true, note}`).
    public var launchAssumed = false
    public var launchNote: String?
    public var observations: [ScenarioObservation]
    public var targets: [ScenarioTarget]
    /// `auto` expands to every family that can be fitted to this metric.
    public var models: [CurveFamily]
    /// `models: auto` (or no `models`): the families are chosen again from the observations
    /// each forecast is fitted to (a backtest's 3 points before a cutoff do not get Richards
    /// because the full series has 28).
    public var modelsAreAuto = false
    public var priors: ScenarioPriors
    public var forecast: ForecastSettings
    public var verdict: VerdictThresholds
    public var variants: [VariantLevers]
    /// `seek:` — what `uptake run` seeks and writes to seek.csv; nil when not asked.
    public var seek: SeekSettings?
    /// The file it came from, and the SHA-256 of its bytes (and of any `data:` CSV).
    public var path: String
    public var inputSHA256: String

    public init(id: String, title: String? = nil, location: String? = nil, source: String? = nil, metric: Metric,
                launch: CalendarDate? = nil, observations: [ScenarioObservation], targets: [ScenarioTarget],
                models: [CurveFamily], priors: ScenarioPriors = ScenarioPriors(), forecast: ForecastSettings,
                verdict: VerdictThresholds = VerdictThresholds(), variants: [VariantLevers] = [],
                path: String, inputSHA256: String) {
        self.id = id; self.title = title; self.location = location; self.source = source
        self.metric = metric; self.launch = launch; self.observations = observations; self.targets = targets
        self.models = models; self.priors = priors; self.forecast = forecast; self.verdict = verdict
        self.variants = variants; self.path = path; self.inputSHA256 = inputSHA256
    }
}

public struct Metric: Sendable, Equatable {
    public var name: String
    public var kind: MetricKind
    /// Free text, e.g. "traders"; for shares "percent" or "fraction" (also in `kind`).
    public var unit: String?
    public var observed: ObservationKind
    /// nil: the default (log for counts, logit for shares).
    public var error: ErrorScale?
    public var ceiling: CeilingKnowledge
    /// The ceiling was not in the source (`assumed: true` on the ceiling).
    public var ceilingAssumed: Bool
    public var ceilingNote: String?

    public init(name: String, kind: MetricKind, unit: String? = nil, observed: ObservationKind = .level,
                error: ErrorScale? = nil, ceiling: CeilingKnowledge = .estimated, ceilingAssumed: Bool = false,
                ceilingNote: String? = nil) {
        self.name = name; self.kind = kind; self.unit = unit; self.observed = observed; self.error = error
        self.ceiling = ceiling; self.ceilingAssumed = ceilingAssumed; self.ceilingNote = ceilingNote
    }
}

public struct ScenarioObservation: Sendable, Equatable {
    public var date: CalendarDate
    public var value: Double
    public var of: Double?
    public var assumed: Bool
    public var note: String?

    public init(date: CalendarDate, value: Double, of: Double? = nil, assumed: Bool = false, note: String? = nil) {
        self.date = date; self.value = value; self.of = of; self.assumed = assumed; self.note = note
    }
}

public struct ScenarioTarget: Sendable, Equatable {
    public var value: Double
    public var by: CalendarDate
    public var label: String
    public var assumed: Bool
    public var note: String?
    /// On a flow metric: compare with the total so far (true, the default) or with the flow
    /// of one reporting period (`cumulative: false`). Ignored for levels.
    public var cumulative: Bool

    public init(value: Double, by: CalendarDate, label: String, assumed: Bool = false, note: String? = nil,
                cumulative: Bool = true) {
        self.value = value; self.by = by; self.label = label; self.assumed = assumed; self.note = note
        self.cumulative = cumulative
    }
}

/// A prior as written, with its assumption flag.
public struct ScenarioPrior: Sendable, Equatable {
    public var distribution: PriorDistribution
    public var assumed: Bool
    public var note: String?

    public init(_ distribution: PriorDistribution, assumed: Bool = false, note: String? = nil) {
        self.distribution = distribution; self.assumed = assumed; self.note = note
    }
}

public struct ScenarioPriors: Sendable, Equatable {
    /// Per year.
    public var growthRate: ScenarioPrior?
    /// A normal prior on the inflection date, in decimal years (`{date, sd_years}`).
    public var inflection: ScenarioPrior?
    /// On the error scale.
    public var noiseSD: ScenarioPrior?

    public init(growthRate: ScenarioPrior? = nil, inflection: ScenarioPrior? = nil, noiseSD: ScenarioPrior? = nil) {
        self.growthRate = growthRate; self.inflection = inflection; self.noiseSD = noiseSD
    }
}

public struct ForecastSettings: Sendable, Equatable {
    public var horizon: CalendarDate
    public var step: ForecastStep
    /// 1…10,000,000; default 10,000.
    public var paths: Int
    /// Default 1.
    public var seed: UInt64

    public init(horizon: CalendarDate, step: ForecastStep = .month, paths: Int = 10_000, seed: UInt64 = 1) {
        self.horizon = horizon; self.step = step; self.paths = paths; self.seed = seed
    }
}

/// A problem in a scenario file, located as precisely as the parser can (DESIGN.md: "Every
/// error names the file, line and column, and what would be valid").
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// `file:line:column: message`, one line: a control character from the input (a line
    /// break, a carriage return) is written out (``PrintableText/escaped(_:)``).
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let line, let column, line > 0 { place += ":\(column)" }
        return PrintableText.escaped("\(place): \(message)")
    }
}
