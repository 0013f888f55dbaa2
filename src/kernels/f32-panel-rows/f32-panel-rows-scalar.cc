#include "src/kernels/kernel-table.h"
#include "src/kernels/panel-rows.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32PanelRows(size_t m, size_t n, size_t k, const float* a, size_t lda, size_t segment, size_t segment_stride,
                  const float* w, size_t ldp, const float* bias, float lo, float hi, float* c, size_t ldc) {
  F32PanelRowsReference(m, n, k, a, lda, segment, segment_stride, w, ldp, bias, lo, hi, c, ldc);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
