import Foundation
import XCTest
import LinearAlgebra
@testable import Fitting

/// Shortfalls K − y of the saturating curves, written independently of the library.
private func logisticShortfall(_ t: Double, _ θ: [Double]) -> Double {
    θ[0] / (1 + exp(θ[1] * (t - θ[2])))
}
private func gompertzShortfall(_ t: Double, _ θ: [Double]) -> Double {
    -θ[0] * expm1(-exp(-θ[1] * (t - θ[2])))
}
private func richardsShortfall(_ t: Double, _ θ: [Double]) -> Double {
    -θ[0] * expm1(-log1p(exp(-θ[1] * (t - θ[2]))) / θ[3])
}
private func bassShortfall(launch: Double) -> (Double, [Double]) -> Double {
    { t, θ in
        let (m, p, q) = (θ[0], θ[1], θ[2])
        let E = exp(-(p + q) * (t - launch))
        return m * (p + q) * E / (p + q * E)
    }
}

/// The curve families: exact gradients, tails, and the least-squares binding.
final class AdoptionCurveTests: XCTestCase {
    /// A point at which to check one family: parameters, time, and the finite-difference step
    /// scale of each parameter.
    struct Point {
        var curve: AdoptionCurve
        var θ: [Double]
        var t: Double
        var scales: [Double]
        /// Above half the ceiling (in the upper tail y ≈ ceiling) differences of y cannot
        /// resolve the tiny ∂y/∂θ of the shape parameters; there the test differentiates the
        /// shortfall (ceiling − y), computed by an independent formula, instead.
        var shortfall: ((Double, [Double]) -> Double)? = nil
    }

    static let K = 542.0, r = 0.8, t0 = 2020.5

    /// Time at which r·(t − t0) = z.
    static func time(z: Double, r: Double = r, t0: Double = t0) -> Double { t0 + z / r }

    static var points: [Point] {
        var points: [Point] = []
        let sigmoidScales = [K, r, 1 / r]
        for z in [-30.0, -7.3, -3.2, -1.1, 0.4, 2.5, 9.0, 30.0] {
            let t = time(z: z)
            let logistic: (Double, [Double]) -> Double = { logisticShortfall($0, $1) }
            let gompertz: (Double, [Double]) -> Double = { gompertzShortfall($0, $1) }
            let richards: (Double, [Double]) -> Double = { richardsShortfall($0, $1) }
            points.append(Point(curve: AdoptionCurve(.logistic), θ: [K, r, t0], t: t, scales: sigmoidScales,
                                shortfall: logistic))
            points.append(Point(curve: AdoptionCurve(.gompertz), θ: [K, r, t0], t: t, scales: sigmoidScales,
                                shortfall: gompertz))
            for ν in [0.35, 1.2792483859, 3.0] {
                points.append(Point(curve: AdoptionCurve(.richards), θ: [K, r, t0, ν], t: t, scales: sigmoidScales + [ν],
                                    shortfall: richards))
            }
            points.append(Point(curve: AdoptionCurve(.exponential, referenceTime: 2020), θ: [1250, r], t: 2020 + z / r,
                                scales: [1250, r]))
            points.append(Point(curve: AdoptionCurve(.linear, referenceTime: 2020), θ: [1250, -37.5], t: 2020 + z,
                                scales: [1250, 37.5]))
            // The local trend's drift line on the logit of [0, 100] and on the log scale.
            points.append(Point(curve: AdoptionCurve(.localTrend, referenceTime: 2020, scale: .logit(bound: 100)),
                                θ: [0.4, 0.3], t: 2020 + z / 3, scales: [1, 0.3]))
            points.append(Point(curve: AdoptionCurve(.localTrend, referenceTime: 2020, scale: .log),
                                θ: [3, 0.1], t: 2020 + z / 3, scales: [1, 0.1]))
        }
        // Bass: z = (p + q)·τ, from tiny (the series branch of aτ − (1 − e^(−aτ))) to 30.
        let launch = 1963.0
        for (θ, scales) in [([39_658.6, 0.01847, 0.61586], [39_658.6, 0.01847, 0.61586]),
                            ([1_000.0, 0.003, 0.38], [1_000.0, 0.003, 0.38]),
                            ([1_000.0, 1e-9, 0.5], [1_000.0, 1e-9, 0.5])] {
            let a = θ[1] + θ[2]
            for z in [0.001, 0.004, 0.02, 0.5, 2.0, 6.0, 12.0, 30.0] {
                points.append(Point(curve: AdoptionCurve(.bass, launch: launch), θ: θ, t: launch + z / a,
                                    scales: scales, shortfall: bassShortfall(launch: launch)))
            }
        }
        return points
    }

