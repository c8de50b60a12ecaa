import Foundation
import Fitting
import LinearAlgebra

/// A target as the simulator compares it.
struct SimulationTarget: Sendable {
    let value: Double
    /// Where the deadline falls on the clock; nil when it is decided by the data.
    let deadline: ClockPosition?
    /// For flows: compare the running total (true) or the flow of one reporting period.
    let cumulative: Bool
    /// The earliest time a crossing counts: −∞, or +∞ for a `cumulative: false` flow target,
    /// which is about one period's flow and has no date "first reached" (an earlier period's
    /// flow above the value does not reach it, a later one is after its deadline).
    let earliest: Double
}

/// Simulates the paths of one variant, batch by batch (DESIGN.md, "Monte Carlo").
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
///    ``ResidualProcess``, started so that y(reference) is the last observation. No value
///    is clipped to the ceiling, the bound or the last observation: the scale keeps y in
///    range, so no probability piles up there;
/// 6. for flows: the flow of month m is the latent increase times e^(e_k), e_k the
///    deviation of the reporting period k that holds the month (one per period: σ was fitted
///    to whole periods), the running total starts at the observed total, and grid values are
///    the flows of each grid period.
///
/// A deadline between two month ends is evaluated at the deadline itself (the latent curve
/// there, the OU bridge between the month ends); reach dates are linear between clock
/// points. A path whose drawn parameters make the curve non-finite (a far-tail draw of an
/// exponential growth rate) is re-run with the estimates and counted; the count is reported.
struct PathSimulator: Sendable {
    /// Paths per batch. Fixed (not derived from the number of workers) so that every dgemm
    /// has the same shape; a shard of paths should start at a multiple of it.
    static let batchSize = 256

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

    var referenceTime: Double { clock.referenceTime }

