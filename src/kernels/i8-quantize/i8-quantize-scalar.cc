// I8Quantize, the portable reference (also what a microcontroller runs).
#include "src/kernels/i8-quantize/i8-quantize.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {

int32_t RoundClampF32(float v, int32_t lo, int32_t hi) {
  // Clamp in float first (NaN fails both tests and lands on lo): the
  // conversions below then stay in range.
  if (!(v > float(lo))) return lo;
  if (!(v < float(hi))) return hi;
  // lo < v < hi with integer bounds: v rounded stays in [lo, hi].
  int32_t t = int32_t(v);  // toward zero; v - t is exact for |v| < 2^23
  const float frac = v - float(t);
  if (frac >= 0.5f) ++t;
  if (frac <= -0.5f) --t;
  return t;
}

namespace scalar_backend {

void I8Quantize(size_t n, const float* x, float scale, int32_t zero_point, int8_t* q) {
  // Rounded then shifted by the zero point: clamp the rounded value to the
  // range that lands in [-128, 127].
  for (size_t i = 0; i < n; ++i)
    q[i] = int8_t(RoundClampF32(x[i] / scale, -128 - zero_point, 127 - zero_point) + zero_point);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
