import Foundation
import Fitting
import LinearAlgebra

/// One family of the Monte Carlo mixture, ready to simulate.
struct FamilyModel: Sendable {
    let family: CurveFamily
    let curve: LaunchAnchoredCurve
    let estimates: [Double]
    let hasCeiling: Bool
    let sampler: ParameterSampler
    let residual: ResidualProcess
}

/// Where a target's deadline falls on the grid: between the previous point (the reference
/// point when `index` is 0) and grid point `index`, at fraction `weight` of the way.
struct DeadlinePosition: Sendable {
    let index: Int
    let weight: Double

    /// nil when the deadline is not after the reference time (decided by the data).
    init?(deadline: Double, referenceTime: Double, times: [Double]) {
        guard deadline > referenceTime, let index = times.firstIndex(where: { $0 >= deadline }) else { return nil }
        let previous = index == 0 ? referenceTime : times[index - 1]
        self.index = index
        weight = deadline >= times[index] ? 1 : (deadline - previous) / (times[index] - previous)
    }
}

/// The paths of one batch, as the batch's worker wrote them. Each batch is its own object,
/// so workers never share a buffer; reductions read batches in path order.
final class PathBatch: @unchecked Sendable {
    let start: Int
    let count: Int
    /// values[h·count + i]: path start + i at grid point h.
    var values: [Double] = []
    /// Per target j: [j·count + i]; the value at the deadline (NaN when the deadline is not in
    /// the forecast) and the decimal year the path first reaches the target (+∞ if never).
    var deadlineValues: [Double] = []
    var reachTimes: [Double] = []
    /// Paths whose drawn parameters gave a non-finite level and were re-run at the estimate.
    var fallbackCount = 0
    var failure: (any Error)?

    init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }
}

/// Scratch space of one worker, allocated once and reused for every batch it simulates:
/// no allocation per path.
struct BatchWorkspace {
    var familyOf: [Int]
    var normals: [Matrix]
    var deviations: [Matrix]
    var theta: [[Double]]
    var trajectory: [Double]

    init(models: [FamilyModel], steps: Int) {
        let rows = PathSimulator.batchSize
        familyOf = [Int](repeating: 0, count: rows)
        normals = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        deviations = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        theta = models.map { [Double](repeating: 0, count: $0.estimates.count) }
        trajectory = [Double](repeating: 0, count: steps)
    }
}

/// Simulates the paths of one variant, batch by batch (DESIGN.md, "Monte Carlo").
///
/// Per path p (random numbers from ``CounterBasedRandomStream``(seed, p), common to all
/// variants):
/// 1. a family, with probability its model weight;
/// 2. its parameters (``ParameterSampler``: one dgemm per family and batch);
/// 3. the levers of the variant (``VariantLeverPlan``);
/// 4. at each grid time, the curve (for flows: its increase over the grid period), the
///    level shift, then an observation through the ``ResidualProcess``;
/// 5. physics: shares in [0, bound], counts ≥ 0; for cumulative series (observed levels)
///    the level stays under the path's ceiling (× multiplier) and never falls — a running
///    maximum that starts at the last observed value, since a cumulative count cannot go
///    below what has been counted. Where the ceiling and the running maximum disagree
///    (a drawn ceiling below the last observation), the observation wins.
///
/// A path whose drawn parameters make the curve non-finite (a far-tail draw of an
/// exponential growth rate) is re-run with the estimates and counted; the count is reported.
struct PathSimulator: Sendable {
    /// Paths per batch. Fixed (not derived from the number of workers) so that every dgemm
    /// has the same shape; a shard of paths should start at a multiple of it.
    static let batchSize = 256

    let models: [FamilyModel]
    let cumulativeWeights: [Double]
    let seed: UInt64
    let times: [Double]
    let referenceTime: Double
    /// The last observed value, if any.
    let lastObserved: Double?
    let isFlow: Bool
    let shareBound: Double?
    /// The scenario's own cap on the level: a fixed ceiling, or the top of a ceiling range
    /// (∞ otherwise). It binds every family, trends included: 542 traders are 542 traders
    /// whatever curve is drawn. A ceiling multiplier lever scales it after `from`.
    let scenarioCeiling: Double
    let levers: VariantLeverPlan
    /// Per target: its value and where its deadline falls (nil: not in the forecast).
    let targets: [(value: Double, deadline: DeadlinePosition?)]

