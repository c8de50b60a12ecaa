import Forecasting

/// Uptake's four-lane Monte Carlo kernel compiled for x86-64-v3 (AVX2 and FMA; Package.swift
/// builds this module with `-target-cpu haswell` on x86-64): the body is Forecasting's
/// inlinable ``LogisticLaneKernel/run(_:keys:parameters:noise:latents:series:reachTimes:noiseBefore:latentBefore:seriesBefore:)``,
/// inlined and code-generated here — 256-bit registers for its SIMD4 arithmetic and
/// three-operand instructions instead of SSE2's pairs and register copies. Swift does not
/// contract a multiply and an add into an FMA by itself, so the results are bit-for-bit the
/// portable kernel's (tested); only the speed differs.
///
/// Nothing in this module may run on a processor without x86-64-v3, so the decision to use it
/// is made elsewhere (compiled for the baseline): a program calls
/// `LogisticLaneKernel.installIfSupported(x86_64_v3: AVX2Kernels.logisticStep, environment: …)` at start-up, which
/// only evaluates `logisticStep` when the processor has the instructions.
public enum AVX2Kernels {
    /// The logistic lane step, compiled for this module's target.
    public static let logisticStep: LogisticLaneKernel.Function = {
        LogisticLaneKernel.run($0, keys: $1, parameters: $2, noise: &$3, latents: &$4, series: &$5, reachTimes: &$6,
                               noiseBefore: &$7, latentBefore: &$8, seriesBefore: &$9)
    }
}
