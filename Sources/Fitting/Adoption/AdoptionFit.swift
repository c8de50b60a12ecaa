import Foundation
import LinearAlgebra

/// Where the noise scale σ of a fit came from.
public enum NoiseSource: String, Sendable {
    /// σ̂ = √(Σeᵢ²/(n − k)) from the residuals (n − k ≥ 3).
    case estimated
    /// Too few observations to estimate σ (n − k < 3): the median of the noise prior,
    /// reported as an assumption.
    case assumed
}

/// One curve family fitted to one series: everything the Monte Carlo layer and the reports
/// need. Estimates and covariance live in the unconstrained space φ of the free
/// parameters; ``transforms`` map them to the natural parameters θ people read.
public struct AdoptionFit: Sendable {
    public let family: CurveFamily
    /// The fitted model: the family's curve, anchored at the launch date if one was given.
    public let curve: LaunchAnchoredCurve
    /// Natural parameter names, e.g. ["ceiling", "growth_rate", "inflection"].
    public let parameterNames: [String]
    /// θ̂ for every natural parameter (fixed ones at their given value).
    public let estimates: [Double]
    /// Natural indices of the free parameters, in the order of φ.
    public let freeIndices: [Int]
    /// One transform per natural parameter (fixed ones: identity, unused).
    public let transforms: [ParameterTransform]
    /// φ̂, the MAP estimate in the unconstrained space.
    public let unconstrainedEstimates: [Double]
    /// Cov(φ) by the Laplace / Gauss–Newton approximation; k × k over the free parameters.
    public let unconstrainedCovariance: Matrix
    /// Standard errors of θ by the delta method, |dθ/dφ|·sd(φ); 0 for fixed parameters,
    /// NaN where unidentified.
    public let standardErrors: [Double]
    /// 95 % intervals of θ: φ̂ ± q·sd(φ) mapped through the transform (asymmetric for
    /// positive parameters); q is Student's t with n − k degrees of freedom when σ is
    /// estimated, the normal quantile otherwise.
    public let intervals: [(low: Double, high: Double)]
    /// Residuals on the error scale, g(model) − g(observed), one per observation
    /// (the launch pseudo-observation included, last).
    public let residuals: [Double]
    public let errorModels: [ErrorModel]
    /// σ on the error scale.
    public let sigma: Double
    public let noiseSource: NoiseSource
    /// Number of observations (with the launch pseudo-observation) and free parameters.
    public let observationCount: Int
    public let freeParameterCount: Int
    /// Σeᵢ² on the error scale.
    public let rss: Double
    /// AICc = n·log(RSS/n) + 2k + 2k(k+1)/(n − k − 1) (Hurvich & Tsai 1989) from the data
    /// residuals when n ≥ k + 2 (with or without priors); nil otherwise. k counts the curve's free
    /// parameters; σ, common to every family, is not counted.
    public let aicc: Double?
    /// Laplace approximation of log p(data) (Tierney & Kadane 1986) when priors are in play.
    public let logEvidence: Double?
    public let termination: Termination
    public let iterations: Int
    /// Plain-language notes: unidentified parameters and what would fix them, assumptions.
    public let diagnostics: [String]
    /// Per natural parameter: where its uncertainty comes from (data, prior, both, fixed).
    public let sources: [ParameterSource]

    public var converged: Bool { termination.isConverged }

    /// Natural parameter values from a point φ of the unconstrained space (e.g. a Monte
    /// Carlo draw), fixed parameters included.
    public func naturalParameters(fromUnconstrained phi: [Double]) -> [Double] {
        var theta = estimates
        for (k, index) in freeIndices.enumerated() { theta[index] = transforms[index].constrained(phi[k]) }
        return theta
    }

    /// The fitted level at time t (decimal years) for natural parameters θ.
    public func level(at t: Double, _ theta: [Double]) -> Double {
        curve.level(at: t, theta)
    }

    public func estimate(_ name: String) -> Double? {
        parameterNames.firstIndex(of: name).map { estimates[$0] }
    }

    public func interval(_ name: String) -> (low: Double, high: Double)? {
        parameterNames.firstIndex(of: name).map { intervals[$0] }
    }
}
