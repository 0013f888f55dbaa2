// The arithmetic of I8Quantize for one value, in two forms that give the same
// int for every float (the tests check both against each other and every SIMD
// path against them): with branches, the scalar backend's (what a
// microcontroller runs), and with selects, the form compilers vectorize.
#pragma once
#include <stdint.h>

namespace mote {
namespace kernels {

// v rounded to the nearest int, halves away from zero, then clamped to
// [lo, hi] (|lo|, |hi| < 2^24); NaN gives lo. Exact for every float. Out of
// line (i8-quantize-scalar.cc): the runtime's loader calls it too, and a
// microcontroller keeps one copy.
int32_t RoundClampF32(float v, int32_t lo, int32_t hi);

// RoundClampF32 without branches: the clamp as selects (MAXPS / MINPS on x86;
// NaN fails v > lo and lands on lo as there), then the same rounding.
inline int32_t RoundClampF32Select(float v, float lo, float hi) {
  v = v > lo ? v : lo;
  v = v < hi ? v : hi;
  const int32_t t = int32_t(v);
  const float frac = v - float(t);
  return t + int32_t(frac >= 0.5f) - int32_t(frac <= -0.5f);
}

}  // namespace kernels
}  // namespace mote
