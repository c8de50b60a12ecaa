/// Why a family could not be fitted to a series (reported, then left out of the ensemble).
public struct AdoptionFitFailure: Error, Sendable, CustomStringConvertible {
    public let family: CurveFamily
    public let reason: String
    public var description: String { "\(family.rawValue): \(reason)" }

    public init(family: CurveFamily, reason: String) {
        self.family = family
        self.reason = reason
    }
}
