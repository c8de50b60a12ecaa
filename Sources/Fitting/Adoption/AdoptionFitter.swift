import Foundation
import LinearAlgebra

/// Fits adoption-curve families to a series by MAP Levenberg–Marquardt in the
/// unconstrained space, with automatic starting values and a small multi-start.
///
/// ```swift
/// let series = AdoptionSeries(observations: obs, errorModels: obs.map { _ in .log },
///                             launch: 2022.25, ceiling: .range(min: 400, max: 542))
/// let fit = try AdoptionFitter().fit(.logistic, to: series)
/// print(fit.estimates, fit.intervals, fit.diagnostics)
/// ```
///
/// Noise: with priors in play σ scales the data rows against the prior rows. When n − k ≥ 3
/// it is re-estimated from the residuals and the fit repeated until σ settles (at most 6
/// rounds); otherwise it is the noise prior's median and the fit says so.
public struct AdoptionFitter: Sendable {
    public var solver: LevenbergMarquardt

    /// The default solver: `uptake fit`'s, plus an absolute stop at ‖r‖ ≤ 10⁻⁴. Rows are
    /// whitened and ½‖r‖² is −log posterior up to a constant, bounded below by 0, so at
    /// ‖r‖ ≤ 10⁻⁴ the log posterior is within 5·10⁻⁹ of anything a further step could
    /// reach: an exact fit. Sparse data often fit exactly along a whole valley (a growth
    /// rate that only needs to be "large enough"); this stops there instead of wandering.
    public init(solver: LevenbergMarquardt? = nil) {
        var options = LevenbergMarquardt.Options()
        options.absoluteResidualTolerance = 1e-4
        self.solver = solver ?? LevenbergMarquardt(options: options)
    }

    /// Fits one family. Throws ``AdoptionFitFailure`` when the family cannot be fitted
    /// (no start converges, or the inputs do not define it).
    public func fit(_ family: CurveFamily, to series: AdoptionSeries) throws -> AdoptionFit {
        if family == .localTrend { return try LocalTrend.fit(series) }
        let (curve, observations, errorModels) = try setUp(family, series)
        let specifications = try parameterSpecifications(curve, series)
        let freeCount = specifications.filter { $0.fixedValue == nil }.count
        let n = observations.count
        let canEstimateNoise = n - freeCount >= 3
        let priorNoise = series.noisePrior.center
        var sigma = canEstimateNoise && !series.hasPriors ? 1.0 : priorNoise

        var best: (fit: LeastSquaresFit, problem: AdoptionFitProblem)?
        for round in 0..<6 {
            let problem = AdoptionFitProblem(curve: curve, observations: observations, kind: series.kind,
                                             errorModels: errorModels, specifications: specifications, sigma: sigma)
            var starts = startingPoints(curve, observations: observations, series: series)
                .map { problem.unconstrainedParameters($0) }
            if let previous = best { starts.insert(previous.fit.parameters, at: 0) }
            var roundBest: LeastSquaresFit?
            for start in starts where start.allSatisfy(\.isFinite) {
                guard let candidate = try? solver.minimize(problem, from: start), candidate.converged else { continue }
                if roundBest == nil || candidate.rss < roundBest!.rss { roundBest = candidate }
                if round > 0 { break }   // later rounds start from the previous optimum
            }
            guard let found = roundBest else { break }
            best = (found, problem)
            guard canEstimateNoise && series.hasPriors else { break }
            let errors = problem.errors(problem.naturalParameters(found.parameters))
            let estimated = (errors.reduce(0) { $0 + $1 * $1 } / Double(n - freeCount)).squareRoot()
            if abs(estimated - sigma) <= 1e-3 * sigma { break }
            sigma = max(estimated, 1e-12)
        }
        guard let (lsFit, problem) = best else {
            throw AdoptionFitFailure(family: family, reason: "no starting point converged")
        }
        return try summarise(family, curve, series, problem, lsFit, canEstimateNoise: canEstimateNoise)
    }

    /// Fits every family in `families`, reporting those that cannot be fitted instead of
    /// failing, and weights them (``ModelWeights``).
    public func fitAll(_ families: [CurveFamily], to series: AdoptionSeries) -> (fits: [AdoptionFit], weights: [Double], failures: [AdoptionFitFailure]) {
        var fits: [AdoptionFit] = []
        var failures: [AdoptionFitFailure] = []
        for family in families {
            do { fits.append(try fit(family, to: series)) } catch let failure as AdoptionFitFailure {
                failures.append(failure)
            } catch {
                failures.append(AdoptionFitFailure(family: family, reason: "\(error)"))
            }
        }
        return (fits, ModelWeights.weights(for: fits), failures)
    }

