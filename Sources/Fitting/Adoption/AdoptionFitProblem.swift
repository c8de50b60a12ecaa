import Foundation
import LinearAlgebra

/// How one natural parameter of a curve enters a fit: fixed, or free through a transform,
/// optionally with a prior.
public struct ParameterSpecification: Sendable, Equatable {
    /// A known value (e.g. a fixed ceiling of 542 traders): not estimated.
    public var fixedValue: Double?
    public var transform: ParameterTransform
    public var prior: PriorDistribution?

    public init(fixedValue: Double? = nil, transform: ParameterTransform = .identity, prior: PriorDistribution? = nil) {
        self.fixedValue = fixedValue
        self.transform = transform
        self.prior = prior
    }

    public static func fixed(_ value: Double) -> ParameterSpecification {
        ParameterSpecification(fixedValue: value)
    }
}

/// The MAP objective of an adoption-curve fit as a least-squares problem in the
/// unconstrained parameters φ of the free parameters:
///
///   ½‖r(φ)‖² = ½ Σᵢ ((gᵢ(fᵢ(θ(φ))) − gᵢ(yᵢ)) / σ)² + ½ Σₖ ρₖ(φₖ)²
///
/// with fᵢ the (launch-anchored) curve's level at tᵢ (or its increase over the period, for
/// flows), gᵢ the
/// observation's ``ErrorModel``, σ the noise scale on the error scale, and ρₖ the prior rows
/// of ``PriorDistribution``. With σ fixed this is −log posterior + const, so the
/// Levenberg–Marquardt minimum is the MAP estimate and JᵀJ at it is the Laplace
/// precision (Gauss–Newton form).
public struct AdoptionFitProblem: LeastSquaresProblem, Sendable {
    public let curve: LaunchAnchoredCurve
    public let observations: [CurveObservation]
    public let kind: ObservationKind
    public let errorModels: [ErrorModel]
    public let specifications: [ParameterSpecification]
    /// Noise scale on the error scale; data rows are divided by it.
    public let sigma: Double
    /// Natural index of each free parameter, in the order of φ.
    public let freeIndices: [Int]
    /// Natural index of each parameter that carries a prior (free ones only).
    private let priorIndices: [Int]
    private let observedTransformed: [Double]

    public init(curve: LaunchAnchoredCurve, observations: [CurveObservation], kind: ObservationKind,
                errorModels: [ErrorModel], specifications: [ParameterSpecification], sigma: Double) {
        precondition(errorModels.count == observations.count, "one error model per observation")
        precondition(specifications.count == curve.parameterCount, "one specification per parameter")
        self.curve = curve
        self.observations = observations
        self.kind = kind
        self.errorModels = errorModels
        self.specifications = specifications
        self.sigma = sigma
        freeIndices = specifications.indices.filter { specifications[$0].fixedValue == nil }
        priorIndices = freeIndices.filter { specifications[$0].prior != nil }
        observedTransformed = zip(observations, errorModels).map { $1.transform($0.value) }
    }

    /// Observations plus prior rows, padded with zero rows up to the parameter count: when
    /// sparse data leave a direction free, the solver still runs (the padding changes
    /// neither the objective nor JᵀJ) and the covariance reports the direction as
    /// unidentified instead of the fit failing.
    public var residualCount: Int { max(observations.count + priorIndices.count, freeIndices.count) }
    public var parameterCount: Int { freeIndices.count }
    public var observationCount: Int { observations.count }
    public var priorCount: Int { priorIndices.count }

    /// θ (all natural parameters, fixed ones included) from φ.
    public func naturalParameters(_ phi: [Double]) -> [Double] {
        var theta = specifications.map { $0.fixedValue ?? 0 }
        for (k, index) in freeIndices.enumerated() {
            theta[index] = specifications[index].transform.constrained(phi[k])
        }
        return theta
    }

    /// φ from θ (the free entries of θ).
    public func unconstrainedParameters(_ theta: [Double]) -> [Double] {
        freeIndices.map { specifications[$0].transform.unconstrained(theta[$0]) }
    }

    /// The modelled value of observation i at θ: the level, or for a flow its increase since
    /// `periodStart` (or since the previous observation).
    public func modelValue(_ i: Int, _ theta: [Double]) -> Double {
        let t = observations[i].time
        let level = curve.level(at: t, theta)
        guard kind == .flow else { return level }
        guard let start = periodStart(i) else { return level }
        return level - curve.level(at: start, theta)
    }

    private func periodStart(_ i: Int) -> Double? {
        observations[i].periodStart ?? (i > 0 ? observations[i - 1].time : nil)
    }

    /// The data part of the residual without the 1/σ, eᵢ = g(fᵢ) − g(yᵢ), at θ.
    public func errors(_ theta: [Double]) -> [Double] {
        (0..<observations.count).map { errorModels[$0].transform(modelValue($0, theta)) - observedTransformed[$0] }
    }

    public func residuals(at phi: [Double], into r: inout [Double]) -> Bool {
        let theta = naturalParameters(phi)
        let inverseSigma = 1 / sigma
        for i in 0..<observations.count {
            r[i] = (errorModels[i].transform(modelValue(i, theta)) - observedTransformed[i]) * inverseSigma
        }
        for (row, index) in priorIndices.enumerated() {
            let k = freeIndices.firstIndex(of: index)!
            r[observations.count + row] = specifications[index].prior!.residual(phi[k], transform: specifications[index].transform).value
        }
        for row in (observations.count + priorIndices.count)..<residualCount { r[row] = 0 }
        return r.allSatisfy(\.isFinite)
    }

    public func jacobian(at phi: [Double], into jacobian: inout Matrix) -> Bool {
        let theta = naturalParameters(phi)
        let inverseSigma = 1 / sigma
        var gradient = [Double](repeating: 0, count: curve.parameterCount)
        var startGradient = [Double](repeating: 0, count: curve.parameterCount)
        var scratch = [Double](repeating: 0, count: curve.parameterCount)
        let chain = freeIndices.enumerated().map { specifications[$1].transform.derivative(phi[$0]) }
        for i in 0..<observations.count {
            var value = curve.level(at: observations[i].time, theta, gradient: &gradient, scratch: &scratch)
            if kind == .flow, let start = periodStart(i) {
                value -= curve.level(at: start, theta, gradient: &startGradient, scratch: &scratch)
                for j in gradient.indices { gradient[j] -= startGradient[j] }
            }
            let scale = errorModels[i].derivative(value) * inverseSigma
            for (k, index) in freeIndices.enumerated() {
                jacobian[i, k] = scale * gradient[index] * chain[k]
            }
        }
        for (row, index) in priorIndices.enumerated() {
            let k = freeIndices.firstIndex(of: index)!
            for column in 0..<freeIndices.count { jacobian[observations.count + row, column] = 0 }
            jacobian[observations.count + row, k] = specifications[index].prior!.residual(phi[k], transform: specifications[index].transform).derivative
        }
        for row in (observations.count + priorIndices.count)..<residualCount {
            for column in 0..<freeIndices.count { jacobian[row, column] = 0 }
        }
        return jacobian.elements.allSatisfy(\.isFinite)
    }
}
