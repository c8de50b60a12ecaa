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
}
