import LinearAlgebra

/// What an observed value measures.
public enum ObservationKind: Sendable {
    /// The level y(t) itself (a stock, a share, a cumulative count).
    case level
    /// The amount added over the period (periodStart, t]: y(t) − y(periodStart)
    /// (yearly sales, new users in a month). Bass data are flows.
    case flow
}

/// One observation of a curve, at a time in decimal years.
public struct CurveObservation: Sendable, Equatable {
    /// End of the period (flows) or the moment observed (levels), in decimal years.
    public var time: Double
    public var value: Double
    /// Start of the period a flow covers. `nil` in a flow means "since the previous
    /// observation", and for the first observation "since the beginning" (the flow is the
    /// level y(t), as for a curve that starts at 0). Ignored for levels.
    public var periodStart: Double?

    public init(time: Double, value: Double, periodStart: Double? = nil) {
        self.time = time
        self.value = value
        self.periodStart = periodStart
    }
}

/// Additive least squares for a curve: rᵢ = modelᵢ − valueᵢ, where modelᵢ is y(tᵢ) for levels
/// and y(tᵢ) − y(sᵢ) for flows over (sᵢ, tᵢ]. The Jacobian is the curve's exact gradient.
///
/// Evaluation does not allocate: the Jacobian rows are written in place into the solver's
/// column-major matrix.
public struct CurveLeastSquares: LeastSquaresProblem, Sendable {
    public let curve: AdoptionCurve
    public let kind: ObservationKind
    public let observations: [CurveObservation]

    private let times: [Double]
    private let values: [Double]
    /// Period starts for flows; −∞ where the flow covers everything before tᵢ.
    private let starts: [Double]

    public init(curve: AdoptionCurve, observations: [CurveObservation], kind: ObservationKind) {
        self.curve = curve
        self.kind = kind
        self.observations = observations
        times = observations.map(\.time)
        values = observations.map(\.value)
        var starts = [Double](repeating: -.infinity, count: observations.count)
        if kind == .flow {
            for (i, o) in observations.enumerated() {
                if let s = o.periodStart {
                    starts[i] = s
                } else if i > 0 {
                    starts[i] = observations[i - 1].time
                }
            }
        }
        self.starts = starts
    }

    public var residualCount: Int { times.count }
    public var parameterCount: Int { curve.parameterCount }

    public func residuals(at θ: [Double], into r: inout [Double]) -> Bool {
        var finite = true
        for i in 0..<times.count {
            var model = curve.level(at: times[i], θ)
            if kind == .flow, starts[i] > -.infinity {
                model -= curve.level(at: starts[i], θ)
            }
            let ri = model - values[i]
            r[i] = ri
            if !ri.isFinite { finite = false }
        }
        return finite
    }

    public func jacobian(at θ: [Double], into J: inout Matrix) -> Bool {
        let n = curve.parameterCount
        var gradient = [Double](repeating: 0, count: n)
        var startGradient = [Double](repeating: 0, count: n)
        var finite = true
        for i in 0..<times.count {
            _ = curve.level(at: times[i], θ, gradient: &gradient)
            if kind == .flow, starts[i] > -.infinity {
                _ = curve.level(at: starts[i], θ, gradient: &startGradient)
                for j in 0..<n { gradient[j] -= startGradient[j] }
            }
            for j in 0..<n {
                J[i, j] = gradient[j]
                if !gradient[j].isFinite { finite = false }
            }
        }
        return finite
    }
}
