/// Why a Levenberg–Marquardt run stopped. The raw values are the stable codes printed by
/// `uptake fit --format json` (field `termination`); scripts may rely on them.
///
/// | code | meaning | converged |
/// |---|---|---|
/// | `ftol` | actual and predicted relative reductions of ‖r‖² are both ≤ ftol | yes |
/// | `xtol` | the trust region radius is ≤ xtol·‖D·θ‖ (relative step size) | yes |
/// | `ftol_xtol` | both of the above at the same iteration | yes |
/// | `gtol` | the cosine between r and every column of J is ≤ gtol | yes |
/// | `zero_residual` | r = 0 (or ‖r‖ ≤ the absolute tolerance, when one is set): the model interpolates the data | yes |
/// | `machine_precision` | ftol, xtol or gtol is below what double precision can resolve: no further reduction is possible (MINPACK info 6–8) | yes |
/// | `max_evaluations` | the budget of residual evaluations ran out first | no |
/// | `diverging` | the parameters run off to infinity with ever smaller gains (``DivergenceRule``), e.g. a logistic ceiling on data that are still exponential | no |
/// | `non_finite` | r or J is not finite at the starting point or at an accepted point | no |
///
/// The tests are those of MINPACK's `lmder` (Moré, Garbow & Hillstrom 1980, *User Guide for
/// MINPACK-1*, ANL-80-74, §2.3), where "actual reduction" is 1 − (‖r₊‖/‖r‖)² and "predicted
/// reduction" is that of the linearised model.
public enum Termination: String, Sendable, CaseIterable {
    case ftol
    case xtol
    case ftolAndXtol = "ftol_xtol"
    case gtol
    case zeroResidual = "zero_residual"
    case machinePrecision = "machine_precision"
    case maxEvaluations = "max_evaluations"
    case diverging
    case nonFinite = "non_finite"

    /// Whether the run ended at a (local) minimum rather than by running out of budget.
    public var isConverged: Bool {
        switch self {
        case .maxEvaluations, .diverging, .nonFinite: return false
        default: return true
        }
    }

    /// A sentence for the human report.
    public var explanation: String {
        switch self {
        case .ftol: return "relative reduction of the sum of squares is below ftol"
        case .xtol: return "relative change of the parameters is below xtol"
        case .ftolAndXtol: return "both the sum of squares and the parameters stopped changing (ftol and xtol)"
        case .gtol: return "the gradient is orthogonal to the residuals within gtol"
        case .zeroResidual: return "the model fits the data exactly (zero residual)"
        case .machinePrecision: return "no further improvement is possible in double precision"
        case .maxEvaluations: return "the maximum number of evaluations was reached"
        case .diverging: return "the parameters grow without bound while the fit barely improves (no finite optimum in reach; e.g. a ceiling running to infinity because the data do not bend yet)"
        case .nonFinite: return "the model produced a non-finite value (NaN or infinity)"
        }
    }
}