    /// Central differences with one Richardson step, (4·D(h/2) − D(h))/3: error O(h⁴),
    /// h = 10⁻⁴·scale.
    static func centralDifference(_ f: (Double) -> Double, at x: Double, scale: Double) -> Double {
        func d(_ step: Double) -> Double {
            let h = (x + step) - x   // a representable step
            return (f(x + h) - f(x - h)) / (2 * h)
        }
        let h = 1e-4 * scale
        return (4 * d(h / 2) - d(h)) / 3
    }

    func testGradientsMatchCentralDifferencesToSevenDigits() {
        var worst: [CurveFamily: Double] = [:]
        var checked = 0
        for point in Self.points {
            let curve = point.curve
            var g = [Double](repeating: .nan, count: curve.parameterCount)
            let y = curve.level(at: point.t, point.θ, gradient: &g)
            XCTAssertEqual(y, curve.level(at: point.t, point.θ), "\(curve.family): both entry points agree")
            if let shortfall = point.shortfall {
                // The library's level and the independent shortfall describe the same curve.
                XCTAssertEqual(y + shortfall(point.t, point.θ), point.θ[0], accuracy: 1e-15 * point.θ[0],
                               "\(curve.family) at t = \(point.t)")
            }
            for j in 0..<curve.parameterCount {
                let useShortfall = point.shortfall != nil && j > 0 && y > point.θ[0] / 2
                let fd = Self.centralDifference({ x in
                    var θ = point.θ
                    θ[j] = x
                    return useShortfall ? -point.shortfall!(point.t, θ) : curve.level(at: point.t, θ)
                }, at: point.θ[j], scale: point.scales[j])
                let relative = abs(g[j] - fd) / max(abs(g[j]), .leastNormalMagnitude)
                worst[curve.family] = max(worst[curve.family] ?? 0, relative)
                XCTAssertLessThanOrEqual(relative, 1e-7,
                    "\(curve.family) ∂y/∂\(curve.parameterNames[j]) at θ = \(point.θ), t = \(point.t): analytic \(g[j]), differences \(fd)")
                checked += 1
            }
        }
        for family in CurveFamily.allCases {
            let w = worst[family] ?? .nan
            print("gradient vs central differences, \(family): worst relative error \(w) (\(String(format: "%.1f", -log10(max(w, 1e-17)))) digits)")
        }
        XCTAssertEqual(Set(worst.keys), Set(CurveFamily.allCases), "every family checked")
        XCTAssertGreaterThan(checked, 150)
    }

