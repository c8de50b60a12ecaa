import Foundation
import Fitting
import LinearAlgebra

/// Draws a family's parameters for a batch of paths from the Laplace/covariance
/// approximation of its fit (DESIGN.md, "Monte Carlo"): φ = φ̂ + s·w·L·z in the
/// unconstrained space, z ~ N(0, I), L·Lᵀ = Σ_φ, mapped to θ by the fit's transforms (so a
/// ceiling stays positive, a ranged ceiling stays in its range), s =
/// ``UncertaintyCalibration/parameterScale``. w = √(ν/χ²_ν), one per path, makes the draw a
/// multivariate t with ν degrees of freedom (``UncertaintyCalibration``: ν =
/// min(``UncertaintyCalibration/parameterDegreesOfFreedom``, n − k) when the fit estimated
/// σ; χ²_ν truncated below its 2 % quantile, ``mixingTruncation``); w = 1 (Gaussian) when
/// no ν is given.
///
/// - Identified parameters (finite rows of Σ_φ) are drawn jointly: for a batch of B paths
///   the normals form Z (B × k), and Φ = s·Z·Fᵀ is one BLAS `dgemm`, F the
///   ``CovarianceFactor`` of Σ_φ over the identified block. Z always has
///   ``PathSimulator/batchSize`` rows (rows of paths that follow another family are zero),
///   so the product has the same shape in every batch and each path's row the same place:
///   the result of path p cannot depend on which other paths share its batch.
/// - Identified parameters (finite diagonal of Σ_φ) are drawn jointly from the identified
///   block of Σ_φ. A parameter the data cannot identify (NaN row and column of Σ_φ) never
///   freezes the others: it is left out of the block, not the block out of the draw.
/// - Unidentified parameters are drawn from their prior, independently of the rest: the
///   scenario's (ceiling range or prior, growth-rate or inflection prior) or, where the
///   scenario gives none, ``DefaultPriors`` (reported as an assumption). The family is never
///   run at its point estimate because one of its parameters is unidentified.
/// - When the data leave some parameter to a prior (few observations) and the family has an
///   inflection date, each path's inflection is re-solved so that its curve passes through
///   the fitted level at the last observation (``DataAnchor``): the prior draws then move
///   the curve's *shape* — ceiling, pace — around what was observed, instead of producing
///   curves that never pass near the data (a pace from the prior with an inflection from
///   the fit; with one observation the data identify only the level at its date).
/// - For a cumulative level, a drawn ceiling (Bass: market) below the last observation is
///   raised to it (`ceilingFloor`): a count cannot saturate below what has been counted.
/// - Fixed parameters stay at their given value.
///
/// Random draws: φ position k uses normal slot `parameterNormals + k`, w the uniform slot
/// `parameterScaleMixture`, and a prior draw `priorNormals + k` / `priorUniforms + k`
/// (``RandomDrawLayout``).
final class ParameterSampler: Sendable {
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
    /// ν of the t scale mixture; nil: Gaussian draws.
    let degreesOfFreedom: Double?
    /// χ²_ν's quantile by table when ν is one the sampler uses (``ChiSquareQuantileTable``).
    let mixingTable: ChiSquareQuantileTable?
    /// What the draws assume (ForecastResult.assumptions).
    let notes: [ModelAssumption]
    /// The lowest ceiling a path may draw (the last observation of a cumulative level), with
    /// the natural index of the ceiling; nil when the family has none or the series is a flow.
    let ceilingFloor: (index: Int, value: Double)?
    let anchor: DataAnchor?
    /// Per identified parameter (F's rows): it rests on its prior (the data say little).
    let restsOnPrior: [Bool]

