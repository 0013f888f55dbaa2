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

void I8PadImage(const int8_t* x, size_t x_stride, size_t in_rows, size_t copy_bytes, int8_t pad, size_t top,
                size_t left, int8_t* out, size_t rows, size_t row_bytes, size_t extra) {
  I8PadImageReference(x, x_stride, in_rows, copy_bytes, pad, top, left, out, rows, row_bytes, extra);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
