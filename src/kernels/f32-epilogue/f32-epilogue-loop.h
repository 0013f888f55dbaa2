// Per-channel affine + clamp over rows x channels, written once against the
// vector adapter (src/kernels/simd-adapter.h; included by
// f32-epilogue-{hwy,xsimd}.cc after their adapter, once per target). The row
// loops are channel-rows-loop.h: vector code for any channel count, rows of
// fewer channels than lanes run as one flat array. Mul and Add stay separate
// (no fused multiply-add) and the clamp uses the reference's comparisons (NaN
// passes through), so results match the scalar reference bit for bit. Each
// element is read before it is written, so y == x is safe.
#include "src/kernels/channel-rows-loop.h"

MOTE_SIMD_BEGIN
namespace {

// y = clamp(x * scale + shift, lo, hi); scale/shift presence is hoisted into
// the template arguments.
template <bool kScale, bool kShift>
struct AffineClampOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = (kScale ? 1u : 0u) | (kShift ? 2u : 0u);
  static constexpr bool kOutput = true;
  float lo, hi;
  MOTE_SIMD_INLINE simd::V Apply(simd::V v, simd::V /*b*/, simd::V scale, simd::V shift, simd::V /*p2*/,
                                 simd::V /*p3*/) const {
    const simd::V vlo = simd::Set(lo), vhi = simd::Set(hi);
    if (kScale) v = simd::Mul(v, scale);
    if (kShift) v = simd::Add(v, shift);
    v = simd::Select(simd::Lt(v, vlo), vlo, v);
    return simd::Select(simd::Gt(v, vhi), vhi, v);
  }
};

template <bool kScale, bool kShift>
MOTE_SIMD_INLINE void EpilogueRows(size_t rows, size_t channels, const float* x, const float* scale,
                                   const float* shift, float lo, float hi, float* y) {
  channel_rows::MapChannelRows(AffineClampOp<kScale, kShift>{{x, nullptr, {scale, shift}, y}, lo, hi}, rows, channels);
}

}  // namespace

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale, const float* shift,
                           float lo, float hi, float* y) {
  if (scale && shift)
    EpilogueRows<true, true>(rows, channels, x, scale, shift, lo, hi, y);
  else if (scale)
    EpilogueRows<true, false>(rows, channels, x, scale, shift, lo, hi, y);
  else if (shift)
    EpilogueRows<false, true>(rows, channels, x, scale, shift, lo, hi, y);
  else
    EpilogueRows<false, false>(rows, channels, x, scale, shift, lo, hi, y);
}

MOTE_SIMD_END
