// F32DenseRows with MVE float vectors (Helium: Cortex-M55, M85;
// src/kernels/target-backend.h selects it): the loop of dense-rows-mve.h with
// fused multiply-adds into 4 lanes of partial sums per output.
//
// The sum runs in another order than the scalar reference (4 partial sums,
// added at the end) with one rounding per step: results differ within the
// bound the board self-test checks (ports/cortex-m/kernel_selftest.cc).
#include "src/kernels/target-backend.h"

#if MOTE_KERNELS_F32_MVE
#include "src/kernels/dense-rows-mve.h"
#include "src/kernels/dense-rows.h"

namespace mote {
namespace kernels {
namespace target_backend {

void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  mve::DenseRows(m, n, k, a, lda, w, ldw, F32BiasClamp{bias, lo, hi}, c, ldc);
}

}  // namespace target_backend
}  // namespace kernels
}  // namespace mote
#endif  // MOTE_KERNELS_F32_MVE
