// Highway build of I8PanelRows: VPDPBUSD on AVX3_DL
// (i8-panel-rows-vnni-hwy-inl.h, i8-panel-lanes-vnni-hwy-inl.h), the
// reference loop (panel-rows.h, compiled for the target) elsewhere; and
// I8PadImage, in vectors on AVX-512.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-panel-rows/i8-panel-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-vnni-hwy-inl.h"
#include "src/kernels/panel-rows.h"
#include "src/kernels/i8-panel-rows/i8-panel-rows-vnni-hwy-inl.h"
#include "src/kernels/i8-panel-rows/i8-panel-lanes-vnni-hwy-inl.h"

MOTE_SIMD_BEGIN
void I8PanelRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, size_t segment, size_t segment_stride,
                 size_t row_width, size_t row_stride, const int8_t* w, size_t ldp, const I8Requant& requant, int8_t* c,
                 size_t ldc) {
#ifdef MOTE_I8_PANEL_ROWS_VNNI
  // Runs of whole quads only (the conv convention: every kernel row's bytes
  // a multiple of 4); a single run may end in a partial quad.
  if (segment >= k || segment % 4 == 0) {
    const panels::PanelInput in{a, lda, segment >= k ? k : segment, segment_stride, row_width, row_stride};
    // Windows a few bytes apart (Cin * stride_w <= 4) into one panel:
    // pixels in lanes (i8-panel-lanes-vnni-hwy-inl.h).
    if (panels::PixelLanesFit(n, lda)) return panels::VnniPixelLanes(m, n, k, in, w, requant, c, ldc);
    return panels::VnniPanelRows(m, n, k, in, w, ldp, requant, c, ldc);
  }
#endif
  I8PanelRowsReference(m, n, k, a, lda, segment, segment_stride, row_width, row_stride, w, ldp, requant, c, ldc);
}

void I8PadImage(const int8_t* x, size_t x_stride, size_t in_rows, size_t copy_bytes, int8_t pad, size_t top,
                size_t left, int8_t* out, size_t rows, size_t row_bytes, size_t extra) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  // Masked stores for the partial vectors (native on AVX-512; Highway
  // emulates them elsewhere by a whole-vector load and store, which would
  // touch bytes past the buffer, so other targets keep the reference).
  const hn::ScalableTag<int8_t> d;
  const size_t lanes = hn::Lanes(d), total = rows * row_bytes + extra;
  const auto fill = hn::Set(d, pad);
  size_t i = 0;
  for (; i + lanes <= total; i += lanes) hn::StoreU(fill, d, out + i);
  if (i < total) hn::BlendedStore(fill, hn::FirstN(d, total - i), d, out + i);
  for (size_t r = 0; r < in_rows && top + r < rows; ++r) {
    const int8_t* src = x + r * x_stride;
    int8_t* dst = out + (top + r) * row_bytes + left;
    size_t j = 0;
    for (; j + lanes <= copy_bytes; j += lanes) hn::StoreU(hn::LoadU(d, src + j), d, dst + j);
    if (j < copy_bytes) {
      const auto live = hn::FirstN(d, copy_bytes - j);
      hn::BlendedStore(hn::MaskedLoad(live, d, src + j), live, d, dst + j);
    }
  }
#else
  I8PadImageReference(x, x_stride, in_rows, copy_bytes, pad, top, left, out, rows, row_bytes, extra);
#endif
}
MOTE_SIMD_END

#define MOTE_KERNEL_FAMILY_IS_i8_panel_rows 1
#include "src/kernels/hwy-dispatch.inc"
