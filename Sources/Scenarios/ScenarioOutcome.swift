import Forecasting

/// Something a scenario's verdicts rest on that its source does not say: an input marked
/// assumed in the scenario, or an assumption the model made (``ModelAssumption``).
public enum Assumption: Sendable, Equatable {
    case input(InputAssumption)
    case model(ModelAssumption)
}

/// One scenario carried through the pipeline: the file it came from, the scenario as loaded
/// (with the batch's --paths and --seed), its forecast, what that rests on, and how long the
/// forecast took.
///
///     file ──ScenarioLoader──▶ Scenario ──forecastRequest()──▶ ForecastRequest
///          ──Forecaster.run──▶ ForecastResult ──▶ ScenarioOutcome
public struct ScenarioOutcome: Sendable {
    public var file: String
    public var scenario: Scenario
    public var result: ForecastResult
    /// The scenario's assumed inputs, then the model's assumptions, each once.
    public var assumptions: [Assumption]
    public var forecastSeconds: Double
    /// What the scenario's `seek:` found, per target sought (seek.csv); nil when not asked.
    public var seek: [LeverSeekResult]?
    /// P(met) per fitted family at baseline when two or more fit (families.csv); else nil.
    public var families: FamilyComparison?

    public init(file: String, scenario: Scenario, result: ForecastResult, forecastSeconds: Double) {
        self.file = file
        self.scenario = scenario
        self.result = result
        self.assumptions = scenario.inputAssumptions.map(Assumption.input) + result.assumptions.map(Assumption.model)
        self.forecastSeconds = forecastSeconds
    }

    /// The assumed inputs alone.
    public var inputAssumptions: [InputAssumption] {
        assumptions.compactMap { if case let .input(input) = $0 { return input } else { return nil } }
    }

    /// The model's assumptions alone.
    public var modelAssumptions: [ModelAssumption] {
        assumptions.compactMap { if case let .model(model) = $0 { return model } else { return nil } }
    }

    /// Every feasibility row, variant by variant.
    public var feasibility: [TargetFeasibility] { result.forecasts.flatMap(\.feasibility) }
}
