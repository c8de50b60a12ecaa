/// A curve family tied to a launch date L: the level is 0 at L and before, by construction
/// (DESIGN.md: "a launch date (level 0 then)").
///
/// - Families with a ceiling K (logistic, Gompertz, Richards) are rescaled so that they
///   still approach K: y_L(t) = K·(y(t) − y(L))/(K − y(L)) for t > L. Their growth rate and
///   inflection keep their meaning (y_L has the same shape after L), so priors on them mean
///   what a planner expects; a sigmoid never reaches 0 on its own, which would otherwise
///   force a steep curve whenever a launch date is given.
/// - Bass is anchored already (τ = t − launch).
/// - Linear and exponential trends become increases since launch: y(t) − y(L).
/// Without a launch date the curve is the family's own.
///
/// Numerics: with the shortfall s(t) = K − y(t), y_L = K·(1 − s(t)/s(L)). The shortfall is
/// computed directly (K·σ(−z) for the logistic, −K·expm1(−e^(−z)) for Gompertz,
/// −K·expm1(−log(1+e^(−z))/ν) for Richards), never as K − y, so an inflection long before
/// the launch (where y(L) is within rounding of K) still gives the exact limit
/// K·(1 − e^(−r(t−L))) instead of 0/0.
///
/// Gradient, with ∂s/∂θⱼ = δⱼK − ∂y/∂θⱼ:
/// ∂y_L/∂θⱼ = δⱼK·(1 − s(t)/s(L)) − K·(∂s(t)/∂θⱼ·s(L) − s(t)·∂s(L)/∂θⱼ)/s(L)².
import Foundation

public struct LaunchAnchoredCurve: Sendable {
    public let curve: AdoptionCurve
    /// Decimal year, or nil.
    public let launch: Double?

    public init(_ curve: AdoptionCurve, launch: Double?) {
        self.curve = curve
        self.launch = curve.family == .bass || curve.family == .localTrend ? nil : launch
    }

    public var family: CurveFamily { curve.family }
    public var parameterNames: [String] { curve.parameterNames }
    public var parameterCount: Int { curve.parameterCount }

    @usableFromInline var hasCeiling: Bool {
        switch curve.family {
        case .logistic, .gompertz, .richards: return true
        case .bass, .linear, .exponential, .localTrend: return false
        }
    }

    public func level(at t: Double, _ theta: [Double]) -> Double {
        evaluator(theta).level(at: t)
    }

    /// The curve at fixed θ, with what depends only on θ and the launch (the shortfall at
    /// launch) computed once: the Monte Carlo evaluates one path's curve at every grid step.
    public func evaluator(_ theta: [Double]) -> Evaluator {
        Evaluator(curve: self, parameters: pack(theta))
    }

    /// θ in a fixed-size vector and the curve's value at launch (s(L) for ceiling families,
    /// y(L) for trends; NaN without a launch), computed once: a plain value of five doubles
    /// (no allocation, no reference counting), so the Monte Carlo keeps one per path and
    /// evaluates it at every clock step.
    public struct PackedParameters: Sendable {
        public let theta: SIMD4<Double>
        public let atLaunch: Double

        public init(theta: SIMD4<Double>, atLaunch: Double) {
            self.theta = theta
            self.atLaunch = atLaunch
        }
    }

    public func pack(_ theta: [Double]) -> PackedParameters {
        precondition(theta.count == parameterCount && theta.count <= 4, "\(family) takes \(parameterCount) parameters")
        // Built whole, not lane by lane (a lane written at a run-time index goes through memory).
        let count = theta.count
        let packed = SIMD4(theta[0], count > 1 ? theta[1] : 0, count > 2 ? theta[2] : 0, count > 3 ? theta[3] : 0)
        var unused = DiscardedGradient()
        let atLaunch = launch.map {
            hasCeiling ? shortfall(at: $0, packed) : curve.evaluate(at: $0, packed, gradient: &unused, wantGradient: false)
        }
        return PackedParameters(theta: packed, atLaunch: atLaunch ?? .nan)
    }

    /// The curve at packed parameters (``pack(_:)``). Inlinable: the Monte Carlo calls it at
    /// every path and clock step.
    @inlinable
    public func level(at t: Double, _ parameters: PackedParameters) -> Double {
        var unused = DiscardedGradient()
        let theta = parameters.theta
        guard let launch, !parameters.atLaunch.isNaN else {
            return curve.evaluate(at: t, theta, gradient: &unused, wantGradient: false)
        }
        if t <= launch { return 0 }
        guard hasCeiling else { return curve.evaluate(at: t, theta, gradient: &unused, wantGradient: false) - parameters.atLaunch }
        return theta[0] * shortfallDecrease(from: launch, to: t, theta) / parameters.atLaunch
    }

