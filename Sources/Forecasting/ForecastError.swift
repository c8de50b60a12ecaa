import Fitting

/// Why a forecast could not be made, in words a planner can act on.
public enum ForecastError: Error, Sendable, CustomStringConvertible {
    /// Not one of the candidate families could be fitted; the reasons, one per family.
    case noFamilyFitted([AdoptionFitFailure])
    /// The request itself is unusable (e.g. no paths); says what would be valid.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .noFamilyFitted(failures):
            if failures.isEmpty { return "no curve family to fit: list at least one model (or use models: auto)" }
            return "no curve family could be fitted to the observations: "
                + failures.map(\.description).joined(separator: "; ")
        case let .invalidRequest(message):
            return message
        }
    }
}
