import Fitting
import LinearAlgebra

/// A batch's paths at the reference point (``PathSimulator``, steps 1–3 and the start of 5
/// and 6): each path's family, parameters and levers, and its latent level and deviation there.
extension PathSimulator {
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

    /// The family whose cumulative-weight interval holds u.
    @inline(__always)
    func family(_ u: Double) -> Int {
        for (f, c) in cumulativeWeights.enumerated() where u < c { return f }
        return cumulativeWeights.count - 1
    }
}
