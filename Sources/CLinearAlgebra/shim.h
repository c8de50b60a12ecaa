// OpenBLAS's CBLAS plus the reference LAPACKE C interface (Debian ships LAPACKE
// separately from OpenBLAS: liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>

// Whether this CPU runs x86-64-v3 code (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE: Haswell and
// later, AMD Zen): Uptake's four-lane Monte Carlo kernel has a build for it, chosen at run time
// (LinearAlgebra's `ProcessorFeatures`). Elsewhere: 0.
static inline int uptake_cpu_has_avx2_fma(void) {
#if defined(__x86_64__) && defined(__clang__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v3");
#else
    return 0;
#endif
}
