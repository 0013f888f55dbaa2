#include "src/kernels/kernel-table.h"
#include "src/kernels/panel-rows.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void I8PanelRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, size_t segment, size_t segment_stride,
                 size_t row_width, size_t row_stride, const int8_t* w, size_t ldp, const I8Requant& requant, int8_t* c,
                 size_t ldc) {
  I8PanelRowsReference(m, n, k, a, lda, segment, segment_stride, row_width, row_stride, w, ldp, requant, c, ldc);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