    init(fit: AdoptionFit, series: AdoptionSeries, parameterScale: Double, degreesOfFreedom: Double? = nil) throws {
        estimates = fit.estimates
        unconstrainedEstimates = fit.unconstrainedEstimates
        freeIndices = fit.freeIndices
        transforms = fit.transforms
        scale = parameterScale
        let k = fit.freeIndices.count
        self.degreesOfFreedom = degreesOfFreedom.map { nu in
            let residualDegrees = Double(fit.observationCount - fit.freeParameterCount)
            return fit.noiseSource == .estimated && residualDegrees > 0 ? min(nu, residualDegrees) : nu
        }
        mixingTable = self.degreesOfFreedom.flatMap {
            ChiSquareQuantileTable.shared(degreesOfFreedom: $0, from: Self.mixingTruncation)
        }
        precondition(k <= RandomDrawLayout.maximumParameters, "at most \(RandomDrawLayout.maximumParameters) free parameters")
        let sigma = fit.unconstrainedCovariance
        var identified: [Int] = []
        var unidentified: [Int] = []
        for a in 0..<k {
            if sigma[a, a].isFinite && sigma[a, a] >= 0 { identified.append(a) } else { unidentified.append(a) }
        }
        self.identified = identified
        restsOnPrior = identified.map { fit.sources[fit.freeIndices[$0]] == .prior }
        var block = Matrix(rows: identified.count, columns: identified.count)
        for (j, b) in identified.enumerated() {
            for (i, a) in identified.enumerated() { block[i, j] = sigma[a, b] }
        }
        let decomposition = try CovarianceFactor(block)
        factor = decomposition.factor
        factorMethod = decomposition.method

        var notes: [ModelAssumption] = []
        let family = fit.family
        switch decomposition.method {
        case .cholesky: break
        case let .jitter(relative): notes.append(.covarianceJittered(family: family, relative: relative))
        case let .eigenvalueClipped(negativeCount): notes.append(.covarianceClipped(family: family, negativeEigenvalues: negativeCount))
        }
        var priorDraws: [(Int, PriorDistribution)] = []
        for position in unidentified {
            let index = fit.freeIndices[position]
            let name = fit.parameterNames[index]
            if let prior = Self.prior(for: name, series) {
                priorDraws.append((position, prior))
                notes.append(.parameterFromScenarioPrior(family: family, parameter: name, prior: prior))
            } else {
                let prior = DefaultPriors.prior(for: name, family: fit.family, series: series)
                priorDraws.append((position, prior))
                notes.append(.parameterFromDefaultPrior(family: family, parameter: name, prior: prior))
            }
        }
        self.priorDraws = priorDraws
        if let last = series.observations.last, series.kind == .level, fit.sources.contains(.prior),
           let timing = fit.parameterNames.firstIndex(of: "inflection"), fit.freeIndices.contains(timing) {
            anchor = DataAnchor(curve: fit.curve, time: last.time, level: fit.curve.level(at: last.time, fit.estimates),
                                timingIndex: timing, rateIndex: fit.parameterNames.firstIndex(of: "growth_rate") ?? 1,
                                scale: NaturalScale.of(series), sigma: fit.sigma * parameterScale)
        } else {
            anchor = nil
        }
        if series.kind == .level, let last = series.observations.last?.value, VariantLeverPlan.hasCeiling(fit.family) {
            ceilingFloor = (0, last)
        } else {
            ceilingFloor = nil
        }
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

    /// χ²_ν is drawn from its distribution above its 2 % quantile (so w ≤ 3.05 for ν = 4).
    /// The backtests validate the bands up to 90 %; the far tail of the t beyond that is not
    /// validated by anything, and left whole it turns the near-certain verdicts of a tight fit
    /// into 0.998 (FeasibilityTests). 2 % is the smallest truncation that keeps them certain at
    /// 2,000 paths; it moves the backtest coverage by under 1 point.
    static let mixingTruncation = 0.02

    /// w = √(ν/χ²_ν) of the path, χ²_ν by inversion of one uniform (by table for the ν the
    /// sampler uses, ``ChiSquareQuantileTable``; truncated, see
    /// ``mixingTruncation``); 1 without ν.
    @inline(__always)
    func mixingScale(_ stream: CounterBasedRandomStream) -> Double {
        guard let nu = degreesOfFreedom, !identified.isEmpty else { return 1 }
        // 0.02 + 0.98·U can round up to 1 for the largest uniforms: read it as 1 − 2⁻⁵³.
        let u = min(Self.mixingTruncation + (1 - Self.mixingTruncation) * stream.uniform(RandomDrawLayout.parameterScaleMixture),
                    1 - 0x1p-53)
        return (nu / (mixingTable?.quantile(u) ?? ChiSquare.quantile(u, degreesOfFreedom: nu))).squareRoot()
    }

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
        let w = mixingScale(stream)
        for (j, position) in identified.enumerated() {
            let index = freeIndices[position]
            // A parameter that rests on its prior is drawn as the prior says: the calibration
            // (scale s, t mixing) widens estimates, not what the planner stated.
            let spread = restsOnPrior[j] ? (scale > 0 ? phi[row, j] / scale : 0) : w * phi[row, j]
            theta[index] = transforms[index].constrained(unconstrainedEstimates[position] + spread)
        }
        for (position, prior) in priorDraws {
            let index = freeIndices[position]
            let value = prior.draw(normal: stream.normal(RandomDrawLayout.priorNormals + position),
                                   uniform: stream.uniform(RandomDrawLayout.priorUniforms + position))
            // Through φ and back: a normal prior on a positive parameter cannot give θ ≤ 0.
            let transform = transforms[index]
            theta[index] = transform.constrained(transform.unconstrained(value))
        }
        if let (index, floor) = ceilingFloor, theta[index] < floor { theta[index] = floor }
        anchor?.solve(&theta, normal: stream.normal(RandomDrawLayout.anchorNormal))
    }

    /// The parameters that paths 0..<count of `seed` draw when they follow this family, one
    /// row each: the same batches, dgemm and streams as ``PathSimulator`` (fit.csv's
    /// intervals are those of the paths, not of a separate approximation).
    func draws(seed: UInt64, count: Int) throws -> [[Double]] {
        let size = PathSimulator.batchSize
        var z = Matrix(rows: size, columns: identified.count)
        var phi = Matrix(rows: size, columns: identified.count)
        var theta = estimates
        var rows: [[Double]] = []
        rows.reserveCapacity(count)
        var start = 0
        while start < count {
            let n = min(size, count - start)
            for i in 0..<n { fillNormals(CounterBasedRandomStream(seed: seed, path: start + i), row: i, into: &z) }
            try correlate(z, into: &phi)
            for i in 0..<n {
                naturalParameters(row: i, of: phi, CounterBasedRandomStream(seed: seed, path: start + i), into: &theta)
                rows.append(theta)
            }
            start += n
        }
        return rows
    }
}

extension RandomDrawLayout {
    /// The uniform behind w = √(ν/χ²_ν), the path's multivariate-t scale (``ParameterSampler``):
    /// the one free slot between the lever uniforms (28–30) and the residual innovations (32…).
    static let parameterScaleMixture = 31
}
