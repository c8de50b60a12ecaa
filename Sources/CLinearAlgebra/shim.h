// OpenBLAS's CBLAS plus the reference LAPACKE C interface (Debian ships LAPACKE
// separately from OpenBLAS: liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
