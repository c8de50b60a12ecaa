import Foundation
import Fitting

/// A batch's paths moved along the ``SimulationClock`` (``PathSimulator``, steps 4–6): the
/// deviation, the latent level, the measurement, and each target's crossing and deadline value.
extension PathSimulator {
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
