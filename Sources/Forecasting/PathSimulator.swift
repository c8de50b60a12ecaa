import Foundation
import Fitting
import LinearAlgebra

/// Simulates the paths of one variant, batch by batch and clock step by clock step
/// (DESIGN.md, "Monte Carlo"): ``prepare(_:_:)`` draws a batch's paths, ``advance(_:to:)``
/// moves all of them to the next grid point; the forecast summarises that grid point and
/// moves on, so no path's trajectory is ever stored.
///
/// Per path p (random numbers from ``CounterBasedRandomStream``(seed, p), common to all
/// variants and to every output step):
/// 1. a family, with probability its model weight;
/// 2. its parameters (``ParameterSampler``: one dgemm per family and batch);
/// 3. the levers of the variant (``VariantLeverPlan``);
/// 4. on the ``SimulationClock`` (every month end), the latent level L(t): the curve with the
///    levers, the level shift, under the scenario's ceiling, and — the series being
///    cumulative — never falling (a running maximum of the *latent* curve, not of the
///    noisy measurement);
/// 5. the measurement y(t) = h⁻¹(h(L(t)) + e(t)), h the ``NaturalScale`` (logit of
///    [0, bound] for shares and "k of N" counts, log otherwise) and e the Ornstein–Uhlenbeck
///    ``ResidualProcess``, started so that y(reference) is the last observation; computed
///    without h's logarithm (``NaturalScale/shifted(_:by:)``), four paths at a time. No value
///    is clipped to the ceiling, the bound or the last observation: the scale keeps y in
///    range, so no probability piles up there;
/// 6. for flows: the flow of month m is the latent increase times e^(e_k), e_k the
///    deviation of the reporting period k that holds the month (one per period: σ was fitted
///    to whole periods), the running total starts at the observed total, and grid values are
///    the flows of each grid period.
///
/// A deadline between two month ends is evaluated at the deadline itself (the latent curve
/// there, the OU bridge between the month ends); reach dates are linear between clock
/// points. A path whose drawn parameters make the curve non-finite at the reference or at the
/// horizon (a far-tail draw of an exponential growth rate) is run with the estimates instead;
/// in between, a non-finite curve value holds the latent level (the measurement still moves
/// with the noise) and a non-finite measurement is held at the path's last finite value.
/// Both are counted and reported.
struct PathSimulator: Sendable {
    /// Paths per batch. Fixed (not derived from the number of workers) so that every dgemm
    /// has the same shape; a shard of paths should start at a multiple of it. 1,024 paths of
    /// state (≈ 100 kB) stay in a core's L2 cache, and a monthly step costs one call per
    /// batch, so fewer, larger batches spend less on each call's set-up than 256 did.
    static let batchSize = 1024

    let models: [FamilyModel]
    let cumulativeWeights: [Double]
    let seed: UInt64
    let clock: SimulationClock
    /// The last observed value (a flow: the last period's flow), if any.
    let lastObserved: Double?
    let isFlow: Bool
    let scale: NaturalScale
    /// How far inside the range an observation at an end of it is read (``NaturalScale``).
    let observationFloor: Double
    /// The scenario's own cap on the latent level: a fixed ceiling, or the top of a ceiling
    /// range (∞ otherwise). It binds every family, trends included: 542 traders are 542
    /// traders whatever curve is drawn. A ceiling multiplier lever scales it after `from`.
    let scenarioCeiling: Double
    let levers: VariantLeverPlan
    let targets: [SimulationTarget]
    let flows: ObservedFlows
    /// Paths 0..<recordedDrawCount keep their natural parameters as drawn (before any
    /// fallback to the estimates) in ``PathBatch/recordedDraws``: with one family these are
    /// exactly the rows of ``ParameterSampler/draws(seed:count:)``, so fit.csv's summary of
    /// the draws need not draw them again.
    var recordedDrawCount = 0
    /// The top of the metric's range (a share's or a "k of N" count's bound), if any, and the
    /// scenario's ceiling under it (worked out once, not at every step).
    let rangeTop: Double?
    let cap: Double
    /// Per family, what the step loop reads (copied out of the models once).
    let familyCurves: [LaunchAnchoredCurve]
    let familyResiduals: [ResidualProcess]
    let familyCalibratedErrors: [CalibratedErrors?]
    let anyCalibrated: Bool