    /// Per target: where its deadline falls and, for a flow, how the running total one
    /// reporting period before it is read (``TargetClockPlan``).
    let targetPlans: [TargetClockPlan]

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
    }

    /// Draws every path's family, parameters and levers (one dgemm per family and batch) and
    /// puts the paths at the reference point.
    func prepare(_ batch: PathBatch, _ workspace: inout BatchWorkspace) {
        let count = batch.count
        for f in models.indices where models[f].sampler.identifiedCount > 0 {
            let elements = workspace.normals[f].elements.count
            for e in 0..<elements { workspace.normals[f].elements[e] = 0 }
        }
        batch.streams = (0..<count).map { CounterBasedRandomStream(seed: seed, path: batch.start + $0) }
        batch.family = [Int](repeating: 0, count: count)
        for i in 0..<count {
            let stream = batch.streams[i]
            let f = family(stream.uniform(RandomDrawLayout.family))
            batch.family[i] = f
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
        batch.curves.removeAll(keepingCapacity: true)
        batch.draws.removeAll(keepingCapacity: true)
        batch.levers.removeAll(keepingCapacity: true)
        batch.noise = [Double](repeating: 0, count: count)
        batch.latent = batch.noise
        batch.series = batch.noise
        batch.values = batch.noise
        batch.totals = isFlow ? batch.noise : []
        batch.period = [Int](repeating: 0, count: count)
        batch.shiftPending = [Bool](repeating: false, count: count)
        batch.deadlineValues = [Double](repeating: .nan, count: targetCount * count)
        batch.reachTimes = [Double](repeating: .infinity, count: targetCount * count)
        batch.lookbackTotals = isFlow ? [Double](repeating: .nan, count: targetCount * count) : []
        for i in 0..<count {
            let stream = batch.streams[i]
            let f = batch.family[i]
            let model = models[f]
            model.sampler.naturalParameters(row: i, of: workspace.deviations[f], stream, into: &workspace.theta[f])
            let draw = levers.draw(stream)
            var curve = model.curve.evaluator(workspace.theta[f])
            var pathLevers = self.pathLevers(model, curve, workspace.theta[f], draw)
            var start = startState(model, curve, draw, pathLevers, stream)
            if start == nil {
                // A far-tail draw (an exponential growth rate) that overflows: the path is run
                // at the estimates, with its own noise and levers, and counted.
                batch.fallbackCount += 1
                curve = model.curve.evaluator(model.estimates)
                pathLevers = self.pathLevers(model, curve, model.estimates, draw)
                start = startState(model, curve, draw, pathLevers, stream) ?? (latent: 0, noise: 0)
            }
            let (latent0, noise0) = start!
            batch.curves.append(curve)
            batch.draws.append(draw)
            batch.levers.append(pathLevers)
            batch.noise[i] = noise0
            batch.latent[i] = latent0
            let series0 = isFlow ? flows.total : (lastObserved ?? latent0)
            batch.series[i] = series0
            batch.shiftPending[i] = isFlow && draw.shift != 0
            for j in 0..<targetCount {
                if let observed = targetPlans[j].observedLookback { batch.lookbackTotals[j * count + i] = observed }
                // Reached at the reference: the compared value is already at or above it.
                if targets[j].earliest < .infinity, series0 >= targets[j].value, referenceTime >= targets[j].earliest {
                    batch.reachTimes[j * count + i] = referenceTime
                }
            }
        }
        batch.totalAtLastGrid = isFlow ? batch.series : []
        batch.clockIndex = -1
    }

    /// The latent level and the deviation at the reference, or nil when either, or the level
    /// at the last clock point, is not finite. The deviation puts the measurement on the last
    /// observation; without observations it is a draw from the stationary distribution.
    func startState(_ model: FamilyModel, _ curve: LaunchAnchoredCurve.Evaluator, _ draw: VariantLeverPlan.Draw,
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
                e = model.residual.sigma * stream.normal(RandomDrawLayout.stationaryStart)
            }
        } else if let lastObserved {
            e = scale.transformObserved(lastObserved, floor: observationFloor) - scale.transformObserved(latentLevel, floor: observationFloor)
        } else {
            e = model.residual.sigma * stream.normal(RandomDrawLayout.stationaryStart)
        }
        guard e.isFinite else { return nil }
        return (latentLevel, e)
    }

    /// Advances every path of the batch, clock step by clock step, to clock point `last`
    /// (the grid point it belongs to), tracking each target's first crossing and deadline
    /// value on the way, and leaves the grid point's values in `batch.values` (and the
    /// running totals of a flow in `batch.totals`).
    func advance(_ batch: PathBatch, to last: Int) {
        let count = batch.count
        let targetCount = targets.count
        let t0 = referenceTime
        for m in (batch.clockIndex + 1)...last {
            let t = clock.times[m]
            let previousTime = m == 0 ? t0 : clock.times[m - 1]
            for i in 0..<count {
                let stream = batch.streams[i]
                let model = models[batch.family[i]]
                let draw = batch.draws[i]
                let pathLevers = batch.levers[i]
                let curve = batch.curves[i]
                var e = batch.noise[i]
                let previousNoise = e
                let previousLatent = batch.latent[i]
                let previousSeries = batch.series[i]
                if isFlow {
                    // A flow's noise was fitted to whole reporting periods: one deviation per
                    // period (k = 1, 2, … periods of `flows.period` after the reference, on a
                    // fixed alignment), shared by its months, so a period's flow has the fitted
                    // σ whatever the output step (monthly draws would average it away).
                    let k = max(1, Int(((t - t0) / flows.period - 1e-9).rounded(.up)))
                    var period = batch.period[i]
                    while period < k {
                        period += 1
                        e = model.residual.next(e, over: flows.period,
                                                innovation: stream.normal(RandomDrawLayout.residualInnovations + period - 1))
                    }
                    batch.period[i] = period
                } else {
                    e = model.decays[m] * e + model.innovationSDs[m] * stream.normal(RandomDrawLayout.residualInnovations + m)
                }
                var level = latent(curve, at: t, draw, pathLevers)
                var finite = true
                if !level.isFinite { finite = false; level = previousLatent }
                let increase = max(level - previousLatent, 0)
                let running = max(previousLatent, level)
                let y: Double
                if isFlow {
                    // The month's flow: the latent increase, with multiplicative noise.
                    var flow = increase * exp(e)
                    if batch.shiftPending[i] && t > levers.fromTime { flow += draw.shift; batch.shiftPending[i] = false }
                    if !flow.isFinite { finite = false; flow = 0 }
                    y = previousSeries + flow
                } else {
                    let deviation = model.calibratedErrors?.map(e, horizon: t - t0) ?? e
                    let measured = scale.inverse(scale.transform(running) + deviation)
                    if measured.isFinite { y = measured } else { finite = false; y = previousSeries }
                }
                if !finite { batch.sanitisedCount += 1 }
                batch.noise[i] = e
                batch.latent[i] = running
                batch.series[i] = y

                for j in 0..<targetCount {
                    let target = targets[j], plan = targetPlans[j]
                    let slot = j * count + i
                    // The first crossing, linear between this clock point and the one before.
                    if target.earliest < .infinity, batch.reachTimes[slot] == .infinity, y >= target.value, t >= target.earliest {
                        let fraction = y > previousSeries ? (target.value - previousSeries) / (y - previousSeries) : 1
                        batch.reachTimes[slot] = max(previousTime + min(max(fraction, 0), 1) * (t - previousTime), target.earliest)
                    }
                    if isFlow, plan.lookbackIndex == m {
                        batch.lookbackTotals[slot] = previousSeries + plan.lookbackWeight * (y - previousSeries)
                    }
                    guard let position = target.deadline, position.index == m else { continue }
                    if isFlow {
                        let w = t > previousTime ? (position.time - previousTime) / (t - previousTime) : 1
                        let now = previousSeries + w * (y - previousSeries)
                        batch.deadlineValues[slot] = target.cumulative ? now : now - batch.lookbackTotals[slot]
                    } else if position.isOnClock {
                        batch.deadlineValues[slot] = y
                    } else {
                        batch.deadlineValues[slot] = bridgedValue(j, position, model, curve, draw, pathLevers, stream,
                                                                  latentBefore: previousLatent, noiseBefore: previousNoise,
                                                                  noiseAfter: e, fallback: previousSeries)
                    }
                }
            }
            if clock.isGridPoint[m] {
                for i in 0..<count {
                    if isFlow {
                        batch.values[i] = batch.series[i] - batch.totalAtLastGrid[i]
                        batch.totals[i] = batch.series[i]
                        batch.totalAtLastGrid[i] = batch.series[i]
                    } else {
                        batch.values[i] = batch.series[i]
                    }
                }
            }
        }
        batch.clockIndex = last
    }

    /// The family whose cumulative-weight interval holds u.
    @inline(__always)
    func family(_ u: Double) -> Int {
        for (f, c) in cumulativeWeights.enumerated() where u < c { return f }
        return cumulativeWeights.count - 1
    }

    /// What a path's levers do to its curve, worked out once per path (``pathLevers``).
    struct PathLevers {
        /// A ceiling lever: the level at `from` and the factor the headroom above it is
        /// stretched by.
        var stretch: (levelAtFrom: Double, factor: Double)?
        /// On a bounded metric, the level shift as a shift of h (logit): the shift at `from`,
        /// h(L(from) + s) − h(L(from)), kept for every later date, so a shifted path stays
        /// inside (0, bound) instead of being clamped onto the bound.
        var naturalShift: Double?
    }

    /// The latent level at t ≥ reference: the curve under the levers, the level shift after
    /// `from`, the scenario's cap, and the metric's range.
    @inline(__always)
    func latent(_ curve: LaunchAnchoredCurve.Evaluator, at t: Double, _ draw: VariantLeverPlan.Draw,
                _ path: PathLevers) -> Double {
        let from = levers.fromTime
        var level: Double
        if t <= from || draw.growth == 1 && path.stretch == nil {
            level = curve.level(at: t)   // no lever: the curve at t itself, not at from + (t − from)
        } else {
            level = curve.level(at: from + draw.growth * (t - from))
            if let stretch = path.stretch { level = stretch.levelAtFrom + (level - stretch.levelAtFrom) * stretch.factor }
        }
        guard !isFlow else { return level }
        if t > from && path.naturalShift == nil { level += draw.shift }
        if scenarioCeiling.isFinite {
            let cap = t > from && levers.ceiling != nil ? draw.ceiling * scenarioCeiling : scenarioCeiling
            level = min(level, rangeTop.map { min(cap, $0) } ?? cap)
        }
        if t > from, let shift = path.naturalShift {
            level = scale.inverse(scale.transform(scale.clamp(level)) + shift)
        }
        return scale.clamp(level)
    }

    /// The top of the metric's range (a share's or a "k of N" count's bound), if any.
    var rangeTop: Double? {
        if case let .logit(bound) = scale { return bound }
        return nil
    }

    /// A ceiling lever stretches the headroom above the level at `from` (VariantLeverPlan),
    /// towards c·K but never past the metric's bound; a level shift on a bounded metric
    /// becomes a shift of h (``PathLevers``).
    @inline(__always)
    func pathLevers(_ model: FamilyModel, _ curve: LaunchAnchoredCurve.Evaluator, _ theta: [Double],
                    _ draw: VariantLeverPlan.Draw) -> PathLevers {
        var out = PathLevers()
        let needsFrom = (model.hasCeiling && levers.ceiling != nil) || (!isFlow && draw.shift != 0 && rangeTop != nil)
        guard needsFrom else { return out }
        let levelAtFrom = curve.level(at: levers.fromTime)
        if model.hasCeiling && levers.ceiling != nil {
            let ceiling = theta[0]
            let headroom = ceiling - levelAtFrom
            let target = rangeTop.map { min(draw.ceiling * ceiling, $0) } ?? draw.ceiling * ceiling
            out.stretch = (levelAtFrom, headroom > 0 ? (target - levelAtFrom) / headroom : 1)
        }
        if !isFlow, draw.shift != 0, let top = rangeTop {
            let inside = { (y: Double) in min(max(y, top * 1e-9), top * (1 - 1e-9)) }
            out.naturalShift = scale.transform(inside(levelAtFrom + draw.shift)) - scale.transform(inside(levelAtFrom))
        }
        return out
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

/// How one target is read off the clock (``PathSimulator``): for a flow, the running total
/// one reporting period before the deadline — observed (before the reference) or read
/// within clock step `lookbackIndex` at `lookbackWeight` between its two month ends.
struct TargetClockPlan: Sendable {
    var observedLookback: Double?
    var lookbackIndex = -1
    var lookbackWeight = 0.0

    init(_ target: SimulationTarget, clock: SimulationClock, flows: ObservedFlows, isFlow: Bool) {
        guard isFlow, let position = target.deadline else { return }
        let t = position.time - flows.period
        if t <= clock.referenceTime {
            observedLookback = flows.total(at: t)
            return
        }
        var previous = clock.referenceTime
        for m in 0..<clock.times.count {
            let tm = clock.times[m]
            if t <= tm {
                lookbackIndex = m
                lookbackWeight = tm > previous ? (t - previous) / (tm - previous) : 1
                return
            }
            previous = tm
        }
    }
}
