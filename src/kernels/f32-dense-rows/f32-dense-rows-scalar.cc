#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  DenseRowsScalar<float>(m, n, k, a, lda, w, ldw, F32BiasClamp{bias, lo, hi}, c, ldc);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