    // MARK: - Set-up

    private func setUp(_ family: CurveFamily, _ series: AdoptionSeries) throws
        -> (LaunchAnchoredCurve, [CurveObservation], [ErrorModel]) {
        if series.observations.isEmpty {
            // A target with no baseline yet: a prior-only forecast (DESIGN.md).
            var missing: [String] = []
            if series.launch == nil { missing.append("a launch date") }
            if series.ceiling == .estimated { missing.append("a ceiling") }
            if series.growthRatePrior == nil { missing.append("a growth_rate prior") }
            if !missing.isEmpty {
                throw AdoptionFitFailure(family: family, reason: "no observations: a forecast from priors alone needs a launch date, "
                    + "a ceiling and a growth_rate prior; missing \(missing.joined(separator: ", "))")
            }
        }
        if family == .bass && series.launch == nil {
            throw AdoptionFitFailure(family: family, reason: "the Bass model needs a launch date")
        }
        if let launch = series.launch, let first = series.observations.first, first.time < launch {
            throw AdoptionFitFailure(family: family, reason: "an observation precedes the launch date")
        }
        let reference = series.observations.last?.time ?? series.launch ?? 0
        let curve = AdoptionCurve(family, launch: family == .bass ? series.launch : nil, referenceTime: reference)
        return (LaunchAnchoredCurve(curve, launch: series.launch), series.observations, series.errorModels)
    }

    /// With no observations and no inflection prior, the inflection is assumed at
    /// launch + 2/r̃ (r̃ the growth prior's median), sd 2/r̃ years: the curve starts slowly
    /// (the anchored logistic is at 12 % of its ceiling by one growth time after launch).
    static func assumedInflectionPrior(_ series: AdoptionSeries) -> PriorDistribution? {
        guard series.observations.isEmpty, series.inflectionPrior == nil,
              let launch = series.launch, let growth = series.growthRatePrior?.center, growth > 0 else { return nil }
        return .normal(mean: launch + 2 / growth, sd: 2 / growth)
    }

    private func parameterSpecifications(_ curve: LaunchAnchoredCurve, _ series: AdoptionSeries) throws -> [ParameterSpecification] {
        curve.parameterNames.map { name in
            switch name {
            case "ceiling", "market":
                switch series.ceiling {
                case let .fixed(value): return .fixed(value)
                case let .range(lo, hi):
                    let prior = PriorDistribution.uniform(lower: lo, upper: hi)
                    return ParameterSpecification(transform: prior.transform(naturallyPositive: true), prior: prior)
                case let .prior(prior):
                    return ParameterSpecification(transform: prior.transform(naturallyPositive: true), prior: prior)
                case .estimated:
                    if let bound = series.shareBound {
                        return ParameterSpecification(transform: .interval(lower: 0, upper: bound))
                    }
                    return ParameterSpecification(transform: .positive)
                }
            case "growth_rate" where curve.family != .exponential:
                let prior = series.growthRatePrior
                return ParameterSpecification(transform: prior?.transform(naturallyPositive: true) ?? .positive, prior: prior)
            case "growth_rate":
                return ParameterSpecification(transform: .identity, prior: series.growthRatePrior.flatMap {
                    if case .normal = $0 { return $0 } else { return nil }
                })
            case "inflection":
                return ParameterSpecification(transform: .identity, prior: series.inflectionPrior ?? Self.assumedInflectionPrior(series))
            case "shape", "innovation", "imitation", "level":
                return ParameterSpecification(transform: .positive)
            default:   // intercept, slope
                return ParameterSpecification(transform: .identity)
            }
        }
    }

    // MARK: - Starting values

    /// Candidate θ's from linearisations of the curve, over a few ceilings.
    func startingPoints(_ anchored: LaunchAnchoredCurve, observations: [CurveObservation], series: AdoptionSeries) -> [[Double]] {
        let curve = anchored.curve
        let points = observations.filter { $0.value.isFinite }
        let times = points.map(\.time)
        let values = points.map(\.value)
        let maxValue = values.max() ?? 0
        let growthGuess = series.growthRatePrior?.center ?? 0.5
        let reference = curve.referenceTime

        var ceilings: [Double]
        switch series.ceiling {
        case let .fixed(value): ceilings = [value]
        case let .range(lo, hi): ceilings = [(lo + hi) / 2, lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo)]
        case let .prior(prior): ceilings = [prior.center]
        case .estimated:
            ceilings = maxValue > 0 ? [1.25 * maxValue, 2 * maxValue, 5 * maxValue] : [1]
            if let bound = series.shareBound { ceilings = ceilings.map { min($0, 0.999 * bound) } }
        }

