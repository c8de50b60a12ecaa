import Foundation
import Fitting

/// What the Monte Carlo draws for a parameter the data cannot identify and the scenario
/// gives no prior for (DESIGN.md, "Fitting": "the identified part of the fit comes from the
/// data, the unidentified part from its prior"). Each use is reported as an assumption.
///
/// | parameter | default prior | why |
/// |---|---|---|
/// | ceiling (share, "k of N") | uniform(highest observed, bound) | ``ceilingRange(for:)``: set before the fit |
/// | ceiling / market (unbounded count) | lognormal(median 2·highest observed, sd_log 0.7) | room for a doubling, 95 % within 0.5–8× |
/// | growth_rate | lognormal(median 0.5 per year, sd_log 1) | 10 %→90 % of a logistic in 4–60 years (95 %: 0.07–3.5/yr) |
/// | inflection | normal(mean the last observation, sd 5 years) | "somewhere around now" |
/// | shape (Richards ν) | lognormal(median 1, sd_log 0.7) | centred on the logistic, 95 % within 0.25–4 |
/// | innovation p (Bass) | lognormal(median 0.03, sd_log 1) | Sultan, Farley & Lehmann, *J. Marketing Research* 27 (1990): mean p 0.03 |
/// | imitation q (Bass) | lognormal(median 0.38, sd_log 0.7) | same meta-analysis: mean q 0.38 |
/// | level (exponential), intercept (linear) | normal(last observed, ½·last observed) | |
/// | slope (linear) | normal(0, ⅕·last observed per year) | |
enum DefaultPriors {
    /// The default prior of natural parameter `name` of `family`.
    static func prior(for name: String, family: CurveFamily, series: AdoptionSeries) -> PriorDistribution {
        let highest = max(series.observations.map(\.value).max() ?? 1, 1e-9)
        let last = series.observations.last?.value ?? highest
        let reference = series.observations.last?.time ?? series.launch ?? 0
        switch name {
        case "ceiling", "market":
            let total = series.kind == .flow ? series.observations.reduce(0) { $0 + $1.value } : highest
            if let bound = series.bound, series.kind == .level, highest < bound {
                return .uniform(lower: highest, upper: bound)
            }
            return .lognormal(median: 2 * max(total, 1e-9), sdLog: 0.7)
        case "growth_rate": return .lognormal(median: 0.5, sdLog: 1)
        case "inflection": return .normal(mean: reference, sd: 5)
        case "shape": return .lognormal(median: 1, sdLog: 0.7)
        case "innovation": return .lognormal(median: 0.03, sdLog: 1)
        case "imitation": return .lognormal(median: 0.38, sdLog: 0.7)
        case "slope": return .normal(mean: 0, sd: max(abs(last), 1e-9) / 5)
        default: return .normal(mean: last, sd: max(abs(last), 1e-9) / 2)   // level, intercept
        }
    }

    /// The default ceiling of a share or a "k of N" count whose ceiling the scenario does not
    /// give (DESIGN.md, "Ceilings are where forecasts go wrong"): a uniform prior over
    /// [highest observed level, bound]. A ceiling fitted to the early bend of a series sits a
    /// few points above the last observation and stops adoption short; this prior lets the
    /// data move the ceiling where they can and leaves the rest of the range open. nil when
    /// the series has a given ceiling, no bound, no observations, or is a flow.
    static func ceilingRange(for series: AdoptionSeries) -> CeilingKnowledge? {
        guard series.ceiling == .estimated, series.kind == .level, let bound = series.bound,
              let highest = series.observations.map(\.value).max() else { return nil }
        if highest >= bound { return .fixed(bound) }
        return .range(min: highest, max: bound)
    }
}
