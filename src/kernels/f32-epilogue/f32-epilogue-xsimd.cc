// xsimd per-channel affine + clamp, vectorized along the channels of each row
// with a scalar tail. Mul and add stay separate (no fma) and the clamp uses the
// reference's comparisons (NaN passes through), so results match the scalar
// reference bit for bit. Each element is read before it is written, so y == x
// is safe.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// Branches on scale/shift presence are hoisted into the template arguments.
template <bool kScale, bool kShift>
void EpilogueRows(size_t rows, size_t channels, const float* x, const float* scale,
                  const float* shift, float lo, float hi, float* y) {
  const Batch vlo(lo), vhi(hi);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    size_t ch = 0;
    for (; ch + kLanes <= channels; ch += kLanes) {
      Batch v = Batch::load_unaligned(xr + ch);
      if (kScale) v = v * Batch::load_unaligned(scale + ch);
      if (kShift) v = v + Batch::load_unaligned(shift + ch);
      v = xsimd::select(v < vlo, vlo, v);
      v = xsimd::select(v > vhi, vhi, v);
      v.store_unaligned(yr + ch);
    }
    for (; ch < channels; ++ch) {
      float v = xr[ch];
      if (kScale) v = v * scale[ch];
      if (kShift) v = v + shift[ch];
      v = v < lo ? lo : v;
      yr[ch] = v > hi ? hi : v;
    }
  }
}

}  // namespace

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y) {
  if (scale && shift)
    EpilogueRows<true, true>(rows, channels, x, scale, shift, lo, hi, y);
  else if (scale)
    EpilogueRows<true, false>(rows, channels, x, scale, shift, lo, hi, y);
  else if (shift)
    EpilogueRows<false, true>(rows, channels, x, scale, shift, lo, hi, y);
  else
    EpilogueRows<false, false>(rows, channels, x, scale, shift, lo, hi, y);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
