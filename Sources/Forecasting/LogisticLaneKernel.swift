import Fitting
import LinearAlgebra
import Synchronization

/// The step of a plain logistic batch (one family, the logistic, no launch, no levers, a
/// level; ``PathSimulator/logisticLanes``), four paths at a time and fused: the innovation,
/// the curve, the running maximum, the measurement and each target's first crossing in one
/// pass over the paths, reading and writing the state once. It computes exactly what the
/// general loop of ``PathSimulator/advance(_:to:_:)`` computes for those paths (the same
/// operations in the same order), only without its per-path scratch arrays.
extension PathSimulator {
    /// True when every path of a batch can take the four-lane logistic step.
    var logisticLanes: Bool {
        !isFlow && !anyCalibrated && levers.isBaseline && models.count == 1 && models[0].family == .logistic
            && models[0].curve.launch == nil
    }

    /// The constants of clock step `m` for ``LogisticLaneKernel``.
    func logisticLaneStep(_ m: Int, time t: Double, previousTime: Double, decay: Double, innovationSD: Double,
                          count: Int) -> LogisticLaneStep {
        var active: [LogisticLaneStep.Target] = []
        for j in targets.indices where targets[j].earliest < .infinity && t >= targets[j].earliest {
            active.append(.init(value: targets[j].value, earliest: targets[j].earliest, base: j * count))
        }
        return LogisticLaneStep(
            slot: RandomDrawLayout.residualInnovations + m, time: t, previousTime: previousTime,
            decay: decay, innovationSD: innovationSD, addsZeroShift: t > levers.fromTime,
            cap: scenarioCeiling.isFinite ? cap : .infinity, top: rangeTop ?? .infinity, scale: scale,
            targets: active, keepBefore: targets.contains { $0.deadline?.index == m })
    }
}

/// What one clock step of the four-lane logistic kernel needs besides the paths' state: the
/// random-number slot of the step's innovations, the two clock points, the Ornstein–Uhlenbeck
/// coefficients, the clamps of ``PathSimulator``'s latent level, the scale and the targets
/// whose first crossing is tracked in the step.
public struct LogisticLaneStep: Sendable {
    /// A target tracked in the step: its value, the earliest time a crossing counts, and
    /// where its paths' reach times start in the reach-time array (target j at j·count).
    public struct Target: Sendable {
        public let value: Double
        public let earliest: Double
        public let base: Int
    }

    public let slot: Int
    public let time: Double
    public let previousTime: Double
    /// e ← decay·e + innovationSD·z.
    public let decay: Double
    public let innovationSD: Double
    /// After the levers' date, a zero shift is added (−0 + 0 = +0, as the scalar latent does).
    public let addsZeroShift: Bool
    /// The scenario's cap and the top of the metric's range (+∞ when there is none).
    public let cap: Double
    public let top: Double
    public let scale: NaturalScale
    public let targets: [Target]
    /// Write the state before the step to the `…Before` arrays (a deadline in the step reads it).
    public let keepBefore: Bool
}

/// The logistic parameters of a batch's paths as three arrays (K, r, t0 per path), so that
/// four paths' values load side by side.
public struct LogisticLaneParameters: Sendable {
    public var ceiling: [Double] = []
    public var rate: [Double] = []
    public var midpoint: [Double] = []

    init() {}

    init(_ thetas: [SIMD4<Double>]) {
        ceiling = thetas.map { $0[0] }
        rate = thetas.map { $0[1] }
        midpoint = thetas.map { $0[2] }
    }
}

/// The four-lane logistic step, built twice: here for the package's baseline instruction set
/// (x86-64 or arm64), and in the ForecastingAVX2 module — the same inlinable body compiled for
/// AVX2 and FMA — which a program installs at start-up when the processor has them
/// (``installIfSupported(x86_64_v3:environment:)``). On the same machine both compute bit-for-bit the same values: Swift
/// never contracts a multiply and an add into an FMA on its own, so only the speed differs.
/// (Across machines, the libm calls of the rare lanes — |x| ≥ 708 in `exp`, the ziggurat's
/// slow path — are glibc's, which picks its own FMA variants by processor.)
public enum LogisticLaneKernel {
    /// (step, keys, parameters, noise, latents, series, reachTimes, noiseBefore, latentBefore,
    /// seriesBefore) → the first path not moved; the arrays as ``run(_:keys:parameters:noise:latents:series:reachTimes:noiseBefore:latentBefore:seriesBefore:)``
    /// takes them.
    public typealias Function = @Sendable (LogisticLaneStep, [UInt64], LogisticLaneParameters,
                                           inout [Double], inout [Double], inout [Double], inout [Double],
                                           inout [Double], inout [Double], inout [Double]) -> Int

    /// The kernel in use: the portable one unless a program installed another before its
    /// first forecast. Reading it seals the slot: ``install(_:name:)`` afterwards traps, so no
    /// worker can read a kernel while it is being replaced.
    public static var current: Function {
        if !sealed.load(ordering: .relaxed) { sealed.store(true, ordering: .relaxed) }
        return installed
    }
    /// Written only by ``install(_:name:)`` before the slot is sealed, read after.
    nonisolated(unsafe) private static var installed: Function = {
        run($0, keys: $1, parameters: $2, noise: &$3, latents: &$4, series: &$5, reachTimes: &$6,
            noiseBefore: &$7, latentBefore: &$8, seriesBefore: &$9)
    }
    private static let sealed = Atomic<Bool>(false)
    /// The name of the kernel in use ("portable" or "x86-64-v3"; the kernel benchmark prints it —
    /// not run.json, whose bytes must not depend on the machine).
    nonisolated(unsafe) public private(set) static var currentName = "portable"

