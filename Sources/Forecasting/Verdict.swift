/// Verdict thresholds on P(met) (DESIGN.md, "Feasibility").
public struct VerdictThresholds: Sendable, Equatable {
    public var onTrack: Double
    public var offTrack: Double

    public init(onTrack: Double = 0.8, offTrack: Double = 0.2) {
        self.onTrack = onTrack
        self.offTrack = offTrack
    }
}

/// A target's verdict (DESIGN.md, "Feasibility"): by P(met) and the thresholds for a
/// deadline still ahead; `met` or `missed` when the data already settle it.
public enum Verdict: String, Sendable, CaseIterable {
    case onTrack = "on_track", atRisk = "at_risk", offTrack = "off_track", met
    /// The deadline has passed in the data without the target being met.
    case missed
}
