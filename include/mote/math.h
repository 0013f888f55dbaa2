// Portable float math for the freestanding core and the scalar kernels: the
// same results on every target, without a platform libm. Accuracy is a few ulp
// over the ranges neural networks use; see each function.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mote {

// e^x. Relative error < 2e-7 for |x| < 87; 0 below -87.3, +inf above 88.7.
float ExpF(float x);
// Natural logarithm of x > 0 (relative error < 2e-7); -inf at 0, NaN below 0.
float LogF(float x);
// Double-precision natural log (used by the RNG); relative error < 1e-15.
double LogD(double x);
// tanh(x) via ExpF; absolute error < 3e-7.
float TanhF(float x);
// Logistic sigmoid 1 / (1 + e^-x).
float SigmoidF(float x);

inline float SqrtF(float x) { return __builtin_sqrtf(x); }
// Correctly rounded double square root: the instruction where the FPU has
// one, an exact integer algorithm on single-precision FPUs (Cortex-M4F).
double SqrtD(double x);

// True when none of x[0..n) is NaN or infinite (divergence checks). Reads
// every element (no early exit), so it vectorizes.
bool AllFinite(const float* x, size_t n);

namespace detail {
// The integer square root behind SqrtD on such FPUs (built everywhere, tested on the host).
double SoftSqrtD(double x);
}  // namespace detail

}  // namespace mote
