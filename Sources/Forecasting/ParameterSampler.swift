import Foundation
import Fitting
import LinearAlgebra

/// Draws a family's parameters for a batch of paths from the Laplace/covariance
/// approximation of its fit (DESIGN.md, "Monte Carlo"): φ ~ N(φ̂, s²·Σ_φ) in the
/// unconstrained space, mapped to θ by the fit's transforms (so a ceiling stays positive,
/// a ranged ceiling stays in its range), s = ``UncertaintyCalibration/parameterScale``.
///
/// - Identified parameters (finite rows of Σ_φ) are drawn jointly: for a batch of B paths
///   the normals form Z (B × k), and Φ = s·Z·Fᵀ is one BLAS `dgemm`, F the
///   ``CovarianceFactor`` of Σ_φ over the identified block. Z always has
///   ``PathSimulator/batchSize`` rows (rows of paths that follow another family are zero),
///   so the product has the same shape in every batch and each path's row the same place:
///   the result of path p cannot depend on which other paths share its batch.
/// - Unidentified parameters (NaN rows of Σ_φ: the data say nothing about them) are drawn
///   from their prior when the scenario gave one (ceiling range or prior, growth-rate or
///   inflection prior), independently of the rest; without a prior they stay at the
///   estimate, and the forecast says so in its assumptions.
/// - Fixed parameters stay at their given value.
///
/// Random draws: φ position k uses normal slot `parameterNormals + k`, and for a prior
/// draw `priorNormals + k` / `priorUniforms + k` (``RandomDrawLayout``).
struct ParameterSampler: Sendable {
    let estimates: [Double]
    let unconstrainedEstimates: [Double]
    let freeIndices: [Int]
    let transforms: [ParameterTransform]
    /// Positions in φ of the identified parameters, in the order of F's rows.
    let identified: [Int]
    let factor: Matrix
    let factorMethod: CovarianceFactor.Method
    /// Unidentified parameters with a prior: φ position and prior.
    let priorDraws: [(position: Int, prior: PriorDistribution)]
    let scale: Double
    /// Plain-language notes for ForecastResult.assumptions.
    let notes: [String]

    init(fit: AdoptionFit, series: AdoptionSeries, parameterScale: Double) throws {
        estimates = fit.estimates
        unconstrainedEstimates = fit.unconstrainedEstimates
        freeIndices = fit.freeIndices
        transforms = fit.transforms
        scale = parameterScale
        let k = fit.freeIndices.count
        precondition(k <= RandomDrawLayout.maximumParameters, "at most \(RandomDrawLayout.maximumParameters) free parameters")
        let sigma = fit.unconstrainedCovariance
        var identified: [Int] = []
        var unidentified: [Int] = []
        for a in 0..<k {
            var finite = sigma[a, a] >= 0
            for b in 0..<k where !sigma[a, b].isFinite { finite = false }
            if finite { identified.append(a) } else { unidentified.append(a) }
        }
        self.identified = identified
        var block = Matrix(rows: identified.count, columns: identified.count)
        for (j, b) in identified.enumerated() {
            for (i, a) in identified.enumerated() { block[i, j] = sigma[a, b] }
        }
        let decomposition = try CovarianceFactor(block)
        factor = decomposition.factor
        factorMethod = decomposition.method

        var notes: [String] = []
        let family = fit.family.rawValue
        switch decomposition.method {
        case .cholesky: break
        case let .jitter(relative):
            notes.append("\(family): the parameter covariance was not numerically positive definite; "
                + "draws add \(relative) × its mean variance to the diagonal")
        case let .eigenvalueClipped(negativeCount):
            notes.append("\(family): the parameter covariance was not positive semidefinite (\(negativeCount) negative "
                + "eigenvalue\(negativeCount == 1 ? "" : "s")); draws use the nearest positive semidefinite matrix")
        }
        var priorDraws: [(Int, PriorDistribution)] = []
        for position in unidentified {
            let index = fit.freeIndices[position]
            let name = fit.parameterNames[index]
            if let prior = Self.prior(for: name, series) {
                priorDraws.append((position, prior))
                notes.append("\(family): the data do not identify \(name); paths draw it from its prior \(prior)")
            } else {
                notes.append(String(format: "%@: the data do not identify %@ and there is no prior for it; every path uses "
                    + "the fitted value %.6g (give a prior or a fixed value to let it vary)", family, name, fit.estimates[index]))
            }
        }
        self.priorDraws = priorDraws
        self.notes = notes
    }

    /// The scenario's prior for a natural parameter, if any.
    static func prior(for name: String, _ series: AdoptionSeries) -> PriorDistribution? {
        switch name {
        case "ceiling", "market":
            switch series.ceiling {
            case let .range(lo, hi): return .uniform(lower: lo, upper: hi)
            case let .prior(prior): return prior
            case .estimated, .fixed: return nil
            }
        case "growth_rate": return series.growthRatePrior
        case "inflection": return series.inflectionPrior
        default: return nil
        }
    }

    var identifiedCount: Int { identified.count }

    /// Writes the normals of path `stream` into row `row` of Z (B × identifiedCount).
    @inline(__always)
    func fillNormals(_ stream: CounterBasedRandomStream, row: Int, into z: inout Matrix) {
        for (j, position) in identified.enumerated() {
            z[row, j] = stream.normal(RandomDrawLayout.parameterNormals + position)
        }
    }

    /// Φ ← s·Z·Fᵀ for the whole batch (one dgemm).
    func correlate(_ z: Matrix, into phi: inout Matrix) throws {
        guard !identified.isEmpty else { return }
        try BLAS.gemm(z, factor, transposeB: .transpose, alpha: scale, into: &phi)
    }

    /// θ of the path in row `row` of Φ, into `theta` (natural parameters, fixed included).
    @inline(__always)
    func naturalParameters(row: Int, of phi: Matrix, _ stream: CounterBasedRandomStream, into theta: inout [Double]) {
        for i in 0..<estimates.count { theta[i] = estimates[i] }
        for (j, position) in identified.enumerated() {
            let index = freeIndices[position]
            theta[index] = transforms[index].constrained(unconstrainedEstimates[position] + phi[row, j])
        }
        for (position, prior) in priorDraws {
            let index = freeIndices[position]
            let value = prior.draw(normal: stream.normal(RandomDrawLayout.priorNormals + position),
                                   uniform: stream.uniform(RandomDrawLayout.priorUniforms + position))
            // Through φ and back: a normal prior on a positive parameter cannot give θ ≤ 0.
            let transform = transforms[index]
            theta[index] = transform.constrained(transform.unconstrained(value))
        }
    }
}