    var referenceTime: Double { clock.referenceTime }

    /// Per target: where its deadline falls and, for a flow, how the running total one
    /// reporting period before it is read (``TargetClockPlan``).
    let targetPlans: [TargetClockPlan]
    /// h(last observation), the same for every path (each path's start deviation is it
    /// minus h of the path's latent level).
    let observedOnScale: Double?

    init(models: [FamilyModel], cumulativeWeights: [Double], seed: UInt64, clock: SimulationClock, lastObserved: Double?,
         isFlow: Bool, scale: NaturalScale, observationFloor: Double, scenarioCeiling: Double, levers: VariantLeverPlan,
         targets: [SimulationTarget], flows: ObservedFlows) {
        self.models = models
        self.cumulativeWeights = cumulativeWeights
        self.seed = seed
        self.clock = clock
        self.lastObserved = lastObserved
        self.isFlow = isFlow
        self.scale = scale
        self.observationFloor = observationFloor
        self.scenarioCeiling = scenarioCeiling
        self.levers = levers
        self.targets = targets
        self.flows = flows
        targetPlans = targets.map { TargetClockPlan($0, clock: clock, flows: flows, isFlow: isFlow) }
        observedOnScale = lastObserved.map { scale.transformObserved($0, floor: observationFloor) }
        if case let .logit(bound) = scale { rangeTop = bound } else { rangeTop = nil }
        cap = rangeTop.map { min(scenarioCeiling, $0) } ?? scenarioCeiling
        familyCurves = models.map(\.curve)
        familyResiduals = models.map(\.residual)
        familyCalibratedErrors = models.map(\.calibratedErrors)
        anyCalibrated = familyCalibratedErrors.contains { $0 != nil }
    }

