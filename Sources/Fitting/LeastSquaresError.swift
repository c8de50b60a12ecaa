/// What can make a least-squares problem unsolvable before the first iteration.
public enum LeastSquaresError: Error, Equatable, CustomStringConvertible {
    case startLength(expected: Int, got: Int)
    case tooFewResiduals(residuals: Int, parameters: Int)
    case nonFiniteStart

    public var description: String {
        switch self {
        case let .startLength(expected, got):
            return "expected \(expected) starting values, got \(got)"
        case let .tooFewResiduals(residuals, parameters):
            return "\(residuals) observations cannot determine \(parameters) parameters: need at least \(parameters)"
        case .nonFiniteStart:
            return "starting values must be finite numbers"
        }
    }
}
