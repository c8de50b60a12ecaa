import Fitting

/// `fit.csv` (DESIGN.md, "Outputs"): one row per family × parameter,
/// `family,parameter,estimate,std_error,ci_low,ci_high,aicc,weight,diagnostics`.
///
/// Intervals are 95 %; timing parameters are decimal years (2023.42). A family that could
/// not be fitted has one row with an empty parameter, weight 0 and the reason in
/// `diagnostics`. Diagnostics of a family are joined with "; " on each of its rows.
public enum FitTable {
    public static let header = ["family", "parameter", "estimate", "std_error", "ci_low", "ci_high",
                                "aicc", "weight", "diagnostics"]

    public static func table(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure]) -> CSVTable {
        precondition(fits.count == weights.count, "one weight per fit")
        var table = CSVTable(header: header)
        for (fit, weight) in zip(fits, weights) {
            let notes = fit.diagnostics.joined(separator: "; ")
            for (index, name) in fit.parameterNames.enumerated() {
                let fixed = !fit.freeIndices.contains(index)
                table.append([
                    fit.family.rawValue, name,
                    CSVTable.number(fit.estimates[index]),
                    fixed ? "0" : CSVTable.number(fit.standardErrors[index]),
                    CSVTable.number(fit.intervals[index].low),
                    CSVTable.number(fit.intervals[index].high),
                    CSVTable.number(fit.aicc),
                    CSVTable.number(weight),
                    fixed ? ([notes, "\(name) fixed by the scenario"].filter { !$0.isEmpty }.joined(separator: "; ")) : notes,
                ])
            }
        }
        for failure in failures {
            table.append([failure.family.rawValue, "", "", "", "", "", "", "0", "not fitted: \(failure.reason)"])
        }
        return table
    }

    /// Writes fit.csv atomically.
    public static func write(fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure], to path: String) throws {
        try AtomicFile.write(table(fits: fits, weights: weights, failures: failures).text, to: path)
    }
}
