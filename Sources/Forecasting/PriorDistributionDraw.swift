import Foundation
import Fitting

extension PriorDistribution {
    /// A draw from the distribution in its natural space, from one standard normal `z` and
    /// one uniform `u` ∈ (0, 1) (only the one the distribution needs is used):
    /// normal: mean + sd·z; lognormal: median·e^(sd_log·z); uniform: lo + (hi − lo)·u.
    func draw(normal z: Double, uniform u: Double) -> Double {
        switch self {
        case let .normal(mean, sd): return mean + sd * z
        case let .lognormal(median, sdLog): return median * exp(sdLog * z)
        case let .uniform(lo, hi): return lo + (hi - lo) * u
        }
    }
}
