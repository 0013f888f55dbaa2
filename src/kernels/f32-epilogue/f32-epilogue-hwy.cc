// Highway per-channel affine + clamp, vectorized along the channels of each
// row with a scalar tail. Mul and Add stay separate (no MulAdd) and the clamp
// uses the reference's comparisons (NaN passes through), so results match the
// scalar reference bit for bit. Each element is read before it is written, so
// y == x is safe.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-epilogue/f32-epilogue-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Branches on scale/shift presence are hoisted into the template arguments.
template <bool kScale, bool kShift>
HWY_INLINE void EpilogueRows(size_t rows, size_t channels, const float* x, const float* scale,
                             const float* shift, float lo, float hi, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto vlo = hn::Set(d, lo);
  const auto vhi = hn::Set(d, hi);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    size_t ch = 0;
    for (; ch + N <= channels; ch += N) {
      auto v = hn::LoadU(d, xr + ch);
      if (kScale) v = hn::Mul(v, hn::LoadU(d, scale + ch));
      if (kShift) v = hn::Add(v, hn::LoadU(d, shift + ch));
      v = hn::IfThenElse(hn::Lt(v, vlo), vlo, v);
      v = hn::IfThenElse(hn::Gt(v, vhi), vhi, v);
      hn::StoreU(v, d, yr + ch);
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

void EpilogueAffineClampImpl(size_t rows, size_t channels, const float* x, const float* scale,
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

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(EpilogueAffineClampImpl);

namespace hwy_backend {
void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y) {
  HWY_DYNAMIC_DISPATCH(EpilogueAffineClampImpl)(rows, channels, x, scale, shift, lo, hi, y);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
