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
    /// The path's random stream (seed, path).
    var streams: [CounterBasedRandomStream] = []
    var family: [Int] = []
    var curves: [LaunchAnchoredCurve.Evaluator] = []
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

    /// The values at the latest grid point (a flow: the flow of the grid period) and, for
    /// flows, the running total there.
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
    var failure: (any Error)?

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
