// xsimd F32DenseRows: the shared register blocking (dense-rows-xsimd.h) with
// fma; bias and clamp per output as in scalar.
#include "src/kernels/dense-rows-xsimd.h"
#include "src/kernels/dense-rows.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  DenseRowsBlocked(m, n, k, a, lda, w, ldw, F32BiasClamp{bias, lo, hi}, c, ldc);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
