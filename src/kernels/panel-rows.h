// Rows against weights packed in output-channel panels (F32PanelRows,
// I8PanelRows; the layout is in include/mote/kernels.h): the reference loops,
// shared by the scalar backend and by the SIMD targets without a blocked
// version. Internal linkage: included by kernels.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

inline size_t F32PanelIndex(size_t j, size_t p, size_t ldp) {
  return (j / kPanelChannels) * ldp + p * kPanelChannels + j % kPanelChannels;
}
inline size_t I8PanelIndex(size_t j, size_t p, size_t ldp) {
  return (j / kPanelChannels) * ldp + (p / 4) * (kPanelChannels * 4) + (j % kPanelChannels) * 4 + p % 4;
}

// Each output summed in p order, then bias and clamp.
inline void F32PanelRowsReference(size_t m, size_t n, size_t k, const float* a, size_t lda, size_t segment,
                                  size_t segment_stride, const float* w, size_t ldp, const float* bias, float lo,
                                  float hi, float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i) {
    const float* ai = a + i * lda;
    for (size_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (size_t p = 0; p < k; ++p)
        sum += ai[(p / segment) * segment_stride + p % segment] * w[F32PanelIndex(j, 0, ldp) + p * kPanelChannels];
      float v = sum + (bias != nullptr ? bias[j] : 0.0f);
      v = v < lo ? lo : v;
      c[i * ldc + j] = v > hi ? hi : v;
    }
  }
}

// I8PadImage: all of it `pad`, then the input rows into place.
inline void I8PadImageReference(const int8_t* x, size_t x_stride, size_t in_rows, size_t copy_bytes, int8_t pad,
                                size_t top, size_t left, int8_t* out, size_t rows, size_t row_bytes, size_t extra) {
  __builtin_memset(out, pad, rows * row_bytes + extra);
  for (size_t i = 0; i < in_rows && top + i < rows; ++i)
    __builtin_memcpy(out + (top + i) * row_bytes + left, x + i * x_stride, copy_bytes);
}

// Exact int32 sums (wrapping like the SIMD dot products), then I8RequantizeOne.
inline void I8PanelRowsReference(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, size_t segment,
                                 size_t segment_stride, size_t row_width, size_t row_stride, const int8_t* w,
                                 size_t ldp, const I8Requant& rq, int8_t* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i) {
    const int8_t* ai = a + (i / row_width) * row_stride + (i % row_width) * lda;
    for (size_t j = 0; j < n; ++j) {
      uint32_t sum = 0;
      for (size_t p = 0; p < k; ++p)
        sum += uint32_t(int32_t(ai[(p / segment) * segment_stride + p % segment]) *
                        int32_t(w[I8PanelIndex(j, p, ldp)]));
      const uint32_t skipped =
          rq.skipped_weight_sums != nullptr ? uint32_t(rq.skipped_input) * uint32_t(rq.skipped_weight_sums[j]) : 0u;
      c[i * ldc + j] = int8_t(I8RequantizeOne(int32_t(uint32_t(rq.bias[j]) + skipped + sum), rq.multiplier[j],
                                              rq.shift[j], rq.out_zero_point, rq.out_min, rq.out_max));
    }
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
