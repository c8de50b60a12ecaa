import Fitting
import Forecasting

public extension Scenario {
    /// The noise prior used when a scenario gives no `priors.noise_sd`: lognormal(median 0.1,
    /// sd_log 0.5) on the error scale, the forecasting layer's documented default.
    static let defaultNoisePrior = PriorDistribution.lognormal(median: 0.1, sdLog: 0.5)

    /// What the forecasting layer needs from this scenario.
    ///
    /// - The series comes from `AdoptionSeries.make` (kind, observed, error scale, launch,
    ///   ceiling, growth-rate, inflection and noise priors).
    /// - The grid's reference date is the last observation, else the launch.
    /// - Variants: the baseline first, then the scenario's own.
    /// - `models: auto` is resolved here, from the observations this request fits (a
    ///   backtest's truncated series), not when the file was read.
    ///
    /// Input checks are the loader's, made once, at the line and column
    /// (``ScenarioCrossChecks``): a scenario from ``ScenarioLoader`` always gives a request. The
    /// throws below are for a scenario built in code (a panel's cells) or truncated from a
    /// file (a backtest, whose reference date moves back): `AdoptionSeries.make`'s message, no
    /// reference date, or a demand over ``ForecastBudget``, as a ``ScenarioError`` at the
    /// file, without a line.
    func forecastRequest() throws -> ForecastRequest {
        let series: AdoptionSeries
        do {
            series = try AdoptionSeries.make(
                observations: observations.map { DatedObservation(date: $0.date, value: $0.value, of: $0.of) },
                kind: metric.kind, observed: metric.observed, error: metric.error, launch: launch,
                ceiling: metric.ceiling, growthRatePrior: priors.growthRate?.distribution,
                inflectionPrior: priors.inflection?.distribution,
                noisePrior: priors.noiseSD?.distribution ?? Self.defaultNoisePrior)
        } catch let error as ObservationError {
            throw ScenarioError(file: path, message: error.description)
        }
        guard let referenceDate = observations.last?.date ?? launch else {
            throw ScenarioError(file: path, message: "no reference date: the scenario has neither observations nor a launch date")
        }
        if let excess = forecastBudget?.excess {
            // A loaded scenario was checked at its horizon's line; a backtest's truncated one, or
            // one built in code, is checked here.
            throw ScenarioError(file: path, message: excess.message)
        }
        let grid = ForecastGrid(referenceDate: referenceDate, horizon: forecast.horizon, step: forecast.step)
        let families = modelsAreAuto
            ? ScenarioLoader.autoModels(launch: launch, observed: metric.observed, observationCount: observations.count)
            : models
        return ForecastRequest(
            series: series, families: families, grid: grid, variants: [.baseline] + variants,
            targets: targets.map { ForecastTarget(label: $0.label, value: $0.value, deadline: $0.by, assumed: $0.assumed, cumulative: $0.cumulative) },
            thresholds: verdict, paths: forecast.paths, seed: forecast.seed)
    }
}
