import Fitting

/// A target as the simulator compares it.
struct SimulationTarget: Sendable {
    let value: Double
    /// Where the deadline falls on the clock; nil when it is decided by the data.
    let deadline: ClockPosition?
    /// For flows: compare the running total (true) or the flow of one reporting period.
    let cumulative: Bool
    /// The earliest time a crossing counts: −∞, or +∞ for a `cumulative: false` flow target,
    /// which is about one period's flow and has no date "first reached" (an earlier period's
    /// flow above the value does not reach it, a later one is after its deadline).
    let earliest: Double
}

/// How one target is read off the clock (``PathSimulator``): for a flow, the running total
/// one reporting period before the deadline — observed (before the reference) or read
/// within clock step `lookbackIndex` at `lookbackWeight` between its two month ends.
struct TargetClockPlan: Sendable {
    var observedLookback: Double?
    var lookbackIndex = -1
    var lookbackWeight = 0.0

    init(_ target: SimulationTarget, clock: SimulationClock, flows: ObservedFlows, isFlow: Bool) {
        guard isFlow, let position = target.deadline else { return }
        let t = position.time - flows.period
        if t <= clock.referenceTime {
            observedLookback = flows.total(at: t)
            return
        }
        var previous = clock.referenceTime
        for m in 0..<clock.times.count {
            let tm = clock.times[m]
            if t <= tm {
                lookbackIndex = m
                lookbackWeight = tm > previous ? (t - previous) / (tm - previous) : 1
                return
            }
            previous = tm
        }
    }
}
