import Dispatch
import Foundation
import Fitting
import LinearAlgebra

/// Fit → ensemble → simulate → summarise: the Monte Carlo forecast of one request
/// (DESIGN.md, "Monte Carlo", "Feasibility", "Outputs").
///
/// ```swift
/// let result = try Forecaster.run(request, jobs: 2)
/// for forecast in result.forecasts {
///     print(forecast.variant, forecast.median.last!, forecast.feasibility.map(\.pMeet))
/// }
/// ```
///
/// Reproducibility: every random number is a function of (seed, path index, draw index)
/// (``CounterBasedRandomStream``; common to all variants), each path is computed by itself, and every
/// reduction (quantiles, means, probabilities) runs over all paths in path order. So the
/// result is bitwise the same for any `jobs` and any batch order; it depends on the request
/// (observations, families, grid, variants, targets, paths, seed, calibration) only.
///
/// Parallelism: `jobs` workers (`DispatchQueue.concurrentPerform`) take batches of
/// ``PathSimulator/batchSize`` paths round-robin; each batch writes its own buffer. With more
/// than one job each grid point is summarised on another thread while the paths advance to
/// the next (one summary at a time, in date order); a batch of scenarios runs whole scenarios
/// in parallel instead (``ScenarioBatch``).
/// OpenBLAS is pinned to one thread (DESIGN.md,
/// "BLAS/LAPACK": two thread pools on the same cores fight).
///
/// Memory: the state of every path (its parameters, levers, deviation, latent level and
/// value: tens of doubles) and three doubles per path and target; one column of paths per
/// summarised quantity. Nothing grows with the number of grid points or clock steps.
public enum Forecaster {
    public static func run(_ request: ForecastRequest, jobs: Int = 1) throws -> ForecastResult {
        guard request.paths >= 1 else {
            throw ForecastError.invalidRequest("paths must be at least 1 (got \(request.paths))")
        }
        guard !request.grid.dates.isEmpty else {
            throw ForecastError.invalidRequest("the forecast grid is empty: the horizon must be after the last observation")
        }
        if let late = request.targets.first(where: { $0.deadline > request.grid.dates.last! }) {
            throw ForecastError.invalidRequest("target '\(late.label)': its deadline \(late.deadline) is after the forecast "
                + "horizon (\(request.grid.dates.last!)); extend forecast.horizon or move the deadline")
        }
        let calibration = request.calibration
        guard calibration.parameterScale.isFinite, calibration.parameterScale >= 0,
              calibration.noiseScale.isFinite, calibration.noiseScale >= 0 else {
            throw ForecastError.invalidRequest("uncertainty calibration scales must be finite and ≥ 0 "
                + "(got parameter \(calibration.parameterScale), noise \(calibration.noiseScale))")
        }
        if let nu = calibration.parameterDegreesOfFreedom, !(nu.isFinite && nu > 0) {
            throw ForecastError.invalidRequest("the degrees of freedom of the parameter draws must be finite and > 0 (got \(nu))")
        }
        let series = Self.withDefaultCeiling(request.series)
        var assumptions: [ModelAssumption] = []
        if series.ceiling != request.series.ceiling, case let .range(lo, hi) = series.ceiling {
            assumptions.append(.defaultCeilingRange(lower: lo, upper: hi))
        }
        var (fits, weights, failures) = AdoptionFitter().fitAll(request.families, to: series)
        guard !fits.isEmpty else { throw ForecastError.noFamilyFitted(failures) }
        if fits.count > 1, fits.contains(where: { $0.family == .localTrend }),
           let skill = ModelSkill.weights(fits.map(\.family), series: series, prepare: Self.withDefaultCeiling) {
            weights = skill
            assumptions.append(.skillWeights(origins: ModelSkill.origins, horizon: ModelSkill.horizon))
        }
        BLAS.setThreadCount(1)

        let grid = request.grid
        let clock = SimulationClock(grid: grid)
        let referenceTime = clock.referenceTime
        let scale = NaturalScale.of(series)

        var models: [FamilyModel] = []
        var parameterDraws: [FamilyParameterDraws] = []
        for fit in fits {
            var residual = ResidualProcess(fit: fit, series: series, scale: scale, noiseScale: calibration.noiseScale)
            var calibrated: CalibratedErrors?
            var parameterScale = calibration.parameterScale
            if fit.family == .localTrend {
                // The walk, widened or narrowed by the series' own past errors against the
                // panels'; with a table, its marginals replace the normal ones and include the
                // drift's error, so the drift is not drawn as well.
                let kind = ErrorQuantileTable.Kind.of(scale)
                var sd = fit.sigma * calibration.noiseScale
                if let table = request.errorTable, table.rows(kind) != nil {
                    let factor = ModelSkill.ownErrorFactor(series, table: table, kind: kind)
                    sd *= factor
                    calibrated = CalibratedErrors(table: table, kind: kind, sd: sd)
                    parameterScale = 0
                    assumptions.append(.panelErrorBand(provenance: table.provenance.first ?? "calibration table",
                                                       scale: scale.name, factor: factor))
                }
                residual = .randomWalk(sd: sd)
            }
            let sampler = try ParameterSampler(fit: fit, series: series, parameterScale: parameterScale,
                                               degreesOfFreedom: calibration.parameterDegreesOfFreedom)
            assumptions += sampler.notes
            if fit.noiseSource == .assumed {
                assumptions.append(.noiseAssumed(family: fit.family, sigma: fit.sigma,
                                                 scale: fit.errorModels.last?.description ?? "log"))
            }
            models.append(FamilyModel(fit: fit, sampler: sampler, residual: residual, clock: clock, calibratedErrors: calibrated))
            // One family: the first variant's paths make these draws anyway (below).
            if request.parameterDrawSummaryCount > 0 && fits.count > 1 {
                parameterDraws.append(try FamilyParameterDraws(fit: fit, sampler: sampler, seed: request.seed,
                                                               count: min(request.paths, request.parameterDrawSummaryCount)))
            }
        }
        if series.observations.count < ResidualProcess.minimumObservationsForMeanReversion {
            assumptions.append(.meanReversionAssumed(minimumObservations: ResidualProcess.minimumObservationsForMeanReversion))
        }

        var cumulative: [Double] = []
        var total = 0.0
        let usable = weights.allSatisfy { $0.isFinite && $0 >= 0 } && weights.reduce(0, +) > 0
        for w in weights { total += usable ? w : 1; cumulative.append(total) }
        cumulative = cumulative.map { $0 / total }

        let variants = request.variants.isEmpty ? [VariantLevers.baseline] : request.variants
        let flows = ObservedFlows(series)
        let observationFloor = NaturalScale.observationFloor(series)
        let simulationTargets = request.targets.map {
            SimulationTarget(value: $0.value, deadline: clock.position(of: $0.deadline.decimalYear), cumulative: $0.cumulative,
                             earliest: series.kind == .flow && !$0.cumulative ? .infinity : -.infinity)
        }
        var forecasts: [VariantForecast] = []
        let drawsToRecord = fits.count == 1 ? min(request.paths, request.parameterDrawSummaryCount) : 0
        for levers in variants {
            let plan = VariantLeverPlan(levers, referenceTime: referenceTime, referenceDate: grid.referenceDate,
                                        families: fits.map(\.family))
            assumptions += plan.notes
            var simulator = PathSimulator(
                models: models, cumulativeWeights: cumulative, seed: request.seed, clock: clock,
                lastObserved: series.observations.last?.value, isFlow: series.kind == .flow, scale: scale,
                observationFloor: observationFloor,
                scenarioCeiling: series.kind == .flow ? .infinity : Self.scenarioCeiling(series.ceiling),
                levers: plan, targets: simulationTargets, flows: flows)
            if forecasts.isEmpty { simulator.recordedDrawCount = drawsToRecord }
            let (forecast, fallbacks, sanitised, recorded) = try simulateVariant(simulator, request: request, series: series,
                                                                                 variant: levers.id, jobs: jobs)
            if forecasts.isEmpty && drawsToRecord > 0 {
                parameterDraws.append(FamilyParameterDraws(fit: fits[0], rows: recorded))
            }
            if fallbacks > 0 {
                assumptions.append(.pathsAtFittedValues(variant: levers.id, count: fallbacks, paths: request.paths))
            }
            if sanitised > 0 {
                assumptions.append(.nonFiniteValuesHeld(variant: levers.id, count: sanitised))
            }
            forecasts.append(forecast)
        }
        var result = ForecastResult(fits: fits, weights: weights, failures: failures, forecasts: forecasts,
                                    assumptions: assumptions.removingRepeats())
        result.parameterDraws = parameterDraws
        return result
    }