    /// Draws every path's family, parameters and levers (one dgemm per family and batch) and
    /// puts the paths at the reference point.
    func prepare(_ batch: PathBatch, _ workspace: inout BatchWorkspace) {
        let count = batch.count
        for f in models.indices where models[f].sampler.identifiedCount > 0 {
            let elements = workspace.normals[f].elements.count
            for e in 0..<elements { workspace.normals[f].elements[e] = 0 }
        }
        // Built in local arrays and handed to the batch at the end (a class's stored arrays
        // written in a loop cost an exclusivity check per write).
        let keys = (0..<count).map { CounterBasedRandomStream(seed: seed, path: batch.start + $0).key }
        var family = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let stream = CounterBasedRandomStream(key: keys[i])
            let f = self.family(stream.uniform(RandomDrawLayout.family))
            family[i] = UInt8(f)
            models[f].sampler.fillNormals(stream, row: i, into: &workspace.normals[f])
        }
        do {
            for f in models.indices {
                try models[f].sampler.correlate(workspace.normals[f], into: &workspace.deviations[f])
            }
        } catch {
            batch.failure = error
            return
        }
        let targetCount = targets.count
        let withLevers = !levers.isBaseline
        var thetas: [SIMD4<Double>] = [], atLaunch: [Double] = []
        var draws: [VariantLeverPlan.Draw] = [], pathLeverList: [PathLevers] = []
        thetas.reserveCapacity(count)
        atLaunch.reserveCapacity(count)
        var noise = [Double](repeating: 0, count: count), latents = noise, series = noise
        var shiftPending = isFlow ? [Bool](repeating: false, count: count) : []
        var reachTimes = [Double](repeating: .infinity, count: targetCount * count)
        var lookbackTotals = isFlow ? [Double](repeating: .nan, count: targetCount * count) : []
        var fallbacks = 0
        var recorded: [[Double]] = []
        // Per family, what each path reads (a `models[f]` per path would copy the model).
        let samplers = models.map(\.sampler), curves = familyCurves
        let hasCeiling = models.map(\.hasCeiling), sigmas = models.map(\.residual.sigma)
        for i in 0..<count {
            let stream = CounterBasedRandomStream(key: keys[i])
            let f = Int(family[i])
            samplers[f].naturalParameters(row: i, of: workspace.deviations[f], stream, into: &workspace.theta[f])
            if batch.start + i < recordedDrawCount { recorded.append(workspace.theta[f]) }
            let draw = levers.draw(stream)
            var curve = curves[f].evaluator(workspace.theta[f])
            var pathLevers = self.pathLevers(hasCeiling: hasCeiling[f], curve, workspace.theta[f], draw)
            var start = startState(sigma: sigmas[f], curve, draw, pathLevers, stream)
            if start == nil {
                // A far-tail draw (an exponential growth rate) that overflows: the path is run
                // at the estimates, with its own noise and levers, and counted.
                fallbacks += 1
                curve = curves[f].evaluator(models[f].estimates)
                pathLevers = self.pathLevers(hasCeiling: hasCeiling[f], curve, models[f].estimates, draw)
                start = startState(sigma: sigmas[f], curve, draw, pathLevers, stream) ?? (latent: 0, noise: 0)
            }
            let (latent0, noise0) = start!
            thetas.append(curve.parameters.theta)
            atLaunch.append(curve.parameters.atLaunch)
            if withLevers {
                draws.append(draw)
                pathLeverList.append(pathLevers)
            }
            noise[i] = noise0
            latents[i] = latent0
            let series0 = isFlow ? flows.total : (lastObserved ?? latent0)
            series[i] = series0
            if isFlow { shiftPending[i] = draw.shift != 0 }
            for j in 0..<targetCount {
                if let observed = targetPlans[j].observedLookback { lookbackTotals[j * count + i] = observed }
                // Reached at the reference: the compared value is already at or above it.
                if targets[j].earliest < .infinity, series0 >= targets[j].value, referenceTime >= targets[j].earliest {
                    reachTimes[j * count + i] = referenceTime
                }
            }
        }
        batch.keys = keys
        batch.family = family
        batch.thetas = thetas
        batch.logistic = logisticLanes ? LogisticLaneParameters(thetas) : LogisticLaneParameters()
        batch.atLaunch = atLaunch
        batch.draws = draws
        batch.levers = pathLeverList
        batch.noise = noise
        batch.latent = latents
        batch.series = series
        batch.values = isFlow ? [Double](repeating: 0, count: count) : []
        batch.totals = batch.values
        batch.period = isFlow ? [Int](repeating: 0, count: count) : []
        batch.shiftPending = shiftPending
        batch.deadlineValues = [Double](repeating: .nan, count: targetCount * count)
        batch.reachTimes = reachTimes
        batch.lookbackTotals = lookbackTotals
        batch.totalAtLastGrid = isFlow ? series : []
        batch.fallbackCount += fallbacks
        batch.recordedDraws = recorded
        batch.clockIndex = -1
    }

    /// The latent level and the deviation at the reference, or nil when either, or the level
    /// at the last clock point, is not finite. The deviation puts the measurement on the last
    /// observation; without observations it is a draw from the stationary distribution.
    func startState(sigma: Double, _ curve: LaunchAnchoredCurve.Evaluator, _ draw: VariantLeverPlan.Draw,
                    _ pathLevers: PathLevers, _ stream: CounterBasedRandomStream) -> (latent: Double, noise: Double)? {
        let latentLevel = latent(curve, at: referenceTime, draw, pathLevers)
        guard latentLevel.isFinite else { return nil }
        if let end = clock.times.last, !latent(curve, at: end, draw, pathLevers).isFinite { return nil }
        let e: Double
        if isFlow {
            if let last = flows.last {
                let modelled = curve.level(at: last.end) - curve.level(at: last.start)
                e = scale.transformObserved(last.flow, floor: observationFloor) - scale.transformObserved(modelled, floor: observationFloor)
            } else {
                e = sigma * stream.normal(RandomDrawLayout.stationaryStart)
            }
        } else if let observedOnScale {
            e = observedOnScale - scale.transformObserved(latentLevel, floor: observationFloor)
        } else {
            e = sigma * stream.normal(RandomDrawLayout.stationaryStart)
        }
        guard e.isFinite else { return nil }
        return (latentLevel, e)
    }

    /// Advances every path of the batch, clock step by clock step, to clock point `last`
    /// (the grid point it belongs to), tracking each target's first crossing and deadline
    /// value on the way, and leaves the grid point's values in `batch.values` (and the
    /// running totals of a flow in `batch.totals`).
    func advance(_ batch: PathBatch, to last: Int, _ scratch: StepScratch) {
        let count = batch.count
        let targetCount = targets.count
        let t0 = referenceTime
        // The state leaves the batch object for the loop (moved, not copied): local arrays
        // are uniquely owned, so the loop does no reference counting and no exclusivity
        // checks of a class's stored properties.
        var noiseStorage = batch.noise, latentStorage = batch.latent, seriesStorage = batch.series
        var periodStorage = batch.period, shiftPendingStorage = batch.shiftPending
        var reachStorage = batch.reachTimes, deadlineStorage = batch.deadlineValues, lookbackStorage = batch.lookbackTotals
        batch.noise = []; batch.latent = []; batch.series = []; batch.period = []; batch.shiftPending = []
        batch.reachTimes = []; batch.deadlineValues = []; batch.lookbackTotals = []
        let keys = batch.keys, family = batch.family, thetas = batch.thetas, atLaunch = batch.atLaunch
        let draws = batch.draws, pathLevers = batch.levers
        let withLevers = !draws.isEmpty
        let curves = familyCurves, residuals = familyResiduals, calibrated = familyCalibratedErrors
        let anyCalibrated = self.anyCalibrated
        let vectorMeasurement = !isFlow && !anyCalibrated
        // A plain logistic batch (one family, no launch, no levers, a level): its whole step
        // goes four paths at a time (``LogisticLaneKernel``).
        let logisticLanes = self.logisticLanes
        let normalTables = NormalZiggurat.tables
        // Per path of the current step: the deviation to apply, the latent level and the
        // measured value (padded to a multiple of four for the vector measurement), whether
        // the curve was finite, and the state before the step — the worker's scratch, taken
        // out for the loop and handed back (no allocation per batch or step).
        let padded = (count + 3) & ~3
        scratch.reserve(paths: padded, families: models.count)
        var decay = scratch.decay, innovationSD = scratch.innovationSD
        var deviationStorage = scratch.deviation, runningStorage = scratch.running, measuredStorage = scratch.measured
        var noiseBeforeStorage = scratch.noiseBefore, seriesBeforeStorage = scratch.seriesBefore
        var latentBeforeStorage = scratch.latentBefore, curveFiniteStorage = scratch.curveFinite
        scratch.release()
        var sanitised = 0
        for m in (batch.clockIndex + 1)...last {
            let t = clock.times[m]
            let previousTime = m == 0 ? t0 : clock.times[m - 1]
            for f in models.indices {
                decay[f] = models[f].decays[m]
                innovationSD[f] = models[f].innovationSDs[m]
            }
            // Flows: the reporting period k = 1, 2, … after the reference that holds t.
            let flowPeriod = isFlow ? max(1, Int(((t - t0) / flows.period - 1e-9).rounded(.up))) : 0
            // 1. The deviation and the latent level: four paths at a time where the batch is a
            // plain logistic (``logisticLanes``), then path by path (the curve and the levers).
            var firstScalar = 0
            if logisticLanes {
                let step = logisticLaneStep(m, time: t, previousTime: previousTime, decay: decay[0],
                                            innovationSD: innovationSD[0], count: count)
                firstScalar = LogisticLaneKernel.current(step, keys, batch.logistic, &noiseStorage, &latentStorage,
                                                         &seriesStorage, &reachStorage, &noiseBeforeStorage,
                                                         &latentBeforeStorage, &seriesBeforeStorage)
            }
            // The loop writes through mutable spans: an array written in a loop that also calls
            // out (the curve, exp) is checked for uniqueness at every write, a span is not.
            do {
                var noise = noiseStorage.mutableSpan, latents = latentStorage.mutableSpan, series = seriesStorage.mutableSpan
                var period = periodStorage.mutableSpan, shiftPending = shiftPendingStorage.mutableSpan
                var reachTimes = reachStorage.mutableSpan, deadlineValues = deadlineStorage.mutableSpan
                var lookbackTotals = lookbackStorage.mutableSpan
                var deviations = deviationStorage.mutableSpan, runningLevels = runningStorage.mutableSpan
                var measured = measuredStorage.mutableSpan, noiseBefore = noiseBeforeStorage.mutableSpan
                var seriesBefore = seriesBeforeStorage.mutableSpan, latentBefore = latentBeforeStorage.mutableSpan
                var curveFinite = curveFiniteStorage.mutableSpan
                for i in firstScalar..<count {
                    let f = Int(family[i])
                    let stream = CounterBasedRandomStream(key: keys[i])
                    var e = noise[i]
                    noiseBefore[i] = e
                    if isFlow {
                        // A flow's noise was fitted to whole reporting periods: one deviation per
                        // period (on a fixed alignment), shared by its months, so a period's flow
                        // has the fitted σ whatever the output step (monthly draws would average
                        // it away).
                        var k = period[i]
                        while k < flowPeriod {
                            k += 1
                            e = residuals[f].next(e, over: flows.period,
                                                  innovation: stream.normal(RandomDrawLayout.residualInnovations + k - 1))
                        }
                        period[i] = k
                    } else {
                        e = decay[f] * e + innovationSD[f] * stream.normal(RandomDrawLayout.residualInnovations + m, normalTables)
                    }
                    noise[i] = e
                    let parameters = LaunchAnchoredCurve.PackedParameters(theta: thetas[i], atLaunch: atLaunch[i])
                    let level = withLevers
                        ? latent(curves[f], parameters, at: t, draws[i], pathLevers[i])
                        : latent(curves[f], parameters, at: t)
                    curveFinite[i] = level.isFinite
                    runningLevels[i] = level.isFinite ? max(latents[i], level) : latents[i]
                    deviations[i] = anyCalibrated ? calibrated[f]?.map(e, horizon: t - t0) ?? e : e
                }
                // 2. The measurement y = h⁻¹(h(L) + e), four paths at a time.
                if vectorMeasurement {
                    var g = firstScalar
                    while g < padded {
                        let level = SIMD4(runningLevels[g], runningLevels[g + 1], runningLevels[g + 2], runningLevels[g + 3])
                        let y = scale.shifted(level, by: SIMD4(deviations[g], deviations[g + 1], deviations[g + 2], deviations[g + 3]))
                        measured[g] = y[0]; measured[g + 1] = y[1]; measured[g + 2] = y[2]; measured[g + 3] = y[3]
                        g += 4
                    }
                } else if !isFlow {
                    for i in 0..<count { measured[i] = scale.shifted(runningLevels[i], by: deviations[i]) }
                }
                // 3. The value (the four-lane paths have theirs).
                for i in firstScalar..<count {
                    let previousLatent = latents[i]
                    let previousSeries = series[i]
                    let running = runningLevels[i]
                    var finite = curveFinite[i]
                    let y: Double
                    if isFlow {
                        // The month's flow: the latent increase, with multiplicative noise.
                        var flow = (running - previousLatent) * exp(noise[i])
                        if shiftPending[i] && t > levers.fromTime { flow += draws[i].shift; shiftPending[i] = false }
                        if !flow.isFinite { finite = false; flow = 0 }
                        y = previousSeries + flow
                    } else if measured[i].isFinite {
                        y = measured[i]
                    } else {
                        finite = false
                        y = previousSeries
                    }
                    if !finite { sanitised += 1 }
                    latentBefore[i] = previousLatent
                    seriesBefore[i] = previousSeries
                    latents[i] = running
                    series[i] = y
                }
                // 4. Each target's first crossing, linear between this clock point and the one
                // before; target by target, so the loop over paths is a compare per path.
                for j in 0..<targetCount where targets[j].earliest < .infinity && t >= targets[j].earliest {
                    let value = targets[j].value, earliest = targets[j].earliest, base = j * count
                    for i in firstScalar..<count where reachTimes[base + i] == .infinity && series[i] >= value {
                        let y = series[i], before = seriesBefore[i]
                        let fraction = y > before ? (value - before) / (y - before) : 1
                        reachTimes[base + i] = max(previousTime + min(max(fraction, 0), 1) * (t - previousTime), earliest)
                    }
                }
                // 5. Flows: the running total one reporting period before a deadline, in the step
                // that holds that date (before the deadline's own step, or in it).
                for j in 0..<targetCount where isFlow && targetPlans[j].lookbackIndex == m {
                    let weight = targetPlans[j].lookbackWeight, base = j * count
                    for i in 0..<count { lookbackTotals[base + i] = seriesBefore[i] + weight * (series[i] - seriesBefore[i]) }
                }
                // 6. The compared value at each deadline that falls in this step.
                for j in 0..<targetCount {
                    guard let position = targets[j].deadline, position.index == m else { continue }
                    let base = j * count
                    for i in 0..<count {
                        let y = series[i], before = seriesBefore[i]
                        if isFlow {
                            let w = t > previousTime ? (position.time - previousTime) / (t - previousTime) : 1
                            let now = before + w * (y - before)
                            deadlineValues[base + i] = targets[j].cumulative ? now : now - lookbackTotals[base + i]
                        } else if position.isOnClock {
                            deadlineValues[base + i] = y
                        } else {
                            let f = Int(family[i])
                            let parameters = LaunchAnchoredCurve.PackedParameters(theta: thetas[i], atLaunch: atLaunch[i])
                            let curve = LaunchAnchoredCurve.Evaluator(curve: curves[f], parameters: parameters)
                            deadlineValues[base + i] = bridgedValue(j, position, models[f], curve,
                                                                    withLevers ? draws[i] : VariantLeverPlan.Draw(),
                                                                    withLevers ? pathLevers[i] : PathLevers(),
                                                                    CounterBasedRandomStream(key: keys[i]),
                                                                    latentBefore: latentBefore[i], noiseBefore: noiseBefore[i],
                                                                    noiseAfter: noise[i], fallback: before)
                        }
                    }
                }
                if isFlow && clock.isGridPoint[m] {
                    for i in 0..<count {
                        batch.values[i] = series[i] - batch.totalAtLastGrid[i]
                        batch.totals[i] = series[i]
                        batch.totalAtLastGrid[i] = series[i]
                    }
                }
            }
        }
        batch.noise = noiseStorage; batch.latent = latentStorage; batch.series = seriesStorage; batch.period = periodStorage
        batch.shiftPending = shiftPendingStorage; batch.reachTimes = reachStorage; batch.deadlineValues = deadlineStorage
        batch.lookbackTotals = lookbackStorage
        scratch.decay = decay; scratch.innovationSD = innovationSD
        scratch.deviation = deviationStorage; scratch.running = runningStorage; scratch.measured = measuredStorage
        scratch.noiseBefore = noiseBeforeStorage; scratch.seriesBefore = seriesBeforeStorage
        scratch.latentBefore = latentBeforeStorage; scratch.curveFinite = curveFiniteStorage
        batch.sanitisedCount += sanitised
        batch.clockIndex = last
    }

    /// The family whose cumulative-weight interval holds u.
    @inline(__always)
    func family(_ u: Double) -> Int {
        for (f, c) in cumulativeWeights.enumerated() where u < c { return f }
        return cumulativeWeights.count - 1
    }

    /// The measured value at a deadline between two month ends: the latent curve at the
    /// deadline (never below the latent level before it) and the OU bridge between the
    /// deviations at the two month ends.
    func bridgedValue(_ j: Int, _ position: ClockPosition, _ model: FamilyModel, _ curve: LaunchAnchoredCurve.Evaluator,
                      _ draw: VariantLeverPlan.Draw, _ pathLevers: PathLevers, _ stream: CounterBasedRandomStream,
                      latentBefore: Double, noiseBefore: Double, noiseAfter: Double, fallback: Double) -> Double {
        var level = latent(curve, at: position.time, draw, pathLevers)
        level = max(level.isFinite ? level : 0, latentBefore)
        var e = model.residual.bridge(noiseBefore, noiseAfter, before: position.before, after: position.after,
                                      innovation: stream.normal(RandomDrawLayout.deadlineBridge + j))
        if let calibrated = model.calibratedErrors { e = calibrated.map(e, horizon: position.time - referenceTime) }
        let y = scale.inverse(scale.transform(level) + e)
        return y.isFinite ? y : fallback
    }
}