    /// Installs `kernel` for every later forecast. Call before the first one, from one thread
    /// (after it, this traps).
    public static func install(_ kernel: @escaping Function, name: String) {
        precondition(!sealed.load(ordering: .relaxed), "the lane kernel is installed before the first forecast")
        installed = kernel
        currentName = name
    }

    /// Installs the x86-64-v3 build (ForecastingAVX2's `AVX2Kernels.logisticStep`) when the
    /// processor has x86-64-v3 and `UPTAKE_PORTABLE_KERNEL` is not set in `environment`;
    /// returns whether it did. The kernel is only evaluated after the check, so no
    /// instruction of the newer set runs on a processor without it.
    @discardableResult
    public static func installIfSupported(x86_64_v3 kernel: @autoclosure () -> Function,
                                          environment: [String: String]) -> Bool {
        guard ProcessorFeatures.hasAVX2AndFMA, environment["UPTAKE_PORTABLE_KERNEL"] == nil else { return false }
        install(kernel(), name: "x86-64-v3")
        return true
    }

    /// Moves paths 0, 1, … through one clock step four at a time, and returns the first path
    /// it did not move: a group whose curve or measurement is not finite stops the lanes, and
    /// the general loop takes over there with its holding rules. Per path i: the deviation
    /// e, the latent level, the compared series and (with `step.keepBefore`) the three before
    /// the step; the reach time of target j at j·count + i.
    @inlinable @inline(__always)
    public static func run(_ step: LogisticLaneStep, keys: [UInt64], parameters: LogisticLaneParameters,
                           noise noiseArray: inout [Double], latents latentArray: inout [Double],
                           series seriesArray: inout [Double], reachTimes reachArray: inout [Double],
                           noiseBefore noiseBeforeArray: inout [Double], latentBefore latentBeforeArray: inout [Double],
                           seriesBefore seriesBeforeArray: inout [Double]) -> Int {
        let count = keys.count
        let normalTables = NormalZiggurat.tables
        let t = step.time, a = step.decay, sd = step.innovationSD, slot = step.slot
        let cap = SIMD4(repeating: step.cap), top = SIMD4(repeating: step.top)
        let interval = t - step.previousTime
        let ks = parameters.ceiling.span, rs = parameters.rate.span, midpoints = parameters.midpoint.span
        let keySpan = keys.span
        var noise = noiseArray.mutableSpan, latents = latentArray.mutableSpan, series = seriesArray.mutableSpan
        var reachTimes = reachArray.mutableSpan
        var noiseBefore = noiseBeforeArray.mutableSpan, latentBefore = latentBeforeArray.mutableSpan
        var seriesBefore = seriesBeforeArray.mutableSpan
        var g = 0
        while g + 4 <= count {
            let key = keySpan.lanes(at: g)
            var bits = SIMD4<UInt64>()
            for l in 0..<4 { bits[l] = CounterBasedRandomStream(key: key[l]).bits(slot) }
            let z = NormalZiggurat.normals(bits, normalTables)
            let k = ks.lanes(at: g), r = rs.lanes(at: g), t0 = midpoints.lanes(at: g)
            // The latent level: the curve, the zero shift, the cap, the range (PathSimulator.latent).
            var level = k * VectorMath.sigmoid(r * (t - t0))
            if step.addsZeroShift { level += 0 }
            level.replace(with: cap, where: level .> cap)
            level.replace(with: 0, where: level .< 0)
            level.replace(with: top, where: level .> top)
            guard allFinite(level) else { break }
            let before = noise.lanes(at: g)
            let e = a * before + sd * z
            let latent = latents.lanes(at: g)
            let running = latent.replacing(with: level, where: level .> latent)
            let y = step.scale.shifted(running, by: e)
            guard allFinite(y) else { break }
            let previous = series.lanes(at: g)
            if step.keepBefore {
                noiseBefore.setLanes(before, at: g)
                latentBefore.setLanes(latent, at: g)
                seriesBefore.setLanes(previous, at: g)
            }
            noise.setLanes(e, at: g)
            latents.setLanes(running, at: g)
            series.setLanes(y, at: g)
            // First crossings, linear between the two clock points (as the general loop). A
            // path stays above its target for many steps, so "not reached before" is tested
            // four lanes at once too.
            for target in step.targets {
                let crossed = (y .>= SIMD4(repeating: target.value))
                    .& (reachTimes.lanes(at: target.base + g) .== SIMD4(repeating: .infinity))
                guard any(crossed) else { continue }
                for l in 0..<4 where crossed[l] {
                    let fraction = y[l] > previous[l] ? (target.value - previous[l]) / (y[l] - previous[l]) : 1
                    reachTimes[target.base + g + l] = max(step.previousTime + min(max(fraction, 0), 1) * interval,
                                                          target.earliest)
                }
            }
            g += 4
        }
        return g
    }

    /// True when no lane is ±∞ or NaN (x − x is 0 exactly for finite x, NaN otherwise).
    @inlinable @inline(__always)
    static func allFinite(_ x: SIMD4<Double>) -> Bool {
        all(x - x .== SIMD4<Double>())
    }
}