    /// The curve at fixed θ (``PackedParameters``).
    public struct Evaluator: Sendable {
        public let curve: LaunchAnchoredCurve
        public let parameters: PackedParameters

        public init(curve: LaunchAnchoredCurve, parameters: PackedParameters) {
            self.curve = curve
            self.parameters = parameters
        }

        public func level(at t: Double) -> Double { curve.level(at: t, parameters) }
    }

    /// K − y(t) without cancellation (see the type's documentation).
    /// s(a) − s(b), the shortfall's decrease from a to b, without the cancellation of
    /// subtracting two shortfalls near K (far before the inflection): K(1 − s(t)/s(launch))
    /// would round to exactly 0 there, a level of 0 that is not the curve's.
    ///   logistic: K(σ(z_b) − σ(z_a)), or K(σ(−z_a) − σ(−z_b)) past the inflection;
    ///   Gompertz: K(e^(−u_b) − e^(−u_a)) = −K·e^(−u_b)·expm1(u_b − u_a), u = e^(−z);
    ///   Richards: K(e^(c_b) − e^(c_a)) = −K·e^(c_b)·expm1(c_a − c_b), c = −log(1 + e^(−z))/ν.
    @inlinable
    func shortfallDecrease<Parameters: CurveParameters>(from a: Double, to b: Double, _ theta: Parameters) -> Double {
        let k = theta[0], r = theta[1], t0 = theta[2]
        let za = r * (a - t0), zb = r * (b - t0)
        switch curve.family {
        case .logistic:
            return za < 0 ? k * (AdoptionCurve.sigmoid(zb) - AdoptionCurve.sigmoid(za))
                          : k * (AdoptionCurve.sigmoid(-za) - AdoptionCurve.sigmoid(-zb))
        case .gompertz:
            let ua = exp(-za), ub = exp(-zb)
            return -k * exp(-ub) * expm1(ub - ua)
        case .richards:
            let ca = -AdoptionCurve.log1pExp(-za) / theta[3], cb = -AdoptionCurve.log1pExp(-zb) / theta[3]
            return -k * exp(cb) * expm1(ca - cb)
        case .bass, .linear, .exponential, .localTrend:
            return shortfall(at: a, theta) - shortfall(at: b, theta)
        }
    }

    @inlinable
    func shortfall<Parameters: CurveParameters>(at t: Double, _ theta: Parameters) -> Double {
        let k = theta[0], r = theta[1], t0 = theta[2]
        let z = r * (t - t0)
        switch curve.family {
        case .logistic:
            return k * AdoptionCurve.sigmoid(-z)
        case .gompertz:
            return -k * expm1(-exp(-z))
        case .richards:
            return -k * expm1(-AdoptionCurve.log1pExp(-z) / theta[3])
        case .bass, .linear, .exponential, .localTrend:
            var unused = DiscardedGradient()
            return k - curve.evaluate(at: t, theta, gradient: &unused, wantGradient: false)
        }
    }

    /// The level and ∂/∂θ into `gradient` (`parameterCount` elements). `scratch` must have
    /// the same size; it holds ∂y(L)/∂θ, so repeated calls do not allocate.
    public func level(at t: Double, _ theta: [Double], gradient: inout [Double], scratch: inout [Double]) -> Double {
        guard let launch else { return curve.level(at: t, theta, gradient: &gradient) }
        if t <= launch {
            for j in gradient.indices { gradient[j] = 0 }
            return 0
        }
        let y = curve.level(at: t, theta, gradient: &gradient)
        let u = curve.level(at: launch, theta, gradient: &scratch)
        guard hasCeiling else {
            for j in gradient.indices { gradient[j] -= scratch[j] }
            return y - u
        }
        let k = theta[0]
        let st = shortfall(at: t, theta), sl = shortfall(at: launch, theta)
        let ratio = st / sl
        for j in gradient.indices {
            let isCeiling: Double = j == 0 ? 1 : 0
            let dst = isCeiling - gradient[j], dsl = isCeiling - scratch[j]
            gradient[j] = isCeiling * (1 - ratio) - k * (dst - ratio * dsl) / sl
        }
        return k * (1 - ratio)
    }
}