    /// z = ±800: e^(800) overflows a Double. Levels and gradients must stay finite for the
    /// bounded families (and not NaN for the exponential, whose level really is +∞).
    func testFarTailsGiveNoNaN() {
        let cases: [(AdoptionCurve, [Double], (Double) -> Double)] = [
            (AdoptionCurve(.logistic), [Self.K, Self.r, Self.t0], { Self.time(z: $0) }),
            (AdoptionCurve(.gompertz), [Self.K, Self.r, Self.t0], { Self.time(z: $0) }),
            (AdoptionCurve(.richards), [Self.K, Self.r, Self.t0, 0.35], { Self.time(z: $0) }),
            (AdoptionCurve(.richards), [Self.K, Self.r, Self.t0, 3.0], { Self.time(z: $0) }),
            (AdoptionCurve(.bass, launch: 1963), [39_658.6, 0.01847, 0.61586], { 1963 + $0 / 0.63433 }),
            (AdoptionCurve(.linear, referenceTime: 2020), [1250, -37.5], { 2020 + $0 }),
            (AdoptionCurve(.exponential, referenceTime: 2020), [1250, Self.r], { 2020 + $0 / Self.r }),
        ]
        for (curve, θ, time) in cases {
            for z in [-800.0, 800.0] {
                var g = [Double](repeating: .nan, count: curve.parameterCount)
                let y = curve.level(at: time(z), θ, gradient: &g)
                let label = "\(curve.family) θ = \(θ) at z = \(z): y = \(y), gradient \(g)"
                XCTAssertFalse(y.isNaN || g.contains(where: \.isNaN), label)
                if curve.family != .exponential {
                    XCTAssertTrue(y.isFinite && g.allSatisfy(\.isFinite), label)
                }
                if curve.family == .logistic || curve.family == .gompertz || curve.family == .richards {
                    // At z = −800: e^(−800) ≈ 0 (Richards: e^(−800/ν), 1e-116 for ν = 3).
                    XCTAssertEqual(y, z < 0 ? 0 : θ[0], accuracy: 1e-100, label)
                    XCTAssertEqual(g[0], z < 0 ? 0 : 1, accuracy: 1e-100, label)
                }
            }
        }
        let bass = AdoptionCurve(.bass, launch: 1963)
        XCTAssertEqual(bass.level(at: 1963 + 800 / 0.63433, [39_658.6, 0.01847, 0.61586]), 39_658.6, accuracy: 1e-11)
        // The exponential at z = −800 is 0 with a zero gradient; at +800 it is +∞, not NaN.
        var g = [0.0, 0.0]
        XCTAssertEqual(AdoptionCurve(.exponential).level(at: -1000, [1250, 0.8], gradient: &g), 0)
        XCTAssertEqual(AdoptionCurve(.exponential).level(at: 1000, [1250, 0.8]), .infinity)
    }

    func testBassBeforeLaunchIsZeroAndSmallInnovationIsExact() {
        let bass = AdoptionCurve(.bass, launch: 2021.25)
        var g = [Double](repeating: .nan, count: 3)
        for t in [1990.0, 2021.0, 2021.25] {
            XCTAssertEqual(bass.level(at: t, [1000, 0.02, 0.4], gradient: &g), 0)
            XCTAssertEqual(g, [0, 0, 0])
        }
        // p → 0: F(τ) = p(e^(qτ) − 1)/q·(1 + O(p)); the form (1 − E)/(1 + (q/p)E) would
        // overflow q/p for subnormal p.
        for p in [1e-12, 1e-200, Double.leastNormalMagnitude / 4] {
            let (q, τ) = (0.5, 3.0)
            let expected = 1000 * p * expm1(q * τ) / q
            let y = bass.level(at: 2021.25 + τ, [1000, p, q], gradient: &g)
            XCTAssertEqual(y, expected, accuracy: 1e-9 * expected, "p = \(p)")
            XCTAssertGreaterThan(y, 0, "p = \(p)")
            XCTAssertTrue(g.allSatisfy(\.isFinite), "p = \(p): \(g)")
            // ∂y/∂p → m(e^(qτ) − 1)/q as p → 0.
            XCTAssertEqual(g[1], 1000 * expm1(q * τ) / q, accuracy: 1e-9 * 1000 * expm1(q * τ) / q, "p = \(p)")
        }
        // Just after launch (aτ = 1e-5) ∂y/∂q ≈ m·p·τ²/2 is 10⁻⁵ of y/q, beyond the reach of
        // finite differences of y: compare with 50-digit values (mpmath, τ = 1963.000015764665 − 1963).
        let early = AdoptionCurve(.bass, launch: 1963)
        let yEarly = early.level(at: 1963.000015764665, [39_658.6, 0.01847, 0.61586], gradient: &g)
        XCTAssertEqual(yEarly, 0.011547582307818487542, accuracy: 1e-13 * 0.0115)
        XCTAssertEqual(g[1], 0.62520739721877529546, accuracy: 1e-13 * 0.625)
        XCTAssertEqual(g[2], 9.102200864985451536e-8, accuracy: 1e-13 * 9.1e-8)
        // Late: all of the market has adopted.
        XCTAssertEqual(bass.level(at: 2200, [1000, 0.02, 0.4]), 1000, accuracy: 1e-12)
    }

