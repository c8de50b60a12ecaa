import Foundation

/// Plain-language notes on what the data can and cannot pin down (DESIGN.md: "the ceiling
/// is not identified by 2 points: give a ceiling or a prior" instead of a 10¹⁶ variance).
///
/// A free parameter is *not identified by the data* when the Jacobian is rank deficient in
/// its direction, or when, without a prior, its standard deviation in the unconstrained
/// space exceeds 1 for a positive parameter (its 68 % interval spans more than a factor
/// e² ≈ 7.4) or 5 years for an inflection date. With a prior, the parameter *rests on
/// its prior* when the data shrink the prior's spread by less than 10 %.
enum IdentifiabilityDiagnosis {
    /// The notes, and the positions (in φ) of free parameters that are not identified and
    /// have no prior: their Laplace spread means nothing and must not be sampled from.
    static func notes(curve: LaunchAnchoredCurve, problem: AdoptionFitProblem, covariance: ParameterCovariance,
                      observationCount: Int, noiseAssumed: Bool, sigma: Double)
        -> (notes: [String], unidentified: [Int], sources: [ParameterSource]) {
        var notes: [String] = []
        var unidentified: [Int] = []
        var sources: [ParameterSource] = []
        let points = observationCount == 1 ? "1 observation" : "\(observationCount) observations"
        let say = observationCount == 1 ? "says" : "say"
        for (k, index) in problem.freeIndices.enumerated() {
            let name = curve.parameterNames[index]
            let specification = problem.specifications[index]
            let sd = covariance.matrix[k, k].squareRoot()
            let rankDeficient = covariance.unidentifiedParameters.contains(k)
            if let prior = specification.prior {
                let priorSD = priorSpread(prior, transform: specification.transform)
                if rankDeficient || !(sd < 0.9 * priorSD) {
                    notes.append("the \(readable(name)) rests on its prior: \(points) \(say) little about it")
                    sources.append(.prior)
                } else {
                    sources.append(.dataAndPrior)
                }
            } else if rankDeficient || (spreadIsMeaningful(specification.transform, name) && !(sd <= timeScale(name))) {
                notes.append("the \(readable(name)) is not identified by \(points): \(remedy(name))")
                unidentified.append(k)
                sources.append(.prior)
            } else {
                sources.append(.data)
            }
        }
        if noiseAssumed {
            notes.append("too few observations to estimate the noise: assumed σ = \(String(format: "%.3g", sigma)) on the error scale")
        }
        return (notes, unidentified, sources)
    }

    /// The prior's standard deviation in φ under its transform (Laplace curvature).
    private static func priorSpread(_ prior: PriorDistribution, transform: ParameterTransform) -> Double {
        switch (prior, transform) {
        case let (.normal(mean, sd), .positive): return sd / max(abs(mean), .leastNormalMagnitude)
        case let (.normal(_, sd), _): return sd
        case let (.lognormal(_, sdLog), _): return sdLog
        case (.uniform, _): return 2.0.squareRoot()
        }
    }

    /// The sd threshold has units only for log-scale parameters and dates; an intercept or a
    /// slope is judged by rank alone.
    private static func spreadIsMeaningful(_ transform: ParameterTransform, _ name: String) -> Bool {
        transform != .identity || name == "inflection"
    }

    private static func timeScale(_ name: String) -> Double {
        name == "inflection" ? 5 : 1
    }

    static func readable(_ name: String) -> String {
        name.replacingOccurrences(of: "_", with: " ")
    }

    private static func remedy(_ name: String) -> String {
        switch name {
        case "ceiling", "market": return "give a ceiling (a number, a range or a prior)"
        case "growth_rate": return "give a growth_rate prior"
        case "inflection": return "give an inflection prior (a date and sd_years)"
        case "shape": return "use the logistic or Gompertz family, or add observations"
        case "innovation", "imitation": return "give a ceiling or more observations of the early years"
        default: return "add observations further apart in time"
        }
    }
}

/// Where a parameter's uncertainty in the Monte Carlo comes from (fit.csv's diagnostics).
public enum ParameterSource: String, Sendable {
    /// The data identify it; no prior.
    case data
    /// A prior alone: the scenario's (the data say little) or, where the data do not identify
    /// it and the scenario gives none, a documented default prior (Forecasting's DefaultPriors).
    case prior
    /// The data sharpen a prior the scenario gave.
    case dataAndPrior = "data and prior"
    /// Fixed by the scenario.
    case fixed
}
