import Forecasting
import LinearAlgebra

/// Uptake's four-lane Monte Carlo kernel compiled for x86-64-v3 (AVX2 and FMA; Package.swift
/// builds this module with `-target-cpu haswell` on x86-64): the body is Forecasting's
/// inlinable ``LogisticLaneKernel/run(_:keys:parameters:noise:latents:series:reachTimes:noiseBefore:latentBefore:seriesBefore:)``,
/// inlined and code-generated here — 256-bit registers for its SIMD4 arithmetic and
/// three-operand instructions instead of SSE2's pairs and register copies. Swift does not
/// contract a multiply and an add into an FMA by itself, so the results are bit-for-bit the
/// portable kernel's (tested); only the speed differs.
///
/// Forecasting cannot import this module (it sits above it), so a program installs it:
/// `AVX2Kernels.installIfSupported()` at start-up, before the first forecast.
public enum AVX2Kernels {
    /// Installs the AVX2 kernel when the processor has x86-64-v3 and `UPTAKE_PORTABLE_KERNEL`
    /// is not set in the environment; returns whether it did.
    @discardableResult
    public static func installIfSupported(environment: [String: String]) -> Bool {
        guard ProcessorFeatures.hasAVX2AndFMA, environment["UPTAKE_PORTABLE_KERNEL"] == nil else { return false }
        LogisticLaneKernel.install(logisticStep, name: "x86-64-v3")
        return true
    }

    /// The logistic lane step, compiled for this module's target.
    public static let logisticStep: LogisticLaneKernel.Function = {
        LogisticLaneKernel.run($0, keys: $1, parameters: $2, noise: &$3, latents: &$4, series: &$5, reachTimes: &$6,
                               noiseBefore: &$7, latentBefore: &$8, seriesBefore: &$9)
    }
}
