// Highway per-channel affine + clamp over rows x channels
// (channel-rows-hwy-inl.h: vector code for any channel count, rows of fewer
// channels than lanes run as one flat array). Mul and Add stay separate (no
// MulAdd) and the clamp uses the reference's comparisons (NaN passes through),
// so results match the scalar reference bit for bit. Each element is read
// before it is written, so y == x is safe.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-epilogue/f32-epilogue-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "src/kernels/channel-rows-hwy-inl.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// y = clamp(x * scale + shift, lo, hi); scale/shift presence is hoisted into
// the template arguments.
template <bool kScale, bool kShift>
struct AffineClampOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = (kScale ? 1u : 0u) | (kShift ? 2u : 0u);
  static constexpr bool kOutput = true;
  float lo, hi;
  template <class D, class V>
  HWY_INLINE V Apply(D d, V v, V /*b*/, V scale, V shift, V /*p2*/, V /*p3*/) const {
    const V vlo = hn::Set(d, lo), vhi = hn::Set(d, hi);
    if (kScale) v = hn::Mul(v, scale);
    if (kShift) v = hn::Add(v, shift);
    v = hn::IfThenElse(hn::Lt(v, vlo), vlo, v);
    return hn::IfThenElse(hn::Gt(v, vhi), vhi, v);
  }
};

template <bool kScale, bool kShift>
HWY_INLINE void EpilogueRows(size_t rows, size_t channels, const float* x, const float* scale,
                             const float* shift, float lo, float hi, float* y) {
  channel_rows::MapChannelRows(AffineClampOp<kScale, kShift>{{x, nullptr, {scale, shift}, y}, lo, hi}, rows, channels);
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
