import Foundation

/// The shapes an adoption curve can take (DESIGN.md, "Curve families").
public enum CurveFamily: String, CaseIterable, Sendable {
    case logistic, gompertz, richards, bass, linear, exponential
    /// A random walk with drift on the metric's natural scale (``LocalTrend``): its curve is
    /// the drift line, its uncertainty the walk.
    case localTrend = "local_trend"
}

/// One curve family with its fixed settings: the level y(t; θ) at time t (decimal years,
/// e.g. 2023.42) and its exact gradient ∂y/∂θ.
///
/// Parameters are in natural space, in units people read (``parameterNames`` gives the
/// order); z = r·(t − t0) below.
///
/// | family | parameters | y(t) |
/// |---|---|---|
/// | logistic | ceiling K, growth_rate r (per year), inflection t0 (decimal year) | K/(1 + e^(−z)) |
/// | gompertz | ceiling K, growth_rate r, inflection t0 | K·exp(−e^(−z)) |
/// | richards | ceiling K, growth_rate r, inflection t0, shape ν | K/(1 + e^(−z))^(1/ν) |
/// | bass | market m, innovation p, imitation q | m·F(t − launch), F(τ) = (1 − e^(−(p+q)τ))/(1 + (q/p)e^(−(p+q)τ)) for τ > 0, else 0 |
/// | linear | intercept a (level at referenceTime), slope b per year | a + b(t − referenceTime) |
/// | exponential | level a at referenceTime, growth_rate r | a·e^(r(t − referenceTime)) |
/// | local_trend | level z₀ on the natural scale at referenceTime, drift d per year | h⁻¹(z₀ + d(t − referenceTime)), h = logit of [0, bound] or log |
///
/// Richards is the form b1/(1 + exp(b2 − b3·x))^(1/b4) of the NIST StRD, with b1 = K, b3 = r,
/// b2 = r·t0, b4 = ν; ν = 1 is the logistic and ν → 0⁺ tends to the Gompertz. The formula is
/// evaluated for any ν ≠ 0; only ν > 0 is a growth curve (bounds belong to the transform layer).
///
/// Numerics: every sigmoid is written so that no intermediate overflows into NaN
/// (z = ±800 gives finite levels and gradients); Bass is evaluated as
/// F = p(1 − e^(−aτ))/(p + q·e^(−aτ)), exact as p → 0, with `expm1` for small aτ.
/// What a curve reads its parameters θ from: an array (the fits), or a fixed-size vector
/// (the Monte Carlo's per-path evaluator, which must not allocate or reference-count).
public protocol CurveParameters {
    subscript(index: Int) -> Double { get }
}

extension Array: CurveParameters where Element == Double {}
extension SIMD4: CurveParameters where Scalar == Double {}

/// Where a curve writes ∂y/∂θ: an array (the fits), or nowhere (the Monte Carlo, which
/// needs the level only; a discarded gradient costs nothing once specialised).
public protocol CurveGradient {
    subscript(index: Int) -> Double { get set }
}

extension Array: CurveGradient where Element == Double {}

public struct DiscardedGradient: CurveGradient {
    @inlinable public init() {}
    @inlinable public subscript(index: Int) -> Double {
        get { 0 }
        set {}
    }
}

public struct AdoptionCurve: Sendable {
    public let family: CurveFamily
    /// Launch date (decimal year), where the Bass curve starts from 0. Required for `bass`.
    public let launch: Double?
    /// The time at which `linear`'s intercept and `exponential`'s level are read.
    public let referenceTime: Double

    /// The Bass launch date, or 0 for families that do not use it.
    @usableFromInline let launchTime: Double
    /// The natural scale of `local_trend` (logit of [0, bound], or log); unused by the others.
    public let scale: NaturalScale

    public init(_ family: CurveFamily, launch: Double? = nil, referenceTime: Double = 0, scale: NaturalScale = .log) {
        precondition(family != .bass || launch != nil, "the Bass curve needs a launch date")
        precondition(launch?.isFinite ?? true, "launch must be a finite decimal year")
        precondition(referenceTime.isFinite, "referenceTime must be a finite decimal year")
        self.family = family
        self.launch = launch
        self.referenceTime = referenceTime
        self.launchTime = launch ?? 0
        self.scale = scale
    }

    /// Parameter names, in the order of θ.
    public var parameterNames: [String] {
        switch family {
        case .logistic, .gompertz: return ["ceiling", "growth_rate", "inflection"]
        case .richards: return ["ceiling", "growth_rate", "inflection", "shape"]
        case .bass: return ["market", "innovation", "imitation"]
        case .linear: return ["intercept", "slope"]
        case .exponential: return ["level", "growth_rate"]
        case .localTrend: return ["level", "drift"]
        }
    }

    /// The number of parameters, `parameterNames.count`.
    public var parameterCount: Int {
        switch family {
        case .logistic, .gompertz, .bass: return 3
        case .richards: return 4
        case .linear, .exponential, .localTrend: return 2
        }
    }

    /// The level y(t; θ).
    public func level(at t: Double, _ θ: [Double]) -> Double {
        precondition(θ.count == parameterCount, "\(family) takes \(parameterCount) parameters, got \(θ.count)")
        var unused = DiscardedGradient()
        return evaluate(at: t, θ, gradient: &unused, wantGradient: false)
    }

