// F32PanelRows, written once for both SIMD backends (included by
// f32-panel-rows-{hwy,xsimd}.cc after their adapter, once per target): a
// register tile of R rows x C vectors of output channels, one broadcast of
// each input value against C weight vectors (no horizontal sums: the panel
// layout, include/mote/kernels.h, puts a vector of channels in a row).
#include "src/kernels/panel-rows.h"

MOTE_SIMD_BEGIN
namespace panels {

// Tile shape: 8 x 3 accumulators where there are 32 vector registers
// (AVX-512, SVE), 4 x 3 with 16.
constexpr size_t kTileRows = simd::kMaxLanes >= 16 ? 8 : 4;
constexpr size_t kTileVectors = 3;

#define MOTE_PANEL_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

// c rows [0, R) x channels [0, cols) (cols <= C * L) of the tile whose
// weights start at w (its first channel's column), the next vectors at w + L
// and w + 2L inside the same panel or at the next panel (w_next: the column
// of each of the C vectors). bias_cols holds the tile's C * L biases.
template <size_t R, size_t C>
MOTE_SIMD_NOINLINE void PanelTile(size_t k, const float* a, size_t lda, size_t segment, size_t segment_stride,
                                  const float* w0, const float* w1, const float* w2, const float* bias_cols, float lo,
                                  float hi, float* c, size_t ldc, size_t cols) {
  using V = simd::V;
  const size_t lanes = simd::Lanes();
#define MOTE_PANEL_DECLARE(r) \
  V acc##r##0 = simd::Zero(); \
  V acc##r##1 = simd::Zero(); \
  V acc##r##2 = simd::Zero(); \
  const float* a##r = a + (R > r ? r : 0) * lda;
  MOTE_PANEL_ROWS(MOTE_PANEL_DECLARE)
#undef MOTE_PANEL_DECLARE
  for (size_t s0 = 0, run = 0; s0 < k; s0 += segment, run += segment_stride)
  for (size_t q = 0; q < segment; ++q) {
    const size_t p = run + q, off = (s0 + q) * kPanelChannels;
    // (Unused vectors load w0 again: no conditional on SVE's sizeless vectors.)
    const V v0 = simd::Load(w0 + off);
    const V v1 = simd::Load((C > 1 ? w1 : w0) + off);
    const V v2 = simd::Load((C > 2 ? w2 : w0) + off);
#define MOTE_PANEL_MAC(r)                                           \
  if constexpr (R > r) {                                            \
    const V x = simd::Set(a##r[p]);                                 \
    acc##r##0 = simd::MulAdd(x, v0, acc##r##0);                     \
    if constexpr (C > 1) acc##r##1 = simd::MulAdd(x, v1, acc##r##1); \
    if constexpr (C > 2) acc##r##2 = simd::MulAdd(x, v2, acc##r##2); \
  }
    MOTE_PANEL_ROWS(MOTE_PANEL_MAC)
#undef MOTE_PANEL_MAC
  }
  const V vlo = simd::Set(lo), vhi = simd::Set(hi);
  // (bias_cols may be the caller's bias itself: only C vectors are read.)
  const V b0 = simd::Load(bias_cols), b1 = simd::Load(bias_cols + (C > 1 ? lanes : 0)),
          b2 = simd::Load(bias_cols + (C > 2 ? 2 * lanes : 0));
  float out[kTileVectors * simd::kMaxLanes];
  const bool whole = cols == C * lanes;
#define MOTE_PANEL_STORE(r)                                                                   \
  if constexpr (R > r) {                                                                      \
    float* dst = whole ? c + r * ldc : out;                                                   \
    simd::Store(simd::Min(simd::Max(simd::Add(acc##r##0, b0), vlo), vhi), dst);               \
    if constexpr (C > 1) simd::Store(simd::Min(simd::Max(simd::Add(acc##r##1, b1), vlo), vhi), dst + lanes); \
    if constexpr (C > 2) simd::Store(simd::Min(simd::Max(simd::Add(acc##r##2, b2), vlo), vhi), dst + 2 * lanes); \
    if (!whole)                                                                               \
      for (size_t j = 0; j < cols; ++j) c[r * ldc + j] = out[j];                              \
  }
  MOTE_PANEL_ROWS(MOTE_PANEL_STORE)
#undef MOTE_PANEL_STORE
}

template <size_t C>
MOTE_SIMD_INLINE void PanelRowsOf(size_t m, size_t k, const float* a, size_t lda, size_t segment,
                                  size_t segment_stride, const float* w0, const float* w1, const float* w2,
                                  const float* bias_cols, float lo, float hi, float* c, size_t ldc, size_t cols) {
  size_t i = 0;
  for (; i + kTileRows <= m; i += kTileRows)
    PanelTile<kTileRows, C>(k, a + i * lda, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi,
                            c + i * ldc, ldc, cols);
  const float* ai = a + i * lda;
  float* ci = c + i * ldc;
  switch (m - i) {
    case 0: break;
    case 1: return PanelTile<1, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    case 2: return PanelTile<2, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    case 3: return PanelTile<3, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    case 4: return PanelTile<4, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    case 5: return PanelTile<5, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    case 6: return PanelTile<6, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
    default: return PanelTile<7, C>(k, ai, lda, segment, segment_stride, w0, w1, w2, bias_cols, lo, hi, ci, ldc, cols);
  }
}

}  // namespace panels

void F32PanelRows(size_t m, size_t n, size_t k, const float* a, size_t lda, size_t segment, size_t segment_stride,
                  const float* w, size_t ldp, const float* bias, float lo, float hi, float* c, size_t ldc) {
  const size_t lanes = simd::Lanes();
  if (lanes > kPanelChannels)
    return F32PanelRowsReference(m, n, k, a, lda, segment, segment_stride, w, ldp, bias, lo, hi, c, ldc);
  // Channels in groups of up to kTileVectors vectors, every row per group:
  // the group's weights stream once per tile of rows.
  for (size_t j = 0; j < n; j += panels::kTileVectors * lanes) {
    const size_t cols = n - j < panels::kTileVectors * lanes ? n - j : panels::kTileVectors * lanes;
    const size_t vectors = (cols + lanes - 1) / lanes;
    const float* wv[panels::kTileVectors];
    for (size_t v = 0; v < panels::kTileVectors; ++v) {
      const size_t ch = j + (v < vectors ? v : 0) * lanes;  // a channel padded inside its panel
      wv[v] = w + (ch / kPanelChannels) * ldp + ch % kPanelChannels;
    }
    // Whole vectors of biases are read in place; a partial group's (or none)
    // from a zero-padded copy. (No biases: zeros without touching `bias`; the
    // compiler's masked loads from a null pointer would fault, suppressed,
    // at the cost of a microcode assist each.)
    float padded_bias[panels::kTileVectors * simd::kMaxLanes];
    const float* bias_cols = padded_bias;
    if (bias == nullptr)
      for (size_t q = 0; q < vectors * lanes; ++q) padded_bias[q] = 0.0f;
    else if (cols != vectors * lanes)
      for (size_t q = 0; q < vectors * lanes; ++q) padded_bias[q] = q < cols ? bias[j + q] : 0.0f;
    else
      bias_cols = bias + j;
    switch (vectors) {
      case 1:
        panels::PanelRowsOf<1>(m, k, a, lda, segment, segment_stride, wv[0], wv[1], wv[2], bias_cols, lo, hi, c + j,
                                ldc, cols);
        break;
      case 2:
        panels::PanelRowsOf<2>(m, k, a, lda, segment, segment_stride, wv[0], wv[1], wv[2], bias_cols, lo, hi, c + j,
                                ldc, cols);
        break;
      default:
        panels::PanelRowsOf<3>(m, k, a, lda, segment, segment_stride, wv[0], wv[1], wv[2], bias_cols, lo, hi, c + j,
                               ldc, cols);
        break;
    }
  }
}
#undef MOTE_PANEL_ROWS
MOTE_SIMD_END
