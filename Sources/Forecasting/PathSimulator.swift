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

    func simulate(_ batch: PathBatch, _ workspace: inout BatchWorkspace) {
        let steps = clock.gridIndices.count
        let count = batch.count
        let targetCount = targets.count
        var values = [Double](repeating: 0, count: steps * count)
        var totals = isFlow ? [Double](repeating: 0, count: steps * count) : []
        var deadlineValues = [Double](repeating: .nan, count: targetCount * count)
        var reachTimes = [Double](repeating: .infinity, count: targetCount * count)
        var fallbacks = 0

        // Pass 1: families and the normals of the parameter draws, then one dgemm per family.
        for f in models.indices where models[f].sampler.identifiedCount > 0 {
            let elements = workspace.normals[f].elements.count
            for e in 0..<elements { workspace.normals[f].elements[e] = 0 }
        }
        for i in 0..<count {
            let stream = CounterBasedRandomStream(seed: seed, path: batch.start + i)
            let f = family(stream.uniform(RandomDrawLayout.family))
            workspace.familyOf[i] = f
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

        // Pass 2: each path over the clock.
        for i in 0..<count {
            let stream = CounterBasedRandomStream(seed: seed, path: batch.start + i)
            let f = workspace.familyOf[i]
            let model = models[f]
            model.sampler.naturalParameters(row: i, of: workspace.deviations[f], stream, into: &workspace.theta[f])
            let draw = levers.draw(stream)
            if !simulatePath(model, workspace.theta[f], draw, stream, &workspace) {
                fallbacks += 1
                _ = simulatePath(model, model.estimates, draw, stream, &workspace)
            }
            let path = workspace.series
            for (h, m) in clock.gridIndices.enumerated() {
                if isFlow {
                    let previous = h == 0 ? path[0] : path[clock.gridIndices[h - 1] + 1]
                    values[h * count + i] = path[m + 1] - previous
                    totals[h * count + i] = path[m + 1]
                } else {
                    values[h * count + i] = path[m + 1]
                }
            }
            for (j, target) in targets.enumerated() {
                if let position = target.deadline {
                    deadlineValues[j * count + i] = valueAtDeadline(j, target, position, model, workspace.theta[f], draw,
                                                                    stream, workspace)
                }
                reachTimes[j * count + i] = firstReached(target, workspace.series)
            }
        }
        batch.values = values
        batch.totals = totals
        batch.deadlineValues = deadlineValues
        batch.reachTimes = reachTimes
        batch.fallbackCount = fallbacks
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

    /// One path into the workspace's clock arrays; false if a value was not finite (then the
    /// arrays are sanitised).
    @inline(__always)
    func simulatePath(_ model: FamilyModel, _ theta: [Double], _ draw: VariantLeverPlan.Draw,
                      _ stream: CounterBasedRandomStream, _ workspace: inout BatchWorkspace) -> Bool {
        let curve = model.curve.evaluator(theta)
        let pathLevers = self.pathLevers(model, curve, theta, draw)
        let t0 = referenceTime
        let sigma = model.residual.sigma
        var finite = true
        var latentLevel = latent(curve, at: t0, draw, pathLevers)
        if !latentLevel.isFinite { finite = false; latentLevel = 0 }
        workspace.latent[0] = latentLevel

        // The deviation at the reference: the one that puts the measurement on the last
        // observation; without observations, a draw from the stationary distribution.
        var e: Double
        if isFlow {
            if let last = flows.last {
                let modelled = curve.level(at: last.end) - curve.level(at: last.start)
                e = scale.transformObserved(last.flow, floor: observationFloor) - scale.transformObserved(modelled, floor: observationFloor)
            } else {
                e = sigma * stream.normal(RandomDrawLayout.stationaryStart)
            }
        } else if let lastObserved {
            e = scale.transformObserved(lastObserved, floor: observationFloor) - scale.transformObserved(latentLevel, floor: observationFloor)
        } else {
            e = sigma * stream.normal(RandomDrawLayout.stationaryStart)
        }
        if !e.isFinite { finite = false; e = 0 }
        workspace.noise[0] = e
        workspace.series[0] = isFlow ? flows.total : (lastObserved ?? latentLevel)

        var running = latentLevel
        var total = flows.total
        var shiftPending = isFlow && draw.shift != 0
        var period = 0
        for m in 0..<clock.times.count {
            let t = clock.times[m]
            if isFlow {
                // A flow's noise was fitted to whole reporting periods: one deviation per
                // period (k = 1, 2, … periods of `flows.period` after the reference, on a
                // fixed alignment), shared by its months, so a period's flow has the fitted
                // σ whatever the output step (monthly draws would average it away).
                let k = max(1, Int(((t - t0) / flows.period - 1e-9).rounded(.up)))
                while period < k {
                    period += 1
                    e = model.residual.next(e, over: flows.period,
                                            innovation: stream.normal(RandomDrawLayout.residualInnovations + period - 1))
                }
            } else {
                e = model.decays[m] * e + model.innovationSDs[m] * stream.normal(RandomDrawLayout.residualInnovations + m)
            }
            var level = latent(curve, at: t, draw, pathLevers)
            if !level.isFinite { finite = false; level = running }
            let increase = max(level - running, 0)
            running = max(running, level)
            workspace.latent[m + 1] = running
            workspace.noise[m + 1] = e
            if isFlow {
                // The month's flow: the latent increase, with multiplicative noise.
                var flow = increase * exp(e)
                if shiftPending && t > levers.fromTime { flow += draw.shift; shiftPending = false }
                if !flow.isFinite { finite = false; flow = 0 }
                total += flow
                workspace.series[m + 1] = total
            } else {
                let deviation = model.calibratedErrors?.map(e, horizon: t - t0) ?? e
                var y = scale.inverse(scale.transform(running) + deviation)
                if !y.isFinite { finite = false; y = workspace.series[m] }
                workspace.series[m + 1] = y
            }
        }
        return finite
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

    /// The running total of a flow path at time t ≤ the last clock point: observed before the
    /// reference, linear within a month after it.
    @inline(__always)
    func total(at t: Double, _ series: [Double]) -> Double {
        if t <= referenceTime { return flows.total(at: t) }
        var previous = referenceTime
        for m in 0..<clock.times.count {
            let tm = clock.times[m]
            if t <= tm {
                let w = tm > previous ? (t - previous) / (tm - previous) : 1
                return series[m] + w * (series[m + 1] - series[m])
            }
            previous = tm
        }
        return series[clock.times.count]
    }

    /// What target j compares at clock point m (0: the reference).
    @inline(__always)
    func compared(_ target: SimulationTarget, at m: Int, _ series: [Double]) -> Double {
        guard isFlow, !target.cumulative else { return series[m] }
        let t = m == 0 ? referenceTime : clock.times[m - 1]
        return series[m] - total(at: t - flows.period, series)
    }

    /// The compared value at a deadline: on a month end, the path's value there; between two,
    /// the latent curve at the deadline and the OU bridge (levels), or the total interpolated
    /// within the month (flows).
    func valueAtDeadline(_ j: Int, _ target: SimulationTarget, _ position: ClockPosition, _ model: FamilyModel,
                         _ theta: [Double], _ draw: VariantLeverPlan.Draw, _ stream: CounterBasedRandomStream,
                         _ workspace: BatchWorkspace) -> Double {
        let m = position.index
        if isFlow {
            let now = total(at: position.time, workspace.series)
            return target.cumulative ? now : now - total(at: position.time - flows.period, workspace.series)
        }
        if position.isOnClock { return workspace.series[m + 1] }
        let curve = model.curve.evaluator(theta)
        var level = latent(curve, at: position.time, draw, pathLevers(model, curve, theta, draw))
        level = max(level.isFinite ? level : 0, workspace.latent[m])
        var e = model.residual.bridge(workspace.noise[m], workspace.noise[m + 1], before: position.before,
                                      after: position.after, innovation: stream.normal(RandomDrawLayout.deadlineBridge + j))
        if let calibrated = model.calibratedErrors { e = calibrated.map(e, horizon: position.time - referenceTime) }
        let y = scale.inverse(scale.transform(level) + e)
        return y.isFinite ? y : workspace.series[m]
    }

    /// The decimal year the path first reaches the target: linear between the clock point
    /// where it is first at or above and the point before (the reference point before the
    /// first); +∞ if it never does by the horizon.
    @inline(__always)
    func firstReached(_ target: SimulationTarget, _ series: [Double]) -> Double {
        guard target.earliest < .infinity else { return .infinity }
        let value = target.value
        var previousValue = compared(target, at: 0, series)
        if previousValue >= value && referenceTime >= target.earliest { return referenceTime }
        var previousTime = referenceTime
        for m in 0..<clock.times.count {
            let y = compared(target, at: m + 1, series)
            let t = clock.times[m]
            if y >= value && t >= target.earliest {
                let fraction = y > previousValue ? (value - previousValue) / (y - previousValue) : 1
                return max(previousTime + min(max(fraction, 0), 1) * (t - previousTime), target.earliest)
            }
            previousTime = t
            previousValue = y
        }
        return .infinity
    }
}