    /// Simulates one variant grid point by grid point: all paths are advanced to the next
    /// grid date (workers over batches), then that date is summarised and forgotten, so
    /// memory grows with the paths, not with the steps.
    private static func simulateVariant(_ simulator: PathSimulator, request: ForecastRequest, series: AdoptionSeries,
                                        variant: String, jobs: Int)
        throws -> (VariantForecast, fallbacks: Int, sanitised: Int, recordedDraws: [[Double]]) {
        let paths = request.paths
        let size = PathSimulator.batchSize
        let batchCount = (paths + size - 1) / size
        let batches = (0..<batchCount).map { PathBatch(start: $0 * size, count: min(size, paths - $0 * size)) }
        let workers = max(1, min(jobs, batchCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var workspace = BatchWorkspace(models: simulator.models)
            var b = worker
            while b < batchCount {
                simulator.prepare(batches[b], &workspace)
                b += workers
            }
        }
        if let failure = batches.lazy.compactMap(\.failure).first { throw failure }

        // Flow targets are compared with the running total unless they say otherwise: the CDF
        // at their values belongs to the total (``VariantForecast/cumulative``).
        let isFlow = simulator.isFlow
        let state = GridSummaries(
            own: ColumnSummarizer(paths: paths, cdfValues: request.targets.filter { !isFlow || !$0.cumulative }.map(\.value)),
            totals: isFlow ? ColumnSummarizer(paths: paths, cdfValues: request.targets.filter(\.cumulative).map(\.value)) : nil,
            samples: min(request.sampleCount, paths))
        let scratch = (0..<workers).map { _ in StepScratch() }
        // With more than one job, a grid date is summarised while the paths advance to the next
        // one: the summary reads the batches' arrays of its date, and the step loop's first
        // write to a batch then copies that batch's array (copy on write), so the two never
        // touch the same memory. At most one summary is in flight (memory stays O(paths)), and
        // summaries run in date order, so the results do not depend on the overlap.
        let pending = DispatchGroup()
        for m in simulator.clock.gridIndices {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var b = worker
                while b < batchCount {
                    simulator.advance(batches[b], to: m, scratch[worker])
                    b += workers
                }
            }
            pending.wait()
            let values = batches.map(\.gridValues), totals = isFlow ? batches.map(\.totals) : []
            let summarise: @Sendable () -> Void = { state.add(values, totals: totals, batchSize: size) }
            if workers > 1 { DispatchQueue.global().async(group: pending, execute: summarise) } else { summarise() }
        }
        pending.wait()
        // What the targets need from here on: the reach dates and deadline values. The rest of
        // the paths' state and the summarisers' buffers are released first.
        let ownSummary = state.own.summary, totalsSummary = state.totals?.summary
        let samples = state.samples
        state.release()
        let recordedDraws = batches.flatMap(\.recordedDraws)
        for batch in batches { batch.releaseState(); batch.recordedDraws = [] }

        let feasibility = TargetReachSummary.feasibility(request: request, series: series, simulator: simulator,
                                                         batches: batches, variant: variant, jobs: jobs)
        var forecast = VariantForecast(variant: variant, grid: request.grid, own: ownSummary,
                                       feasibility: feasibility, samples: samples)
        forecast.cumulative = totalsSummary
        return (forecast, batches.reduce(0) { $0 + $1.fallbackCount }, batches.reduce(0) { $0 + $1.sanitisedCount },
                recordedDraws)
    }

    /// The series as it is fitted: with the default ceiling prior of a bounded level
    /// without a given ceiling (``DefaultPriors/ceilingRange(for:)``).
    static func withDefaultCeiling(_ series: AdoptionSeries) -> AdoptionSeries {
        var series = series
        if let range = DefaultPriors.ceilingRange(for: series) { series.ceiling = range }
        return series
    }

    /// The cap a scenario puts on every path: a fixed ceiling or the top of a range.
    static func scenarioCeiling(_ ceiling: CeilingKnowledge) -> Double {
        switch ceiling {
        case let .fixed(value): return value
        case let .range(_, upper): return upper
        case .estimated, .prior: return .infinity
        }
    }
}
