import Foundation
import Fitting

/// The level a sigmoid path must pass through at the last observation (``ParameterSampler``):
/// the fitted level there, moved by the observation's own noise.
struct DataAnchor: Sendable {
    let curve: LaunchAnchoredCurve
    let time: Double
    let level: Double
    let timingIndex: Int
    /// The growth rate's index (raised when the drawn pace cannot reach the level).
    let rateIndex: Int
    /// The observation is noisy: each path passes through h⁻¹(h(level) + σ·z), z ~ N(0, 1),
    /// σ the fit's noise on the natural scale (times the calibration's parameter scale; 0
    /// switches it off) — the curve through the data, not through the fitted point exactly.
    let scale: NaturalScale
    let sigma: Double

    /// Sets θ's inflection t₀ so that y(time; θ) = level, by bisection: y(time) falls as t₀
    /// moves later (a later inflection, a lower level now) for every sigmoid family, anchored
    /// at a launch or not. With a launch, a curve cannot rise faster than its growth rate
    /// allows however early its inflection (the anchored logistic tends to K(1 − e^(−r(t −
    /// launch)))): a drawn rate too slow to reach the observed level by the observation's
    /// date is doubled until it can (the data say the pace was at least that; the draw keeps
    /// its place above that minimum). A level at or above the ceiling leaves the earliest
    /// inflection searched.
    @inline(__always)
    func solve(_ theta: inout [Double], normal z: Double) {
        let level = sigma > 0 ? scale.inverse(scale.transform(self.level) + sigma * z) : self.level
        guard level.isFinite, level > 0, level < theta[0] else { return }
        if let inflection = closedFormInflection(theta, level: level) {
            theta[timingIndex] = inflection
            return
        }
        var lo = time - 200, hi = time + 200   // y(lo) ≥ level ≥ y(hi)
        theta[timingIndex] = lo
        var doublings = 0
        while curve.level(at: time, theta) <= level && doublings < 40 {
            theta[rateIndex] *= 2
            doublings += 1
        }
        guard curve.level(at: time, theta) > level else { return }
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            theta[timingIndex] = mid
            if curve.level(at: time, theta) > level { lo = mid } else { hi = mid }
            if hi - lo < 1e-9 { break }
        }
        theta[timingIndex] = (lo + hi) / 2
    }

    /// The root the bisection of ``solve(_:normal:)`` closes in on, in closed form where the
    /// family has one and the bisection would need no doubled rate: without a launch,
    /// the logistic K/(1 + e^(−r(t − t₀))) = y gives t₀ = t + ln(K/y − 1)/r, the Gompertz
    /// K·e^(−e^(−r(t − t₀))) = y gives t₀ = t + ln(−ln(y/K))/r (0 < y < K). Inside the
    /// bisection's bracket (t ± 200 years) the level at its early end is above y, so no
    /// rate is doubled and the bisection would return this root to within 10⁻⁹ years; nil
    /// otherwise (the bisection decides).
    func closedFormInflection(_ theta: [Double], level: Double) -> Double? {
        guard curve.launch == nil, timingIndex == 2, rateIndex == 1 else { return nil }
        let ceiling = theta[0], rate = theta[1]
        guard rate > 0, rate.isFinite, ceiling.isFinite else { return nil }
        let inflection: Double
        switch curve.family {
        case .logistic: inflection = time + Foundation.log(ceiling / level - 1) / rate
        case .gompertz: inflection = time + Foundation.log(-Foundation.log(level / ceiling)) / rate
        default: return nil
        }
        return inflection > time - 200 && inflection < time + 200 ? inflection : nil
    }
}
