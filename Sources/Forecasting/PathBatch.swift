import LinearAlgebra

/// The paths of one batch, as the batch's worker wrote them. Each batch is its own object,
/// so workers never share a buffer; reductions read batches in path order.
final class PathBatch: @unchecked Sendable {
    let start: Int
    let count: Int
    /// values[h·count + i]: path start + i at grid point h (a flow: the flow of grid period h).
    var values: [Double] = []
    /// Flows only: the running total at grid point h, [h·count + i].
    var totals: [Double] = []
    /// Per target j: [j·count + i]; the compared value at the deadline (NaN when the deadline
    /// is not in the forecast) and the decimal year the path first reaches the target (+∞ if
    /// never).
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
    /// Per clock point 0…M (0: the reference): the compared series (a level's measured
    /// value, a flow's running total), the latent level and the OU deviation.
    var series: [Double]
    var latent: [Double]
    var noise: [Double]

    init(models: [FamilyModel], clockLength: Int) {
        let rows = PathSimulator.batchSize
        familyOf = [Int](repeating: 0, count: rows)
        normals = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        deviations = models.map { Matrix(rows: rows, columns: $0.sampler.identifiedCount) }
        theta = models.map { [Double](repeating: 0, count: $0.estimates.count) }
        series = [Double](repeating: 0, count: clockLength + 1)
        latent = series
        noise = series
    }
}
