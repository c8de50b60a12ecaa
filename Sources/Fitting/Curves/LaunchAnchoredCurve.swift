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
/// Gradient of the rescaled form, with N = y(t) − y(L), D = K − y(L), u′ = ∂y(L)/∂θ:
/// ∂y_L/∂θⱼ = (δⱼK·N + K·(∂y(t)/∂θⱼ − u′ⱼ))/D − K·N·(δⱼK − u′ⱼ)/D².
public struct LaunchAnchoredCurve: Sendable {
    public let curve: AdoptionCurve
    /// Decimal year, or nil.
    public let launch: Double?

    public init(_ curve: AdoptionCurve, launch: Double?) {
        self.curve = curve
        self.launch = curve.family == .bass ? nil : launch
    }

    public var family: CurveFamily { curve.family }
    public var parameterNames: [String] { curve.parameterNames }
    public var parameterCount: Int { curve.parameterCount }

    private var hasCeiling: Bool {
        switch curve.family {
        case .logistic, .gompertz, .richards: return true
        case .bass, .linear, .exponential: return false
        }
    }

    public func level(at t: Double, _ theta: [Double]) -> Double {
        guard let launch else { return curve.level(at: t, theta) }
        if t <= launch { return 0 }
        let y = curve.level(at: t, theta)
        let u = curve.level(at: launch, theta)
        return hasCeiling ? theta[0] * (y - u) / (theta[0] - u) : y - u
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
        let k = theta[0], n = y - u, d = k - u
        for j in gradient.indices {
            let isCeiling: Double = j == 0 ? 1 : 0
            gradient[j] = (isCeiling * n + k * (gradient[j] - scratch[j])) / d - k * n * (isCeiling - scratch[j]) / (d * d)
        }
        return k * n / d
    }
}
