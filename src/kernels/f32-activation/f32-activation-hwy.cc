// Highway sigmoid / tanh: the algorithms of mote's ExpF, SigmoidF and TanhF
// (src/core/math.cc) lane by lane, same constants, same operation order and no
// MulAdd, so results match the scalar reference (built with
// -ffp-contract=off) to the last bit on full vectors. Every branch of the
// scalar code is computed and selected per lane. The tail goes through a
// padded stack buffer so it uses the same vector code. In place allowed.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-activation/f32-activation-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using ActTag = hn::ScalableTag<float>;
using ActVec = hn::Vec<ActTag>;

// 2^e for integer-valued e in [-126, 127].
HWY_INLINE ActVec ActPow2(ActTag d, ActVec e) {
  const hn::RebindToSigned<ActTag> di;
  return hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, e), hn::Set(di, 127))));
}

// ExpF: Cody-Waite reduction by ln 2, Cephes polynomial, scaling by 2^n in two
// steps. Inputs are clamped first so the integer conversion stays in range;
// the out-of-range lanes are then replaced like the scalar early returns.
HWY_INLINE ActVec ActExp(ActTag d, ActVec x) {
  const auto hi = hn::Set(d, 88.72283935546875f), lo = hn::Set(d, -87.33654022216797f);
  const auto xc = hn::Min(hn::Max(x, lo), hi);
  const auto nf = hn::Floor(hn::Add(hn::Mul(xc, hn::Set(d, 1.44269504088896341f)), hn::Set(d, 0.5f)));
  auto r = hn::Sub(xc, hn::Mul(nf, hn::Set(d, 0.693359375f)));
  r = hn::Add(r, hn::Mul(nf, hn::Set(d, 2.12194440e-4f)));
  const auto r2 = hn::Mul(r, r);
  auto p = hn::Set(d, 1.9875691500e-4f);
  p = hn::Add(hn::Mul(p, r), hn::Set(d, 1.3981999507e-3f));
  p = hn::Add(hn::Mul(p, r), hn::Set(d, 8.3334519073e-3f));
  p = hn::Add(hn::Mul(p, r), hn::Set(d, 4.1665795894e-2f));
  p = hn::Add(hn::Mul(p, r), hn::Set(d, 1.6666665459e-1f));
  p = hn::Add(hn::Mul(p, r), hn::Set(d, 5.0000001201e-1f));
  auto y = hn::Add(hn::Add(hn::Mul(p, r2), r), hn::Set(d, 1.0f));
  const auto half = hn::Trunc(hn::Mul(nf, hn::Set(d, 0.5f)));  // n / 2 rounded toward 0, as in C
  y = hn::Mul(y, ActPow2(d, hn::Sub(nf, half)));
  y = hn::Mul(y, ActPow2(d, half));
  y = hn::IfThenElse(hn::Gt(x, hi), hn::Set(d, __builtin_inff()), y);
  y = hn::IfThenZeroElse(hn::Lt(x, lo), y);
  return hn::IfThenElse(hn::Eq(x, x), y, x);  // NaN stays NaN (x == x is false only for NaN)
}

HWY_INLINE ActVec ActSigmoid(ActTag d, ActVec x) {
  const auto one = hn::Set(d, 1.0f);
  const auto e = ActExp(d, hn::Neg(hn::Abs(x)));
  const auto denom = hn::Add(one, e);
  return hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::Div(one, denom), hn::Div(e, denom));
}

HWY_INLINE ActVec ActTanh(ActTag d, ActVec x) {
  const auto ax = hn::Abs(x);
  const auto negative = hn::Lt(x, hn::Zero(d));
  // |x| < 0.625: odd polynomial.
  const auto z = hn::Mul(x, x);
  auto p = hn::Set(d, -5.70498872745e-3f);
  p = hn::Add(hn::Mul(p, z), hn::Set(d, 2.06390887954e-2f));
  p = hn::Add(hn::Mul(p, z), hn::Set(d, -5.37397155531e-2f));
  p = hn::Add(hn::Mul(p, z), hn::Set(d, 1.33314422036e-1f));
  p = hn::Add(hn::Mul(p, z), hn::Set(d, -3.33332819422e-1f));
  const auto small = hn::Add(hn::Mul(hn::Mul(p, z), x), x);
  // Otherwise 1 - 2 / (e^(2|x|) + 1) with the sign of x; +-1 beyond 9.
  const auto one = hn::Set(d, 1.0f);
  const auto t = hn::Sub(one, hn::Div(hn::Set(d, 2.0f), hn::Add(ActExp(d, hn::Add(ax, ax)), one)));
  auto y = hn::IfThenElse(negative, hn::Neg(t), t);
  y = hn::IfThenElse(hn::Gt(ax, hn::Set(d, 9.0f)), hn::IfThenElse(negative, hn::Neg(one), one), y);
  return hn::IfThenElse(hn::Lt(ax, hn::Set(d, 0.625f)), small, y);
}

template <class F>
HWY_INLINE void ActApply(size_t n, const float* x, float* y, F f) {
  const ActTag d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, y + i);
  if (i < n) {
    HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)] = {};
    const size_t rest = n - i;
    for (size_t j = 0; j < rest; ++j) buf[j] = x[i + j];
    hn::Store(f(d, hn::Load(d, buf)), d, buf);
    for (size_t j = 0; j < rest; ++j) y[i + j] = buf[j];
  }
}

void SigmoidImpl(size_t n, const float* x, float* y) {
  ActApply(n, x, y, [](ActTag d, ActVec v) { return ActSigmoid(d, v); });
}
void TanhImpl(size_t n, const float* x, float* y) {
  ActApply(n, x, y, [](ActTag d, ActVec v) { return ActTanh(d, v); });
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(SigmoidImpl);
HWY_EXPORT(TanhImpl);

namespace hwy_backend {
void F32Sigmoid(size_t n, const float* x, float* y) { HWY_DYNAMIC_DISPATCH(SigmoidImpl)(n, x, y); }
void F32Tanh(size_t n, const float* x, float* y) { HWY_DYNAMIC_DISPATCH(TanhImpl)(n, x, y); }
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