    func testParameterNamesAndSpecialCases() {
        XCTAssertEqual(AdoptionCurve(.logistic).parameterNames, ["ceiling", "growth_rate", "inflection"])
        XCTAssertEqual(AdoptionCurve(.gompertz).parameterNames, ["ceiling", "growth_rate", "inflection"])
        XCTAssertEqual(AdoptionCurve(.richards).parameterNames, ["ceiling", "growth_rate", "inflection", "shape"])
        XCTAssertEqual(AdoptionCurve(.bass, launch: 2000).parameterNames, ["market", "innovation", "imitation"])
        XCTAssertEqual(AdoptionCurve(.linear).parameterNames, ["intercept", "slope"])
        XCTAssertEqual(AdoptionCurve(.exponential).parameterNames, ["level", "growth_rate"])
        for family in CurveFamily.allCases {
            let curve = AdoptionCurve(family, launch: 2000)
            XCTAssertEqual(curve.parameterCount, curve.parameterNames.count)
        }
        // Readable values: half the ceiling at the inflection; Gompertz K/e there.
        XCTAssertEqual(AdoptionCurve(.logistic).level(at: 2024.5, [542, 0.9, 2024.5]), 271)
        XCTAssertEqual(AdoptionCurve(.gompertz).level(at: 2024.5, [542, 0.9, 2024.5]), 542 / M_E, accuracy: 1e-12)
        // Richards with ν = 1 is the logistic.
        for t in [2010.0, 2022.3, 2031.0] {
            XCTAssertEqual(AdoptionCurve(.richards).level(at: t, [542, 0.9, 2024.5, 1]),
                           AdoptionCurve(.logistic).level(at: t, [542, 0.9, 2024.5]), accuracy: 1e-12)
        }
        // Intercept and level are read at referenceTime.
        XCTAssertEqual(AdoptionCurve(.linear, referenceTime: 2020).level(at: 2022, [100, 5]), 110)
        XCTAssertEqual(AdoptionCurve(.exponential, referenceTime: 2020).level(at: 2020, [100, 0.3]), 100)
        XCTAssertEqual(AdoptionCurve(.exponential, referenceTime: 2020).level(at: 2022, [100, 0.3]), 100 * exp(0.6), accuracy: 1e-12)
    }

