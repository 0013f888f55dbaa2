// I8ConvRows with MVE integer vectors (Helium: Cortex-M55, M85;
// src/kernels/i8-variant.h selects it): im2col of as many rows as the
// columns hold (a pair with the planned scratch), then the MVE dense rows of
// dense-rows-mve.h, which take 2 rows against 2 weight rows (one VMLADAVA:
// 16 multiply-adds). Integer sums are exact and the shared requantization
// finishes each: bit-identical to the reference. I8RowSums: exact int32 sums.
#include "src/kernels/i8-variant.h"

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>

#include "src/kernels/dense-rows-mve.h"
#include "src/kernels/dense-rows.h"
#include "src/kernels/im2col-rows.h"

namespace mote {
namespace kernels {

void i8_mve::I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,
                        size_t row_end, const int8_t* w, size_t ldw, size_t n, const I8Requant& requant,
                        int8_t* columns, size_t columns_bytes, int8_t* c, size_t ldc) {
  const size_t k = g.patch_size();
  const size_t tile = k == 0 ? row_end - row_begin : columns_bytes / k;
  for (size_t r = row_begin; r < row_end; r += tile) {
    const size_t end = row_end - r < tile ? row_end : r + tile;
    Im2ColRows(g, input, pad_value, r, end, columns);
    mve::DenseRows(end - r, n, k, columns, k, w, ldw, I8BiasRequantize{requant}, c + (r - row_begin) * ldc, ldc);
  }
}

// Row sums with VADDVA.S8 (16 weights per step, the tail predicated).
void i8_mve::I8RowSums(size_t n, size_t k, const int8_t* w, size_t ldw, int32_t* sums) {
  for (size_t j = 0; j < n; ++j) {
    const int8_t* row = w + j * ldw;
    int32_t s = 0;
    for (size_t p = 0; p < k; p += 16) {
      const mve_pred16_t tail = vctp8q(uint32_t(k - p));
      s = vaddvaq_p_s8(s, vldrbq_z_s8(row + p, tail), tail);
    }
    sums[j] += s;
  }
}

}  // namespace kernels
}  // namespace mote
#endif  // __ARM_FEATURE_MVE
