import Foundation

/// The χ²_ν quantile F⁻¹(u) on [u₀, 1) by table: one logarithm and a cubic Hermite
/// interpolation instead of ``ChiSquare/quantile(_:degreesOfFreedom:)``'s Newton iteration
/// (which costs ≈ 50 times more; the Monte Carlo needs one per path for the t scale mixture).
///
/// The quantile is tabulated at 2,048 knots in each of two coordinates in which it is smooth:
/// s = log u on [log u₀, log 0.9] (the lower tail, where x ∝ u^(2/ν)), and v = −log(1 − u)
/// on [−log 0.1, 53·log 2] (the upper tail, where x ≈ 2v; the last knot is u = 1 − 2⁻⁵³, the
/// largest double below 1, and u beyond it — a uniform that rounded up to 1 — reads it). The slopes at the knots are exact — dx/du = 1/f(x), f the χ²
/// density — so the interpolant is cubic Hermite with true derivatives (error O(h⁴)). The
/// table's relative error against the exact quantile is below 10⁻⁹ for ν = 1…30 and
/// u₀ ≥ 0.02 (``ChiSquareQuantileTableTests``; 2·10⁻⁹ at u₀ = 0.01), far below the Monte Carlo error it feeds.
struct ChiSquareQuantileTable: Sendable {
    static let knots = 2048
    static let split = 0.9
    /// v at u = 1 − 2⁻⁵³, the largest double below 1 (a uniform may round up to it, or to 1,
    /// which is read as it).
    static let upperEnd = 53 * log(2.0)

    let degreesOfFreedom: Double
    let lowerBound: Double
    private let lower: HermiteTable
    private let upper: HermiteTable

    init(degreesOfFreedom nu: Double, from lowerBound: Double) {
        precondition(nu > 0 && lowerBound > 0 && lowerBound < Self.split)
        degreesOfFreedom = nu
        self.lowerBound = lowerBound
        let a = nu / 2
        let logNormaliser = a * log(2.0) + ChiSquare.logGamma(a)
        // log f(x) = (a − 1)·log x − x/2 − log(2ᵃΓ(a)).
        let logDensity = { (x: Double) in (a - 1) * log(x) - x / 2 - logNormaliser }
        // Knot by knot, each Newton iteration starting from the knot before (plus its slope
        // times the step): two or three steps instead of a dozen.
        var previous: (x: Double, slope: Double, at: Double)?
        lower = HermiteTable(from: log(lowerBound), to: log(Self.split), knots: Self.knots) { s in
            let u = exp(s)
            let x = ChiSquare.quantile(u, degreesOfFreedom: nu, start: previous.map { $0.x + $0.slope * (s - $0.at) })
            let slope = u / exp(logDensity(x))          // dx/ds = u·dx/du
            previous = (x, slope, s)
            return (x, slope)
        }
        previous = nil
        upper = HermiteTable(from: -log1p(-Self.split), to: Self.upperEnd, knots: Self.knots) { v in
            let tail = exp(-v)                          // 1 − u
            let x = ChiSquare.upperQuantile(tail, degreesOfFreedom: nu, start: previous.map { $0.x + $0.slope * (v - $0.at) })
            let slope = tail / exp(logDensity(x))       // dx/dv = (1 − u)·dx/du
            previous = (x, slope, v)
            return (x, slope)
        }
    }

    /// F⁻¹(u) for u in [lowerBound, 1).
    @inline(__always)
    func quantile(_ u: Double) -> Double {
        u <= Self.split ? lower.value(at: log(u)) : upper.value(at: -log(1 - u))   // 1 − u is exact for u ≥ ½
    }

    /// The tables of the t mixture's degrees of freedom as the sampler uses them (ν = min(4,
    /// n − k): 1, 2, 3 or 4) above ``ParameterSampler/mixingTruncation``, each built once per
    /// process when first used (≈ 10 ms each).
    static let mixing1 = ChiSquareQuantileTable(degreesOfFreedom: 1, from: ParameterSampler.mixingTruncation)
    static let mixing2 = ChiSquareQuantileTable(degreesOfFreedom: 2, from: ParameterSampler.mixingTruncation)
    static let mixing3 = ChiSquareQuantileTable(degreesOfFreedom: 3, from: ParameterSampler.mixingTruncation)
    static let mixing4 = ChiSquareQuantileTable(degreesOfFreedom: 4, from: ParameterSampler.mixingTruncation)

    /// The shared table for ν and u₀ if there is one.
    static func shared(degreesOfFreedom nu: Double, from lowerBound: Double) -> ChiSquareQuantileTable? {
        guard lowerBound == ParameterSampler.mixingTruncation else { return nil }
        switch nu {
        case 1: return mixing1
        case 2: return mixing2
        case 3: return mixing3
        case 4: return mixing4
        default: return nil
        }
    }
}

/// A function on [a, b] by its values and slopes at equally spaced knots, read back by cubic
/// Hermite interpolation (clamped to [a, b]).
private struct HermiteTable: Sendable {
    let start: Double
    let step: Double
    let values: [Double]
    let slopes: [Double]

    init(from a: Double, to b: Double, knots: Int, _ function: (Double) -> (value: Double, slope: Double)) {
        start = a
        step = (b - a) / Double(knots - 1)
        var values: [Double] = [], slopes: [Double] = []
        values.reserveCapacity(knots)
        slopes.reserveCapacity(knots)
        for k in 0..<knots {
            let (value, slope) = function(k == knots - 1 ? b : a + Double(k) * step)
            values.append(value)
            slopes.append(slope)
        }
        self.values = values
        self.slopes = slopes
    }

    @inline(__always)
    func value(at x: Double) -> Double {
        let position = min(max((x - start) / step, 0), Double(values.count - 1))
        let k = min(Int(position), values.count - 2)
        let t = position - Double(k)
        let t2 = t * t, t3 = t2 * t
        let h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = 3 * t2 - 2 * t3, h11 = t3 - t2
        return h00 * values[k] + h10 * step * slopes[k] + h01 * values[k + 1] + h11 * step * slopes[k + 1]
    }
}