    /// Residuals and Jacobian of flows: model y(t) − y(s), Jacobian written in place into the
    /// column-major matrix; checked against the curve and against central differences.
    func testCurveLeastSquaresFlowsAndLevels() {
        let curve = AdoptionCurve(.bass, launch: 1963)
        let θ = [40_000.0, 0.02, 0.6]
        let observations = [
            CurveObservation(time: 1964, value: 700, periodStart: 1963),
            CurveObservation(time: 1965, value: 1500),                       // since 1964
            CurveObservation(time: 1966.5, value: 4000, periodStart: 1965),
        ]
        let flows = CurveLeastSquares(curve: curve, observations: observations, kind: .flow)
        let levels = CurveLeastSquares(curve: curve, observations: observations, kind: .level)
        XCTAssertEqual(flows.residualCount, 3)
        XCTAssertEqual(flows.parameterCount, 3)
        var r = [Double](repeating: .nan, count: 3)
        XCTAssertTrue(flows.residuals(at: θ, into: &r))
        let y = { (t: Double) in curve.level(at: t, θ) }
        XCTAssertEqual(r[0], y(1964) - y(1963) - 700, accuracy: 1e-9)
        XCTAssertEqual(r[1], y(1965) - y(1964) - 1500, accuracy: 1e-9)
        XCTAssertEqual(r[2], y(1966.5) - y(1965) - 4000, accuracy: 1e-9)
        XCTAssertTrue(levels.residuals(at: θ, into: &r))
        XCTAssertEqual(r[1], y(1965) - 1500, accuracy: 1e-9)

        for problem in [flows, levels] {
            var J = Matrix(rows: 3, columns: 3, repeating: .nan)
            XCTAssertTrue(problem.jacobian(at: θ, into: &J))
            for j in 0..<3 {
                for i in 0..<3 {
                    let fd = Self.centralDifference({ x in
                        var p = θ
                        p[j] = x
                        var out = [Double](repeating: 0, count: 3)
                        _ = problem.residuals(at: p, into: &out)
                        return out[i]
                    }, at: θ[j], scale: θ[j])
                    XCTAssertEqual(J[i, j], fd, accuracy: 1e-7 * abs(fd), "\(problem.kind) J[\(i), \(j)]")
                }
            }
        }

        // A non-finite model value is reported, not hidden.
        var rr = [0.0]
        let exponential = CurveLeastSquares(curve: AdoptionCurve(.exponential),
                                            observations: [CurveObservation(time: 1000, value: 1)], kind: .level)
        XCTAssertFalse(exponential.residuals(at: [1, 1], into: &rr))
    }
}

/// The launch-anchored form: 0 at launch, its gradient against central differences, and the
/// exact limit when the inflection lies long before the launch.
final class LaunchAnchoredCurveTests: XCTestCase {
    func testAnchoredGradientMatchesDifferencesAndLimitIsStable() {
        let launch = 2020.0
        for family in [CurveFamily.logistic, .gompertz, .richards, .linear, .exponential] {
            let curve = LaunchAnchoredCurve(AdoptionCurve(family, referenceTime: 2022), launch: launch)
            let thetas: [[Double]]
            switch family {
            case .logistic, .gompertz: thetas = [[500, 0.9, 2023], [500, 0.9, 2001]]
            case .richards: thetas = [[500, 0.9, 2023, 1.5], [500, 0.9, 2001, 0.7]]
            case .linear: thetas = [[100, 30]]
            default: thetas = [[100, 0.3]]
            }
            XCTAssertEqual(curve.level(at: launch, thetas[0]), 0)
            for theta in thetas {
                var gradient = [Double](repeating: 0, count: theta.count)
                var scratch = gradient
                let t = 2022.3
                let value = curve.level(at: t, theta, gradient: &gradient, scratch: &scratch)
                XCTAssertEqual(value, curve.level(at: t, theta), accuracy: 1e-9 * max(1, abs(value)))
                for j in theta.indices {
                    let h = 1e-6 * max(1, abs(theta[j]))
                    var up = theta, down = theta
                    up[j] += h
                    down[j] -= h
                    let numeric = (curve.level(at: t, up) - curve.level(at: t, down)) / (2 * h)
                    XCTAssertEqual(gradient[j], numeric, accuracy: 1e-5 * max(1, abs(numeric)), "\(family) θ=\(theta) j=\(j)")
                }
            }
        }
        // Inflection 300 years before launch: the logistic's anchored form is K(1 − e^(−r(t−L))).
        let far = LaunchAnchoredCurve(AdoptionCurve(.logistic), launch: launch)
        let theta = [500.0, 0.9, 1720.0]
        XCTAssertEqual(far.level(at: 2021.5, theta), 500 * (1 - exp(-0.9 * 1.5)), accuracy: 1e-9)
    }
}
