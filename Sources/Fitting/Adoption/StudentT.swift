import Foundation

/// Quantiles of Student's t and the standard normal distribution, for confidence intervals.
enum StudentT {
    /// The standard normal quantile Φ⁻¹(p), by Acklam's rational approximation refined with
    /// one Halley step on erfc (relative error below 1e-15 for p in (1e-300, 1 − 1e-16)).
    static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "probability must be in (0, 1)")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley refinement (Acklam): e = Φ(x) − p.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The quantile of Student's t with ν degrees of freedom, by Hill's algorithm 396
    /// (G. W. Hill, "Algorithm 396: Student's t-quantiles", CACM 13(10), 1970), exact
    /// closed forms for ν = 1 and 2. At least 5 significant digits (worst near ν = 3, checked
    /// against scipy in the tests), far finer than interval reporting needs.
    static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1 && nu > 0, "invalid t quantile request")
        if nu.isInfinite { return normalQuantile(p) }
        let upper = p > 0.5
        let twoSided = 2 * (upper ? 1 - p : p)   // P(|T| > t)
        var t: Double
        if nu == 1 {
            t = tan(Double.pi * (1 - twoSided) / 2)
        } else if nu == 2 {
            t = (2 / (twoSided * (2 - twoSided)) - 2).squareRoot()
        } else {
            let a = 1 / (nu - 0.5)
            let b = 48 / (a * a)
            var c = ((20700 * a / b - 98) * a - 16) * a + 96.36
            let d = ((94.5 / (b + c) - 3) / b + 1) * (a * Double.pi / 2).squareRoot() * nu
            var x = d * twoSided
            var y = pow(x, 2 / nu)
            if y > 0.05 + a {
                x = normalQuantile(twoSided * 0.5)
                y = x * x
                if nu < 5 { c += 0.3 * (nu - 4.5) * (x + 0.6) }
                c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
                y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
                y = expm1(a * y * y)
            } else {
                y = ((1 / (((nu + 6) / (nu * y) - 0.089 * d - 0.822) * (nu + 2) * 3) + 0.5 / (nu + 4)) * y - 1)
                    * (nu + 1) / (nu + 2) + 1 / y
            }
            t = (nu * y).squareRoot()
        }
        return upper ? t : -t
    }

    /// The quantile of Student's t to double precision: Hill's value refined by Newton steps on
    /// the exact upper tail (below), so that intervals match `scipy.stats.t.ppf` to about 14
    /// digits. ``quantile(_:degreesOfFreedom:)`` stays as it is for the adoption fits, whose
    /// committed results depend on its digits.
    static func refinedQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        let start = quantile(p, degreesOfFreedom: nu)
        guard nu.isFinite, p != 0.5 else { return start }
        // Solve upperTail(t) = q for t > 0, q = min(p, 1 − p): the tail, not 1 − tail, keeps
        // the digits of a small q.
        let q = min(p, 1 - p)
        var t = abs(start)
        for _ in 0..<8 {
            let density = density(t, degreesOfFreedom: nu)
            guard density > 0 else { break }
            let step = (upperTail(t, degreesOfFreedom: nu) - q) / density
            t += step
            if abs(step) <= 4 * Double.ulpOfOne * t { break }
        }
        return p > 0.5 ? t : -t
    }

    /// P(T > t) for t ≥ 0: ½·I_{ν/(ν+t²)}(ν/2, ½) (Abramowitz & Stegun 26.7.1 with 26.5.27).
    static func upperTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        0.5 * regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5)
    }

    /// The density of Student's t with ν degrees of freedom.
    static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let logNormalizer = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logNormalizer - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// I_x(a, b), the regularized incomplete beta function, by its continued fraction
    /// (modified Lentz; Numerical Recipes, 3rd ed., §6.4), on the side of x where it converges
    /// fast: x < (a + 1)/(a + b + 2), else through I_x(a, b) = 1 − I_{1−x}(b, a).
    static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
