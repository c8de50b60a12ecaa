import Fitting

/// Re-runs of one request under common random numbers (issue 12: ``LeverSeek``,
/// ``SensitivityAnalysis``, ``FamilyComparison``): the same seed, paths and targets every
/// time, so that P(met) moves only through what a run changes (a lever, the ceiling, the
/// noise, the families).
///
/// ```swift
/// let runs = CommonRandomNumberRuns(request, jobs: 2)
/// let faster = try runs.feasibility([VariantLevers(id: "x", growthMultiplier: .uniform(lower: 1.2, upper: 1.2))])
/// print(faster[0].map(\.pMeet))   // per target, in the request's order
/// ```
///
/// Every random number of a path is a function of (seed, path, draw slot)
/// (``CounterBasedRandomStream``, ``RandomDrawLayout``): a lever's draw has its own slot, so
/// adding one, or fixing it (`uniform(v, v)`: v + 0·u is v exactly), moves no other draw;
/// path i has the same family pick, parameters and noise in every run. With a lever that can
/// only raise each path's value (growth, ceiling, level shift, an earlier start of a
/// speed-up), P(met) is then a non-decreasing step function of the lever — what bisection
/// needs — instead of a noisy one.
///
/// What a run keeps from the request: everything but its variants (each run names its own),
/// the samples and fit.csv's parameter draws (not needed). The grid is kept whole, though
/// P(met) is read at the deadlines: a path whose curve overflows by the horizon (a far-tail
/// exponential) is run at the estimates (``PathSimulator``), so a shorter grid could change
/// which paths those are, and a run's P(met) would no longer be the forecast's. The targets
/// are all kept, in order: the bridge normal of a deadline between month ends is drawn at
/// slot `deadlineBridge + j` for target j.
struct CommonRandomNumberRuns: Sendable {
    let request: ForecastRequest
    let jobs: Int

    init(_ request: ForecastRequest, jobs: Int) {
        var request = request
        request.variants = []
        request.sampleCount = 0
        request.parameterDrawSummaryCount = 0
        request.reachQuantileLevel = nil
        self.request = request
        self.jobs = jobs
    }

    /// Per variant (in order), per target: the feasibility under those levers.
    func feasibility(_ variants: [VariantLevers]) throws -> [[TargetFeasibility]] {
        try feasibility(variants, adjusting: { _ in })
    }

    /// As ``feasibility(_:)`` with the request changed by `adjust` first (a ceiling, a noise
    /// scale, a family); the seed, paths and targets stay.
    func feasibility(_ variants: [VariantLevers], adjusting adjust: (inout ForecastRequest) -> Void) throws -> [[TargetFeasibility]] {
        try result(variants, adjusting: adjust).forecasts.map(\.feasibility)
    }

    /// The whole forecast of ``feasibility(_:adjusting:)`` (its fits and weights too).
    func result(_ variants: [VariantLevers], adjusting adjust: (inout ForecastRequest) -> Void = { _ in }) throws -> ForecastResult {
        var run = request
        adjust(&run)
        run.variants = variants
        run.seed = request.seed
        run.paths = request.paths
        run.targets = request.targets
        return try Forecaster.run(run, jobs: jobs)
    }
}
