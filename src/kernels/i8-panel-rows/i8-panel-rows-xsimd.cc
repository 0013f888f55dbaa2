// xsimd build of I8PanelRows: the reference loop (panel-rows.h) compiled for
// this build's instruction set (no int8 dot product in the adapter).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/panel-rows.h"

MOTE_SIMD_BEGIN
void I8PanelRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, size_t segment, size_t segment_stride,
                 size_t row_width, size_t row_stride, const int8_t* w, size_t ldp, const I8Requant& requant, int8_t* c,
                 size_t ldc) {
  I8PanelRowsReference(m, n, k, a, lda, segment, segment_stride, row_width, row_stride, w, ldp, requant, c, ldc);
}
MOTE_SIMD_END