        switch curve.family {
        case .logistic, .gompertz, .richards:
            var starts: [[Double]] = []
            for k in ceilings {
                // z = r(t − t0) linearises the curve: logit(y/K) or −log(−log(y/K)).
                let usable = zip(times, values).filter { $0.1 > 0 && $0.1 < k }
                let z = usable.map { pair -> Double in
                    let u = pair.1 / k
                    return curve.family == .gompertz ? -log(-log(u)) : log(u / (1 - u))
                }
                var r = growthGuess, t0: Double
                if usable.count >= 2, let line = Self.leastSquaresLine(usable.map(\.0), z), line.slope > 0 {
                    r = line.slope
                    t0 = line.meanX - line.meanY / r
                } else if let first = usable.first, let z0 = z.first {
                    t0 = first.0 - z0 / r
                } else {
                    t0 = series.inflectionPrior?.center ?? (series.launch.map { $0 + 2 / r } ?? reference)
                }
                if let prior = series.inflectionPrior, usable.count < 2 { t0 = prior.center }
                // Anchored at launch, a curve with its inflection after the launch rises from 0.
                if let launch = series.launch, usable.count < 2 { t0 = max(t0, launch + 1 / r) }
                starts.append(curve.family == .richards ? [k, r, t0, 1] : [k, r, t0])
            }
            return starts
        case .bass:
            let total = max(values.reduce(0, +), 1)
            let markets: [Double]
            switch series.ceiling {
            case .estimated: markets = [1.5 * total, 3 * total]
            default: markets = ceilings
            }
            return markets.flatMap { m in [[m, 0.01, 0.4], [m, 0.03, 0.8]] }
        case .linear:
            if let line = Self.leastSquaresLine(times, values) {
                return [[line.meanY + line.slope * (reference - line.meanX), line.slope]]
            }
            return [[values.first ?? 0, 0]]
        case .exponential:
            let positive = zip(times, values).filter { $0.1 > 0 }
            if let line = Self.leastSquaresLine(positive.map(\.0), positive.map { log($0.1) }) {
                return [[exp(line.meanY + line.slope * (reference - line.meanX)), line.slope]]
            }
            return [[max(values.last ?? 1, 1), growthGuess]]
        case .localTrend:
            return []   // not a least-squares fit (LocalTrend)
        }
    }

    static func leastSquaresLine(_ x: [Double], _ y: [Double]) -> (slope: Double, meanX: Double, meanY: Double)? {
        guard x.count >= 2 else { return nil }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        guard sxx > 0 else { return nil }
        return (sxy / sxx, mx, my)
    }

    // MARK: - Summary

    private func summarise(_ family: CurveFamily, _ curve: LaunchAnchoredCurve, _ series: AdoptionSeries,
                           _ problem: AdoptionFitProblem, _ lsFit: LeastSquaresFit, canEstimateNoise: Bool) throws -> AdoptionFit {
        let n = problem.observationCount
        let k = problem.parameterCount
        let phi = lsFit.parameters
        let theta = problem.naturalParameters(phi)
        let errors = problem.errors(theta)
        let rss = errors.reduce(0) { $0 + $1 * $1 }
        let withPriors = problem.priorCount > 0

        // Without priors the fit is ordinary least squares: Σ = s²(JᵀJ)⁺ with s² from the
        // residuals (or the assumed σ). With priors the rows are whitened by σ already.
        let sigma: Double
        let covariance: ParameterCovariance
        if withPriors {
            sigma = problem.sigma
            covariance = try ParameterCovariance(jacobian: lsFit.jacobian, residualVariance: 1)
        } else if canEstimateNoise {
            sigma = (rss / Double(n - k)).squareRoot()
            covariance = try ParameterCovariance(jacobian: lsFit.jacobian, residualVariance: sigma * sigma)
        } else {
            sigma = series.noisePrior.center
            covariance = try ParameterCovariance(jacobian: lsFit.jacobian, residualVariance: sigma * sigma / (problem.sigma * problem.sigma))
        }
        let quantile = canEstimateNoise
            ? StudentT.quantile(0.975, degreesOfFreedom: Double(n - k))
            : StudentT.normalQuantile(0.975)

        let diagnosis = IdentifiabilityDiagnosis.notes(
            curve: curve, problem: problem, covariance: covariance,
            observationCount: series.observations.count, noiseAssumed: !canEstimateNoise, sigma: sigma)
        var diagnostics = diagnosis.notes
        var sources = [ParameterSource](repeating: .fixed, count: theta.count)
        for (j, index) in problem.freeIndices.enumerated() { sources[index] = diagnosis.sources[j] }
        // A parameter the data do not identify (and no prior constrains) has no usable
        // spread: NaN rows, like a rank-deficient direction, so nobody samples from it.
        var covarianceMatrix = covariance.matrix
        for j in diagnosis.unidentified {
            for i in 0..<k {
                covarianceMatrix[i, j] = .nan
                covarianceMatrix[j, i] = .nan
            }
        }
        var standardErrors = [Double](repeating: 0, count: theta.count)
        var intervals = theta.map { (low: $0, high: $0) }
        let transforms = problem.specifications.map(\.transform)
        for (j, index) in problem.freeIndices.enumerated() {
            let sd = covarianceMatrix[j, j].squareRoot()
            let transform = transforms[index]
            standardErrors[index] = abs(transform.derivative(phi[j])) * sd
            if sd.isFinite {
                let a = transform.constrained(phi[j] - quantile * sd)
                let b = transform.constrained(phi[j] + quantile * sd)
                intervals[index] = (min(a, b), max(a, b))
            } else {
                intervals[index] = (.nan, .nan)
            }
        }

        if case let .normal(mean, sd)? = Self.assumedInflectionPrior(series), curve.parameterNames.contains("inflection") {
            diagnostics.append(String(format: "no observations and no inflection prior: inflection assumed at %.2f ± %.2f years (launch + 2/growth rate)", mean, sd))
        }

        // AICc from the data residuals whenever n ≥ k + 2, priors or not: it is the one criterion
        // a mixed ensemble (sigmoids with a ceiling prior beside trends without) has in common.
        let aicc: Double? = (n >= k + 2 && rss > 0)
            ? Double(n) * log(rss / Double(n)) + 2 * Double(k) + 2 * Double(k * (k + 1)) / Double(n - k - 1)
            : nil
        var logEvidence: Double?
        if withPriors {
            // log p(y) ≈ log p(y|φ̂) + log p(φ̂) + (k/2) log 2π − ½ log det H, H = JᵀJ.
            let halfSquare = lsFit.residuals.reduce(0) { $0 + $1 * $1 } / 2
            var normalisers = -Double(n) * log(sigma * (2 * Double.pi).squareRoot())
            for index in problem.freeIndices {
                guard let prior = problem.specifications[index].prior else { continue }
                switch prior {
                case let .normal(_, sd): normalisers -= log(sd * (2 * Double.pi).squareRoot())
                case let .lognormal(_, sdLog): normalisers -= log(sdLog * (2 * Double.pi).squareRoot())
                case .uniform: normalisers -= log(4.0)
                }
            }
            let logDet = covariance.scaledSingularValues.count == k && covariance.rank == k
                ? -logDeterminant(covariance.matrix) : Double.nan
            logEvidence = -halfSquare + normalisers + Double(k) / 2 * log(2 * Double.pi) - 0.5 * logDet
        }

        return AdoptionFit(
            family: family, curve: curve, parameterNames: curve.parameterNames, estimates: theta,
            freeIndices: problem.freeIndices, transforms: transforms, unconstrainedEstimates: phi,
            unconstrainedCovariance: covarianceMatrix, standardErrors: standardErrors, intervals: intervals,
            residuals: errors, errorModels: problem.errorModels, sigma: sigma,
            noiseSource: canEstimateNoise ? .estimated : .assumed,
            observationCount: n, freeParameterCount: k, rss: rss, aicc: aicc, logEvidence: logEvidence,
            termination: lsFit.termination, iterations: lsFit.iterations, diagnostics: diagnostics, sources: sources)
    }

    /// log det Σ by Cholesky (LAPACK dpotrf); NaN if Σ is not positive definite.
    private func logDeterminant(_ sigma: Matrix) -> Double {
        guard let l = try? LAPACK.cholesky(sigma) else { return .nan }
        var sum = 0.0
        for i in 0..<sigma.rows { sum += 2 * log(l[i, i]) }
        return sum
    }
}
