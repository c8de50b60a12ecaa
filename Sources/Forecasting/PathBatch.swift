import Fitting
import LinearAlgebra

/// The state of one batch of paths between two clock points, as a struct of arrays (one
/// array per quantity over the batch's paths), advanced step by step by ``PathSimulator``.
/// Each batch is its own object, so workers never share a buffer; reductions read batches in
/// path order. Its size does not depend on the number of steps: a forecast holds only the
/// paths' current state, never their whole trajectories (memory O(paths)).
final class PathBatch: @unchecked Sendable {
    let start: Int
    let count: Int

    // Set once by ``PathSimulator/prepare(_:_:)``.
    /// The key of the path's random stream (seed, path): ``CounterBasedRandomStream/init(key:)``.
    var keys: [UInt64] = []
    var family: [UInt8] = []
    /// The path's curve parameters (the family's curve is the model's), as θ and the value
    /// at launch in two arrays (a `PackedParameters` array would pad each to 64 bytes).
    var thetas: [SIMD4<Double>] = []
    var atLaunch: [Double] = []
    /// The same parameters as three arrays when the batch takes the four-lane logistic step.
    var logistic = LogisticLaneParameters()
    /// The variant's levers as drawn for each path; empty for a variant without levers.
    var draws: [VariantLeverPlan.Draw] = []
    var levers: [PathSimulator.PathLevers] = []

    // The state at the last clock point simulated (`clockIndex`; −1: the reference).
    var clockIndex = -1
    /// The Ornstein–Uhlenbeck deviation e, the latent level (a running maximum) and the
    /// compared series (a level's measured value, a flow's running total).
    var noise: [Double] = []
    var latent: [Double] = []
    var series: [Double] = []
    /// Flows: reporting periods whose deviation has been drawn; whether a level shift is
    /// still to be added; the running total at the previous grid point.
    var period: [Int] = []
    var shiftPending: [Bool] = []
    var totalAtLastGrid: [Double] = []

    /// Flows: the flow of the grid period at the latest grid point and the running total
    /// there. A level's value there is `series` itself (``gridValues``).
    var values: [Double] = []
    var totals: [Double] = []
    /// Per target j: [j·count + i]; the compared value at the deadline (NaN when the deadline
    /// is not in the forecast), the decimal year the path first reaches the target (+∞ if
    /// never), and for flows the running total one reporting period before the deadline.
    var deadlineValues: [Double] = []
    var reachTimes: [Double] = []
    var lookbackTotals: [Double] = []

    /// Paths whose drawn parameters gave a non-finite start or end and were run at the
    /// estimates; paths with a non-finite value in between, held at their last finite one.
    var fallbackCount = 0
    var sanitisedCount = 0
    /// The natural parameters of the paths below ``PathSimulator/recordedDrawCount``.
    var recordedDraws: [[Double]] = []
    var failure: (any Error)?

    /// The values at the latest grid point.
    var gridValues: [Double] { values.isEmpty ? series : values }

    @inline(__always)
    func parameters(_ i: Int) -> LaunchAnchoredCurve.PackedParameters {
        LaunchAnchoredCurve.PackedParameters(theta: thetas[i], atLaunch: atLaunch[i])
    }

    /// Frees everything but the per-target results (reach dates, deadline values) once the
    /// last grid point is summarised.
    func releaseState() {
        keys = []; family = []; thetas = []; atLaunch = []; logistic = LogisticLaneParameters(); draws = []; levers = []
        noise = []; latent = []; series = []; period = []; shiftPending = []; totalAtLastGrid = []
        values = []; totals = []; lookbackTotals = []
    }

    init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }
}

/// Scratch space of one worker for the parameter draws, allocated once and reused for
/// every batch it prepares: no allocation per path.
struct BatchWorkspace {
    var normals: [Matrix]
    var deviations: [Matrix]
    var theta: [[Double]]

    init(models: [FamilyModel]) {
        let rows = PathSimulator.batchSize
        normals = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        deviations = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        theta = models.map { [Double](repeating: 0, count: $0.estimates.count) }
    }
}

/// Scratch of one worker's step loop (``PathSimulator/advance(_:to:_:)``), allocated once per
/// worker and reused for every batch and clock step. Each worker owns its own (never shared
/// between threads while in use).
final class StepScratch: @unchecked Sendable {
    var deviation: [Double] = [], running: [Double] = [], measured: [Double] = []
    var noiseBefore: [Double] = [], seriesBefore: [Double] = [], latentBefore: [Double] = []
    var curveFinite: [Bool] = []
    var decay: [Double] = [], innovationSD: [Double] = []

    /// Room for `paths` paths (padded to a multiple of four) and `families` families.
    func reserve(paths: Int, families: Int) {
        if deviation.count < paths {
            deviation = [Double](repeating: 0, count: paths)
            running = deviation; measured = deviation
            noiseBefore = deviation; seriesBefore = deviation; latentBefore = deviation
            curveFinite = [Bool](repeating: true, count: paths)
        }
        if decay.count < families {
            decay = [Double](repeating: 0, count: families)
            innovationSD = decay
        }
    }

    /// Empties the buffers while the loop holds them (so they stay uniquely referenced).
    func release() {
        deviation = []; running = []; measured = []
        noiseBefore = []; seriesBefore = []; latentBefore = []
        curveFinite = []; decay = []; innovationSD = []
    }
}
