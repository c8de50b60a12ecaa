import Fitting
import Forecasting
import TextIO

/// `fit.csv` (DESIGN.md, "Outputs"): one row per family × parameter,
/// `family,parameter,estimate,std_error,ci_low,ci_high,aicc,weight,diagnostics`.
///
/// With the Monte Carlo's draws (``FamilyParameterDraws``, `uptake run`), `std_error`,
/// `ci_low` and `ci_high` are the standard deviation and the 2.5 %/97.5 % quantiles of what
/// the paths actually draw; without (a fit alone), the Laplace standard errors and 95 %
/// intervals. Timing parameters are decimal years (2023.42). `diagnostics` starts with where
/// the parameter comes from (`from: data`, `from: prior`, `from: data and prior`, `from: fixed
/// by the scenario`), then the family's notes joined with "; ". A family that could not be
/// fitted has one row with an empty parameter, weight 0 and the reason in `diagnostics`.
public enum FitTable {
    public static let header = ["family", "parameter", "estimate", "std_error", "ci_low", "ci_high",
                                "aicc", "weight", "diagnostics"]

    public static func table(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure],
                             draws: [FamilyParameterDraws] = [], reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        precondition(fits.count == weights.count, "one weight per fit")
        precondition(draws.isEmpty || draws.count == fits.count, "draws for every fit or none")
        var table = CSVTable(header: header, reusing: buffer)
        for (f, (fit, weight)) in zip(fits, weights).enumerated() {
            let notes = fit.diagnostics.joined(separator: "; ")
            let drawn = draws.isEmpty ? nil : draws[f]
            for (index, name) in fit.parameterNames.enumerated() {
                let source = drawn?.sources[index] ?? fit.sources[index]
                let origin = source == .fixed ? "from: fixed by the scenario" : "from: \(source.rawValue)"
                let sd = source == .fixed ? 0 : (drawn?.standardDeviation[index] ?? fit.standardErrors[index])
                table.field(fit.family.rawValue)
                table.field(name)
                table.field(number: fit.estimates[index])
                table.field(number: sd)
                table.field(number: drawn?.low[index] ?? fit.intervals[index].low)
                table.field(number: drawn?.high[index] ?? fit.intervals[index].high)
                table.field(number: fit.aicc)
                table.field(number: weight)
                table.field(notes.isEmpty ? origin : origin + "; " + notes)
                table.endRow()
            }
        }
        for failure in failures {
            table.append([failure.family.rawValue, "", "", "", "", "", "", "0", "not fitted: \(failure.reason)"])
        }
        return table
    }

    /// Writes fit.csv atomically.
    public static func write(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure],
                             draws: [FamilyParameterDraws] = [], to path: String) throws {
        try AtomicFile.write(table(fits: fits, weights: weights, failures: failures, draws: draws).document, to: path)
    }
}
