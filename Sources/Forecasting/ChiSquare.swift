import Foundation

/// Quantiles of the χ² distribution, for the t scale mixture of the parameter draws.
enum ChiSquare {
    /// F⁻¹(p) for χ²_ν: x = 2·P⁻¹(ν/2, p), P the regularised lower incomplete gamma function.
    /// Start from the Wilson–Hilferty approximation (x ≈ ν(1 − 2/(9ν) + z√(2/(9ν)))³), or the
    /// small-x limit P(a, y) ≈ yᵃ/Γ(a + 1) in the lower tail, then safeguarded Newton steps on
    /// log P (Numerical Recipes, 3rd ed., §6.2 and §6.14). Relative error below 1e-10.
    /// `start`, when given, replaces the approximation (a table built knot by knot starts each
    /// knot from the one before, a few steps away).
    static func quantile(_ p: Double, degreesOfFreedom nu: Double, start: Double? = nil) -> Double {
        precondition(nu > 0 && p > 0 && p < 1)
        let a = nu / 2
        let logGammaA1 = logGamma(a + 1)
        // Loop invariants, computed once (the same values as in the loop).
        let logGammaA = logGamma(a), logP = log(p), logNormaliser = logGammaA1 - log(a)
        let z = StandardNormal.quantile(p)
        let c = 2 / (9 * nu)
        let base = 1 - c + z * c.squareRoot()
        // y = x/2; lower-tail limit: P(a, y) ≈ yᵃ/Γ(a + 1).
        let tail = exp((logP + logGammaA1) / a)
        var y = base > 0.2 ? nu * base * base * base / 2 : tail
        if !(y > 0) || !y.isFinite { y = tail }
        if let start, start > 0, start.isFinite { y = start / 2 }
        return 2 * newtonOnLogTail(from: y, a: a, logGammaA: logGammaA, logNormaliser: logNormaliser,
                                   target: p, logTarget: logP, upper: false, tolerance: 1e-13)
    }

    /// F⁻¹(1 − q) for χ²_ν from the upper-tail probability q itself: the same Newton steps on
    /// log Q (Q = 1 − P, the regularised upper incomplete gamma function), so a quantile far in
    /// the upper tail keeps its precision (1 − q would round q to a multiple of 2⁻⁵³).
    static func upperQuantile(_ q: Double, degreesOfFreedom nu: Double, start: Double? = nil) -> Double {
        precondition(nu > 0 && q > 0 && q < 1)
        let a = nu / 2
        let logGammaA = logGamma(a), logQ = log(q)
        var y: Double
        if let start, start > 0, start.isFinite {
            y = start / 2
        } else {
            y = quantile(min(max(1 - q, 1e-300), 1 - 0x1p-53), degreesOfFreedom: nu) / 2
        }
        return 2 * newtonOnLogTail(from: y, a: a, logGammaA: logGammaA, logNormaliser: logGammaA,
                                   target: q, logTarget: logQ, upper: true, tolerance: 1e-14)
    }

    /// y with tail probability T(a, y) = target — T = P (lower) or Q (upper) — by Newton steps
    /// on log T, safeguarded by bisection: d/dy log P = y^{a−1}e^{−y}/(Γ(a)·P) and d/dy log Q
    /// = −y^{a−1}e^{−y}/(Γ(a)·Q); on the log the steps are well behaved in both tails.
    private static func newtonOnLogTail(from start: Double, a: Double, logGammaA: Double, logNormaliser: Double,
                                        target: Double, logTarget: Double, upper: Bool, tolerance: Double) -> Double {
        var y = start
        var lo = 0.0, hi = Double.infinity
        for _ in 0..<100 {
            let value = upper ? regularizedUpperGamma(a, y, logGammaA: logGammaA)
                              : regularizedLowerGamma(a, y, logGammaA: logGammaA)
            if upper ? value > target : value < target { lo = y } else { hi = y }
            let logDensity = (a - 1) * log(y) - y - logNormaliser
            let logValue = log(value)
            let step = (upper ? -(logValue - logTarget) : logValue - logTarget) / exp(logDensity - logValue)
            var next = y - step
            if !(next > lo && next < hi) { next = hi.isFinite ? (lo + hi) / 2 : max(2 * y, lo * 2 + 1e-300) }
            if abs(next - y) <= tolerance * y { return next }
            y = next
        }
        return y
    }

    /// Q(a, x) = 1 − P(a, x): 1 − the series for x < a + 1, otherwise Lentz's continued
    /// fraction itself (no cancellation in the upper tail).
    static func regularizedUpperGamma(_ a: Double, _ x: Double, logGammaA: Double) -> Double {
        if x < a + 1 { return 1 - regularizedLowerGamma(a, x, logGammaA: logGammaA) }
        return exp(a * log(x) - x - logGammaA) * continuedFraction(a, x)
    }

    /// Lentz's continued fraction for Γ(a, x)/(xᵃe^(−x)) (Numerical Recipes, 3rd ed., §6.2).
    static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, cc = 1 / tiny, d = 1 / b, h = d
        for i in 1...1000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            cc = b + an / cc
            if abs(cc) < tiny { cc = tiny }
            d = 1 / d
            let delta = d * cc
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// log Γ(x) for x > 0 (C's lgamma, whose sign output is irrelevant here).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// P(a, x) = γ(a, x)/Γ(a): the series for x < a + 1, otherwise 1 − Q by Lentz's continued
    /// fraction (Numerical Recipes, 3rd ed., §6.2).
    static func regularizedLowerGamma(_ a: Double, _ x: Double) -> Double {
        regularizedLowerGamma(a, x, logGammaA: logGamma(a))
    }

    /// P(a, x) with log Γ(a) given (the quantile's Newton loop computes it once).
    @inline(__always)
    static func regularizedLowerGamma(_ a: Double, _ x: Double, logGammaA: Double) -> Double {
        if x <= 0 { return 0 }
        let logPrefix = a * log(x) - x - logGammaA
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<1000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return sum * exp(logPrefix)
        }
        return 1 - exp(logPrefix) * continuedFraction(a, x)
    }
}
