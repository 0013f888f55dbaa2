// Highway build of I8PanelRows: VPDPBUSD on AVX3_DL
// (i8-panel-rows-vnni-hwy-inl.h), the reference loop (panel-rows.h, compiled
// for the target) elsewhere.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-panel-rows/i8-panel-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-vnni-hwy-inl.h"
#include "src/kernels/panel-rows.h"
#include "src/kernels/i8-panel-rows/i8-panel-rows-vnni-hwy-inl.h"

MOTE_SIMD_BEGIN
void I8PanelRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldp,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
#ifdef MOTE_I8_PANEL_ROWS_VNNI
  panels::VnniPanelRows(m, n, k, a, lda, w, ldp, requant, c, ldc);
#else
  I8PanelRowsReference(m, n, k, a, lda, w, ldp, requant, c, ldc);
#endif
}
MOTE_SIMD_END

#define MOTE_KERNEL_FAMILY_IS_i8_panel_rows 1
#include "src/kernels/hwy-dispatch.inc"
