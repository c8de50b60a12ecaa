/// Verdict thresholds on P(met) (DESIGN.md, "Feasibility").
public struct VerdictThresholds: Sendable, Equatable {
    public var onTrack: Double
    public var offTrack: Double

    public init(onTrack: Double = 0.8, offTrack: Double = 0.2) {
        self.onTrack = onTrack
        self.offTrack = offTrack
    }
}

public enum Verdict: String, Sendable, CaseIterable {
    case onTrack = "on_track", atRisk = "at_risk", offTrack = "off_track", met
}
