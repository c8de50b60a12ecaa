import Fitting

/// A variant's levers, resolved against the forecast (DESIGN.md, `variants`).
///
/// From the lever date `from` on (its start: the end of the previous day), per path:
/// - growth multiplier g: the curve's clock runs g times as fast, t′ = from + g·(t − from),
///   for every family (a logistic's growth rate becomes g·r, a linear trend's slope g·b).
/// - ceiling multiplier c: the ceiling (Bass: the market) becomes c·K. The remaining
///   headroom is stretched, y′(t) = y(from) + (y(t) − y(from))·(c·K − y(from))/(K − y(from)),
///   so the path is continuous at `from` and approaches c·K (the form of the launch anchoring
///   in ``LaunchAnchoredCurve``). Families without a ceiling (linear, exponential) ignore it,
///   and the forecast says so.
/// - level shift s: added to the metric's value (a step at `from`).
/// - time shift δ (``VariantLevers/timeShift``, sensitivity only): the curve is read δ years
///   ahead, t′ = from + g·(t − from) + δ, a step at `from` (the latent level never falls, so
///   δ < 0 holds the level until the delayed curve passes it).
///
/// Each multiplier is drawn once per path from its ``PriorDistribution`` (normal: mean, sd;
/// lognormal: median, sd_log; uniform: lo, hi); multipliers below 0 are read as 0 (a clock
/// cannot run backwards). Without `from`, or with `from` before the last observation, the
/// levers act from the last observation on: the observed past is not rewritten.
struct VariantLeverPlan: Sendable {
    struct Draw {
        var growth = 1.0
        var ceiling = 1.0
        var shift = 0.0
        var offset = 0.0
    }

    let fromTime: Double
    let growth: PriorDistribution?
    let ceiling: PriorDistribution?
    let shift: PriorDistribution?
    /// Years (``VariantLevers/timeShift``); 0: none.
    let offset: Double
    let notes: [ModelAssumption]

    var isBaseline: Bool { growth == nil && ceiling == nil && shift == nil && offset == 0 }

    init(_ levers: VariantLevers, referenceTime: Double, referenceDate: CalendarDate, families: [CurveFamily]) {
        growth = levers.growthMultiplier
        ceiling = levers.ceilingMultiplier
        shift = levers.levelShift
        offset = levers.timeShift ?? 0
        var notes: [ModelAssumption] = []
        var from = referenceTime
        if let date = levers.from {
            let start = date.decimalYear - 1 / Double(CalendarDate.isLeap(date.year) ? 366 : 365)
            if start >= referenceTime {
                from = start
            } else if growth != nil || ceiling != nil || shift != nil || offset != 0 {
                notes.append(.leversStartAtReference(variant: levers.id, requested: date, reference: referenceDate))
            }
        }
        fromTime = from
        if ceiling != nil {
            let without = families.filter { !Self.hasCeiling($0) }
            if !without.isEmpty {
                notes.append(.ceilingMultiplierNotApplicable(variant: levers.id, families: without))
            }
        }
        self.notes = notes
    }

    /// Logistic, Gompertz and Richards have a ceiling K = θ[0]; Bass a market m = θ[0].
    static func hasCeiling(_ family: CurveFamily) -> Bool {
        switch family {
        case .logistic, .gompertz, .richards, .bass: return true
        case .linear, .exponential, .localTrend: return false
        }
    }

    @inline(__always)
    func draw(_ stream: CounterBasedRandomStream) -> Draw {
        var d = Draw()
        if let growth {
            d.growth = max(0, growth.draw(normal: stream.normal(RandomDrawLayout.leverNormals),
                                          uniform: stream.uniform(RandomDrawLayout.leverUniforms)))
        }
        if let ceiling {
            d.ceiling = max(0, ceiling.draw(normal: stream.normal(RandomDrawLayout.leverNormals + 1),
                                            uniform: stream.uniform(RandomDrawLayout.leverUniforms + 1)))
        }
        if let shift {
            d.shift = shift.draw(normal: stream.normal(RandomDrawLayout.leverNormals + 2),
                                 uniform: stream.uniform(RandomDrawLayout.leverUniforms + 2))
        }
        d.offset = offset
        return d
    }
}
