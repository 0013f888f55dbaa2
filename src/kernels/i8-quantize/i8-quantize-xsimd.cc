// xsimd build of I8Quantize: the select form (i8-quantize.h), which the
// compiler vectorizes for this build's instruction set (the adapter has no
// float -> int8 conversion).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/i8-quantize/i8-quantize.h"

MOTE_SIMD_BEGIN
void I8Quantize(size_t n, const float* x, float scale, int32_t zero_point, int8_t* q) {
  const float lo = float(-128 - zero_point), hi = float(127 - zero_point);
  for (size_t i = 0; i < n; ++i) q[i] = int8_t(RoundClampF32Select(x[i] / scale, lo, hi) + zero_point);
}
MOTE_SIMD_END
