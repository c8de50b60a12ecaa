import CLinearAlgebra

/// What the processor running Uptake can do beyond its build's baseline (x86-64 or arm64),
/// for kernels built twice — portable and for a newer instruction set — and chosen at run
/// time (DESIGN.md, "Scale"; ``Forecasting``'s `LogisticLaneKernel`).
public enum ProcessorFeatures {
    /// The x86-64-v3 level (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE: Intel Haswell, AMD Zen and
    /// later); false on other architectures.
    public static let hasAVX2AndFMA: Bool = uptake_cpu_has_avx2_fma() != 0
}
