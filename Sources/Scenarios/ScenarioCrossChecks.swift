import Fitting
import Yams

/// The checks between sections of a scenario, made once each section has been read and
/// checked on its own (DESIGN.md, "Scenario files": what is invalid). Each check is here
/// and nowhere else in the loader; ``Scenario/forecastRequest()`` relies on them.
///
/// In order: each observation against the metric (its unit, its whole), the launch and the
/// ceiling; a percent share written as fractions; data, or what stands in for it; the
/// horizon against the data; each target against the unit, the ceiling and the horizon;
/// the families against the launch.
struct ScenarioCrossChecks {
    let reader: NodeReader
    let root: Node
    let metric: MetricSection
    let launch: LaunchEntry?
    let observations: ObservationsSection
    let targets: TargetsSection
    let models: ModelsSection
    let priors: PriorsSection
    let forecast: ForecastSection
    let variants: VariantsSection

    func check() throws {
        try checkObservations()
        try checkPercentIsNotFractions()
        try checkDataOrWhatStandsInForIt()
        try checkHorizon()
        try checkTargets()
        try checkModels()
        try checkBudget()
    }

    private var kind: MetricKind { metric.metric.kind }

    private static func format(_ value: Double) -> String { NodeReader.format(value) }

    /// Inline and CSV observations alike: after launch, in the metric's unit, a count within
    /// its whole, a level under the ceiling's top; logit on a count needs every whole.
    func checkObservations() throws {
        // A flow's values are per period: the ceiling bounds their total, not each of them.
        let ceiling = metric.metric.observed == .level ? metric.ceiling.top : nil
        for entry in observations.located {
            let o = entry.observation
            let value = Self.format(o.value)
            if let launch, o.date < launch.date {
                throw entry.date.error("\(entry.field("date")) \(o.date) is before launch (\(launch.date)); the level is 0 until launch")
            }
            switch kind {
            case .count:
                guard o.value >= 0 else {
                    throw entry.value.error("\(entry.field("value")) must be at least 0 (a count cannot be negative), got \(value)")
                }
                if let whole = o.of, o.value > whole {
                    throw entry.value.error("\(entry.field("value")) \(value) is more than its whole (of: \(Self.format(whole)))")
                }
            case let .share(unit):
                let bound = kind.bound!
                guard o.value >= 0, o.value <= bound else {
                    throw entry.value.error("\(entry.field("value")) must be between 0 and \(Self.format(bound)) (\(MetricSection.describe(unit))), got \(value)")
                }
            }
            if let ceiling, o.value > ceiling.value {
                throw entry.value.error("\(entry.field("value")) \(value) is above \(ceiling.name) (\(Self.format(ceiling.value))); raise \(ceiling.name) or check the value")
            }
        }
        let scale = metric.metric.error ?? (kind == .count ? .log : .logit)
        if scale == .logit, kind == .count, let missing = observations.located.first(where: { $0.observation.of == nil }) {
            let name = missing.name.isEmpty ? "line \(missing.value.line ?? 0) of the data" : missing.name
            throw reader.error(metric.errorNode, "metric.error logit on a count needs the whole ('of') of every observation, and \(name) has none; use log for counts")
        }
    }

    /// DESIGN.md: "values of a percent share that are all ≤ 1 (probably fractions: say so)";
    /// 0.47 read as 0.47 % would give a confident, wrong verdict. Zeros are zero in either
    /// unit, so it takes a value above 0 to tell.
    func checkPercentIsNotFractions() throws {
        guard kind == .share(.percent), let largest = observations.located.map(\.observation.value).max(),
              largest > 0, largest <= 1 else { return }
        // 0.47 × 100 is 46.99999999999999 in binary: round to what the planner would write.
        let percent = Self.format((largest * 100 * 1e6).rounded() / 1e6)
        throw reader.error(metric.unitNode, "metric.unit is percent, but every observation is at most 1 (largest \(Self.format(largest))): "
            + "the values look like fractions of 1; a percent metric takes \(percent) for \(percent) % (multiply them by 100, or use unit: fraction)")
    }

    /// Without data the curve has to come from what the planner knows.
    func checkDataOrWhatStandsInForIt() throws {
        guard observations.located.isEmpty else { return }
        var missing: [String] = []
        if launch == nil { missing.append("launch") }
        if case .estimated = metric.ceiling.knowledge { missing.append("metric.ceiling") }
        if priors.priors.growthRate == nil { missing.append("priors.growth_rate") }
        guard missing.isEmpty else {
            throw reader.error(observations.key ?? root, "observations (or data: file.csv) are required unless launch, metric.ceiling and priors.growth_rate are all given; missing \(missing.joined(separator: ", "))")
        }
    }

    /// The horizon lies beyond what is known: the last observation, else the launch.
    func checkHorizon() throws {
        let horizon = forecast.settings.horizon
        if let last = observations.located.last?.observation.date {
            guard horizon > last else {
                throw reader.error(forecast.horizonNode, "forecast.horizon \(horizon) must be after the last observation (\(last))")
            }
        } else if let launch, horizon <= launch.date {
            throw reader.error(forecast.horizonNode, "forecast.horizon \(horizon) must be after launch (\(launch.date))")
        }
    }

    /// A target in the metric's unit, not above the ceiling's top (it could never be met),
    /// due by the horizon.
    func checkTargets() throws {
        let horizon = forecast.settings.horizon
        for entry in targets.entries {
            let t = entry.target
            let value = Self.format(t.value)
            if case let .share(unit) = kind, let bound = kind.bound, t.value > bound {
                throw reader.error(entry.value, "\(entry.name).value must be at most \(Self.format(bound)) (\(MetricSection.describe(unit))), got \(value)")
            }
            if let ceiling = metric.ceiling.top, t.value > ceiling.value {
                throw reader.error(entry.value, "\(entry.name).value \(value) is above \(ceiling.name) (\(Self.format(ceiling.value))) and can never be met under the stated ceiling; lower the target or raise \(ceiling.name)")
            }
            if t.by > horizon {
                throw reader.error(entry.by, "\(entry.name).by \(t.by) is after forecast.horizon (\(horizon)); set the horizon to \(t.by) or later")
            }
        }
    }

    /// What the forecast would cost, against ``ForecastBudget`` (DESIGN.md, "Scale").
    func checkBudget() throws {
        let reference = observations.located.last.map { ($0.observation.date, "the last observation") }
            ?? launch.map { ($0.date, "launch") }
        guard let reference else { return }
        let settings = forecast.settings
        let budget = ForecastBudget(reference: reference.0, referenceName: reference.1, horizon: settings.horizon,
                                    step: settings.step, paths: settings.paths, variants: variants.variants.count,
                                    targetValues: targets.entries.map(\.target.value), flow: metric.metric.observed == .flow)
        switch budget.excess {
        case nil: return
        case let .horizon(message)?: throw reader.error(forecast.horizonNode, message)
        case let .paths(message)?: throw reader.error(forecast.pathsNode ?? forecast.horizonNode, message)
        }
    }

    /// Bass counts adoptions from a launch.
    func checkModels() throws {
        if launch == nil, let bass = models.listed?.first(where: { $0.family == .bass }) {
            throw reader.error(bass.node, "the bass model needs a launch date (launch: YYYY-MM-DD)")
        }
    }
}