    /// The level y(t; θ) and its exact gradient ∂y/∂θ, written into `gradient`
    /// (which must have `parameterCount` elements).
    public func level(at t: Double, _ θ: [Double], gradient: inout [Double]) -> Double {
        precondition(θ.count == parameterCount, "\(family) takes \(parameterCount) parameters, got \(θ.count)")
        precondition(gradient.count == parameterCount, "gradient must have \(parameterCount) elements")
        return evaluate(at: t, θ, gradient: &gradient, wantGradient: true)
    }

    /// The level, and if `wantGradient`, ∂y/∂θⱼ into g[j].
    @inline(__always)
    @inlinable
    func evaluate<Parameters: CurveParameters, Gradient: CurveGradient>(at t: Double, _ θ: Parameters,
                                                                       gradient g: inout Gradient,
                                                                       wantGradient: Bool) -> Double {
        switch family {
        case .logistic:
            let K = θ[0], r = θ[1], t0 = θ[2]
            let dt = t - t0
            let z = r * dt
            let σ = Self.sigmoid(z)
            if wantGradient {
                // σ' = σ(z)·σ(−z): both factors computed directly, no 1 − σ cancellation.
                let slope = K * σ * Self.sigmoid(-z)
                g[0] = σ
                g[1] = slope * dt
                g[2] = -slope * r
            }
            return K * σ
        case .gompertz:
            let K = θ[0], r = θ[1], t0 = θ[2]
            let dt = t - t0
            let z = r * dt
            let u = exp(-z)
            let level = exp(-u)
            if wantGradient {
                // d/dz exp(−e^(−z)) = e^(−z)·exp(−e^(−z)) = exp(−z − e^(−z)): one exp, so
                // z = −800 gives exp(−∞) = 0 instead of ∞·0.
                let slope = K * exp(-z - u)
                g[0] = level
                g[1] = slope * dt
                g[2] = -slope * r
            }
            return K * level
        case .richards:
            let K = θ[0], r = θ[1], t0 = θ[2], ν = θ[3]
            let dt = t - t0
            let z = r * dt
            let L = Self.log1pExp(-z)            // log(1 + e^(−z)), stable both ways
            let P = exp(-L / ν)                  // (1 + e^(−z))^(−1/ν)
            if wantGradient {
                // ∂/∂z: P·σ(−z)/ν;  ∂/∂ν: P·L/ν².
                let slope = K * P * Self.sigmoid(-z) / ν
                g[0] = P
                g[1] = slope * dt
                g[2] = -slope * r
                g[3] = K * P * L / (ν * ν)
            }
            return K * P
        case .bass:
            let m = θ[0], p = θ[1], q = θ[2]
            let τ = t - launchTime
            guard τ > 0 else {
                if wantGradient { g[0] = 0; g[1] = 0; g[2] = 0 }
                return 0
            }
            let a = p + q
            let x = a * τ
            let E = exp(-x)
            let N = -expm1(-x)                   // 1 − e^(−aτ), accurate for small aτ
            let D = p + q * E
            let F = p * N / D
            if wantGradient {
                // ∂F/∂p = E(qN + p·aτ)/D², ∂F/∂q = p·E(aτ − N)/D² (simplified with N + E = 1).
                let ED = E / D
                g[0] = F
                g[1] = m * ED * (q * N + p * x) / D
                g[2] = m * p * ED * Self.xMinusOneMinusExp(x) / D
            }
            return m * F
        case .linear:
            let a = θ[0], b = θ[1]
            let dt = t - referenceTime
            if wantGradient { g[0] = 1; g[1] = dt }
            return a + b * dt
        case .exponential:
            let a = θ[0], r = θ[1]
            let dt = t - referenceTime
            let e = exp(r * dt)
            if wantGradient { g[0] = e; g[1] = a * e * dt }
            return a * e
        case .localTrend:
            let dt = t - referenceTime
            let y = scale.inverse(θ[0] + θ[1] * dt)
            if wantGradient {
                let slope = scale.inverseDerivative(θ[0] + θ[1] * dt)
                g[0] = slope; g[1] = slope * dt
            }
            return y
        }
    }

    /// The logistic function 1/(1 + e^(−z)), never evaluating e^(+large).
    @inlinable @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// log(1 + e^x) = max(x, 0) + log1p(e^(−|x|)).
    @inlinable @inline(__always)
    static func log1pExp(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// x − (1 − e^(−x)) = x + expm1(−x), by its series where the subtraction would cancel.
    @inlinable @inline(__always)
    static func xMinusOneMinusExp(_ x: Double) -> Double {
        if abs(x) < 0.01 {
            // x²/2 − x³/6 + … − x⁷/5040: the next term is < 1e-16 relative for |x| < 0.01,
            // where the direct form would lose up to 2ε/|x| relative.
            let x2 = x * x
            return x2 * (0.5 - x * (1.0 / 6 - x * (1.0 / 24 - x * (1.0 / 120 - x * (1.0 / 720 - x / 5040)))))
        }
        return x + expm1(-x)
    }
}
