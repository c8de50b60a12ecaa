import Fitting
import Forecasting
import Scenarios
import TextIO

/// `run.json`: what produced a scenario's results. Everything but `timings` is a function
/// of the inputs, so two runs of the same input differ only there (DESIGN.md).
public struct RunManifest: Sendable {
    public var toolVersion: String
    public var scenario: Scenario
    public var result: ForecastResult
    public var assumptions: [Assumption]
    /// Seconds per phase, e.g. ["fit": 0.01, "simulate": 0.2, "write": 0.01].
    public var timings: [(String, Double)]

    public init(toolVersion: String, scenario: Scenario, result: ForecastResult, assumptions: [Assumption], timings: [(String, Double)]) {
        self.toolVersion = toolVersion
        self.scenario = scenario
        self.result = result
        self.assumptions = assumptions
        self.timings = timings
    }

    public var json: String {
        let families: [JSONValue] = zip(result.fits, result.weights).map { fit, weight in
            .object([("family", .string(fit.family.rawValue)), ("weight", .number(CSVTable.rounded(weight))),
                     ("converged", .bool(fit.converged)), ("noise", .string(fit.noiseSource.rawValue)),
                     ("diagnostics", .array(fit.diagnostics.map { .string($0) }))])
        }
        let failures: [JSONValue] = result.failures.map {
            .object([("family", .string($0.family.rawValue)), ("reason", .string($0.reason))])
        }
        let document = JSONValue.object([
            ("tool", .string("uptake")),
            ("version", .string(toolVersion)),
            ("scenario", .string(scenario.id)),
            ("input", .string(scenario.path)),
            ("input_sha256", .string(scenario.inputSHA256)),
            ("seed", .string(String(scenario.forecast.seed))),
            ("paths", .integer(scenario.forecast.paths)),
            ("step", .string(scenario.forecast.step.rawValue)),
            ("reference_date", .string(result.forecasts.first?.grid.referenceDate.description ?? "")),
            ("horizon", .string(scenario.forecast.horizon.description)),
            ("families", .array(families)),
            ("not_fitted", .array(failures)),
            ("assumptions", .array(assumptions.map { .string(AssumptionText.sentence($0)) })),
            ("timings", .object(timings.map { ($0.0 + "_seconds", .number(CSVTable.rounded($0.1))) })),
        ])
        return document.rendered() + "\n"
    }
}
