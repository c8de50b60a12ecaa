import Fitting
import Forecasting
import Foundation
import Scenarios
import TextIO

/// The one place assumptions are put in words: run.json lists these sentences, `check`
/// and the fan chart count and name them, the report shows them.
public enum AssumptionText {
    public static func sentence(_ assumption: Assumption) -> String {
        switch assumption {
        case let .input(input): return sentence(input)
        case let .model(model): return sentence(model)
        }
    }

    /// What was assumed, then the scenario's note on why: "ceiling assumed: <note>".
    public static func sentence(_ assumption: InputAssumption) -> String {
        let what = subject(assumption.input)
        return assumption.note.map { "\(what): \($0)" } ?? what
    }

    /// What was assumed, without the note ("target '2025' assumed").
    public static func subject(_ input: InputAssumption.Input) -> String {
        switch input {
        case let .launchDate(date): return "launch date \(date) assumed"
        case .ceiling: return "ceiling assumed"
        case let .observation(date, value): return "observation \(date) = \(CSVTable.number(value)) assumed"
        case let .target(label): return "target '\(label)' assumed"
        case let .prior(parameter, distribution): return "\(parameter) prior \(distribution) assumed"
        case let .variant(id): return "variant '\(id)' assumed"
        }
    }

    public static func sentence(_ assumption: ModelAssumption) -> String {
        switch assumption {
        case let .defaultCeilingRange(lower, upper):
            return "no ceiling given: the ceiling is drawn from a uniform prior over [\(format(lower, "%.6g")), "
                + "\(format(upper, "%.6g"))], the highest observation to the bound (assumed)"
        case let .skillWeights(origins, horizon):
            return "weights by out-of-sample skill on the series' own past (inverse mean squared error of the "
                + "point forecasts, \(origins) rolling origins, up to \(horizon) observations ahead)"
        case let .panelErrorBand(provenance, scale, factor):
            return "local trend: its band is drawn from forecast errors of real panels (\(provenance), \(scale) scale), "
                + "scaled by \(format(factor, "%.3g")) from the series' own past errors"
        case let .covarianceJittered(family, relative):
            return "\(family.rawValue): the parameter covariance was not numerically positive definite; "
                + "draws add \(relative) × its mean variance to the diagonal"
        case let .covarianceClipped(family, count):
            return "\(family.rawValue): the parameter covariance was not positive semidefinite (\(count) negative "
                + "eigenvalue\(count == 1 ? "" : "s")); draws use the nearest positive semidefinite matrix"
        case let .parameterFromScenarioPrior(family, parameter, prior):
            return "\(family.rawValue): the data do not identify \(parameter); paths draw it from its prior \(prior)"
        case let .parameterFromDefaultPrior(family, parameter, prior):
            return "\(family.rawValue): the data do not identify \(parameter) and the scenario gives no prior; paths draw it "
                + "from the default prior \(prior) (assumed; give a prior or a fixed value)"
        case let .noiseAssumed(family, sigma, scale):
            return "\(family.rawValue): too few observations to estimate the noise; σ = \(format(sigma, "%.3g")) on the "
                + "\(scale) scale assumed"
        case let .meanReversionAssumed(minimum):
            return "fewer than \(minimum) observations: future deviations from the curve revert with a half-life of one "
                + "year (Ornstein–Uhlenbeck mean reversion log 2 per year, assumed)"
        case let .leversStartAtReference(variant, requested, reference):
            return "variant \(variant): its levers start on \(requested), before the last observation (\(reference)); "
                + "they act from \(reference) on"
        case let .ceilingMultiplierNotApplicable(variant, families):
            return "variant \(variant): the ceiling multiplier does not apply to "
                + families.map(\.rawValue).joined(separator: ", ") + " (no ceiling)"
        case let .pathsAtFittedValues(variant, count, paths):
            return "variant \(variant): \(count) of \(paths) paths drew parameters that made the curve non-finite and "
                + "were run at the fitted values"
        case let .nonFiniteValuesHeld(variant, count):
            return "variant \(variant): \(count) path-months gave a non-finite value and were held at the path's last "
                + "finite value"
        }
    }

    private static func format(_ value: Double, _ format: String) -> String { String(format: format, value) }
}
