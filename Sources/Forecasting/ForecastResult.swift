import Fitting

/// The fits and the per-variant forecasts of one request.
public struct ForecastResult: Sendable {
    public var fits: [AdoptionFit]
    public var weights: [Double]
    public var failures: [AdoptionFitFailure]
    /// In the order of `ForecastRequest.variants`.
    public var forecasts: [VariantForecast]
    /// What the forecast assumed that the scenario did not state (e.g. the default noise),
    /// each once, in the order made.
    public var assumptions: [ModelAssumption]
    /// Per fit (same order as `fits`): what the paths actually draw for each parameter; empty
    /// when the request asked for none (``ForecastRequest/parameterDrawSummaryCount``).
    public var parameterDraws: [FamilyParameterDraws] = []

    public init(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure],
                forecasts: [VariantForecast], assumptions: [ModelAssumption]) {
        self.fits = fits; self.weights = weights; self.failures = failures
        self.forecasts = forecasts; self.assumptions = assumptions
    }
}