    func simulate(_ batch: PathBatch, _ workspace: inout BatchWorkspace) {
        let steps = times.count
        let count = batch.count
        let targetCount = targets.count
        // Local buffers, handed to the batch at the end: writes through a class property would
        // pay an exclusivity check each.
        var values = [Double](repeating: 0, count: steps * count)
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

        // Pass 2: each path over the grid.
        for i in 0..<count {
            let stream = CounterBasedRandomStream(seed: seed, path: batch.start + i)
            let f = workspace.familyOf[i]
            let model = models[f]
            model.sampler.naturalParameters(row: i, of: workspace.deviations[f], stream, into: &workspace.theta[f])
            let draw = levers.draw(stream)
            if !simulatePath(model, workspace.theta[f], draw, stream, &workspace.trajectory) {
                fallbacks += 1
                _ = simulatePath(model, model.estimates, draw, stream, &workspace.trajectory)
            }
            let reference = referenceValue(model, workspace.theta[f])
            for h in 0..<steps { values[h * count + i] = workspace.trajectory[h] }
            for (j, target) in targets.enumerated() {
                if let position = target.deadline {
                    let x = workspace.trajectory[position.index]
                    let previous = position.index == 0 ? reference : workspace.trajectory[position.index - 1]
                    deadlineValues[j * count + i] = position.weight == 1 ? x : previous + position.weight * (x - previous)
                }
                reachTimes[j * count + i] = firstReached(target.value, reference: reference, workspace.trajectory)
            }
        }
        batch.values = values
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

    /// The value at the reference time: the last observation, or without observations the
    /// curve there (0 at a launch).
    @inline(__always)
    func referenceValue(_ model: FamilyModel, _ theta: [Double]) -> Double {
        if let lastObserved { return lastObserved }
        if isFlow { return 0 }
        let y = model.curve.level(at: referenceTime, theta)
        return y.isFinite ? max(y, 0) : 0
    }

    /// The decimal year the path first reaches `value`: linear between the grid point where
    /// it is first at or above and the point before (the reference point before the first);
    /// +∞ if it never does by the horizon.
    @inline(__always)
    func firstReached(_ value: Double, reference: Double, _ path: [Double]) -> Double {
        if reference >= value { return referenceTime }
        var previousTime = referenceTime, previousValue = reference
        for h in 0..<times.count {
            let y = path[h]
            if y >= value {
                let fraction = y > previousValue ? (value - previousValue) / (y - previousValue) : 1
                return previousTime + min(max(fraction, 0), 1) * (times[h] - previousTime)
            }
            previousTime = times[h]
            previousValue = y
        }
        return .infinity
    }

    /// One path into `path`; false if a value was not finite (then `path` is sanitised).
    @inline(__always)
    func simulatePath(_ model: FamilyModel, _ theta: [Double], _ draw: VariantLeverPlan.Draw,
                      _ stream: CounterBasedRandomStream, _ path: inout [Double]) -> Bool {
        let curve = model.curve.evaluator(theta)
        let from = levers.fromTime
        let ceilingLever = model.hasCeiling && levers.ceiling != nil
        let ceiling = model.hasCeiling ? theta[0] : Double.infinity
        var levelAtFrom = 0.0, stretch = 1.0
        if ceilingLever {
            levelAtFrom = curve.level(at: from)
            let headroom = ceiling - levelAtFrom
            stretch = headroom > 0 ? (draw.ceiling * ceiling - levelAtFrom) / headroom : 1
        }
        let isCumulative = !isFlow
        var floor = isCumulative ? (lastObserved ?? 0) : -Double.infinity
        var previousLevel = isFlow ? curve.level(at: referenceTime) : 0
        var deviation = model.residual.start
        var finite = true
        for h in 0..<times.count {
            let t = times[h]
            var level: Double
            if t <= from || draw.growth == 1 && !ceilingLever {
                level = curve.level(at: t)   // no lever: the curve at t itself, not at from + (t − from)
            } else {
                level = curve.level(at: from + draw.growth * (t - from))
                if ceilingLever { level = levelAtFrom + (level - levelAtFrom) * stretch }
            }
            var y = level
            if isFlow {
                y = level - previousLevel
                previousLevel = level
            }
            if t >= from { y += draw.shift }
            deviation = model.residual.next(deviation, innovation: stream.normal(RandomDrawLayout.residualInnovations + h))
            y = model.residual.observe(y, deviation: deviation)
            if !y.isFinite {
                finite = false
                y = floor.isFinite ? floor : 0
            }
            if let shareBound { y = min(max(y, 0), shareBound) } else { y = max(y, 0) }
            if scenarioCeiling.isFinite && !isFlow {
                y = min(y, t > from && levers.ceiling != nil ? draw.ceiling * scenarioCeiling : scenarioCeiling)
            }
            if isCumulative {
                if model.hasCeiling { y = min(y, t > from ? draw.ceiling * ceiling : ceiling) }
                y = max(y, floor)
                floor = y
            }
            path[h] = y
        }
        return finite
    }
}
