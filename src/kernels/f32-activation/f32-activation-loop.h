// Sigmoid / tanh, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-activation-{hwy,xsimd}.cc after
// their adapter, once per target): the algorithms of mote's ExpF, SigmoidF and
// TanhF (src/core/math.cc) lane by lane, same constants, same operation order
// and no fused multiply-add, so results match the scalar reference (built
// with -ffp-contract=off) to the last bit on full vectors (within an ulp on
// xsimd/neon64). Every branch of the scalar code is computed and selected per
// lane. The tail goes through a padded stack buffer so it uses the same vector
// code. In place allowed.
#include <stddef.h>

MOTE_SIMD_BEGIN
namespace {
using V = simd::V;

// ExpF: Cody-Waite reduction by ln 2, Cephes polynomial, scaling by 2^n in two
// steps. Inputs are clamped first so the integer conversion stays in range;
// the out-of-range lanes are then replaced like the scalar early returns.
MOTE_SIMD_INLINE V ActExp(V x) {
  const V hi = simd::Set(88.72283935546875f), lo = simd::Set(-87.33654022216797f);
  const V xc = simd::Min(simd::Max(x, lo), hi);
  const V nf = simd::Floor(simd::Add(simd::Mul(xc, simd::Set(1.44269504088896341f)), simd::Set(0.5f)));
  V r = simd::Sub(xc, simd::Mul(nf, simd::Set(0.693359375f)));
  r = simd::Add(r, simd::Mul(nf, simd::Set(2.12194440e-4f)));
  const V r2 = simd::Mul(r, r);
  V p = simd::Set(1.9875691500e-4f);
  p = simd::Add(simd::Mul(p, r), simd::Set(1.3981999507e-3f));
  p = simd::Add(simd::Mul(p, r), simd::Set(8.3334519073e-3f));
  p = simd::Add(simd::Mul(p, r), simd::Set(4.1665795894e-2f));
  p = simd::Add(simd::Mul(p, r), simd::Set(1.6666665459e-1f));
  p = simd::Add(simd::Mul(p, r), simd::Set(5.0000001201e-1f));
  V y = simd::Add(simd::Add(simd::Mul(p, r2), r), simd::Set(1.0f));
  const V half = simd::Trunc(simd::Mul(nf, simd::Set(0.5f)));  // n / 2 rounded toward 0, as in C
  y = simd::Mul(y, simd::Pow2(simd::Sub(nf, half)));
  y = simd::Mul(y, simd::Pow2(half));
  y = simd::Select(simd::Gt(x, hi), simd::Set(__builtin_inff()), y);
  y = simd::IfThenZeroElse(simd::Lt(x, lo), y);
  return simd::Select(simd::Eq(x, x), y, x);  // NaN stays NaN (x == x is false only for NaN)
}

MOTE_SIMD_INLINE V ActSigmoid(V x) {
  const V one = simd::Set(1.0f);
  const V e = ActExp(simd::Neg(simd::Abs(x)));
  const V denom = simd::Add(one, e);
  return simd::Select(simd::Ge(x, simd::Zero()), simd::Div(one, denom), simd::Div(e, denom));
}

MOTE_SIMD_INLINE V ActTanh(V x) {
  const V ax = simd::Abs(x);
  const simd::M negative = simd::Lt(x, simd::Zero());
  // |x| < 0.625: odd polynomial.
  const V z = simd::Mul(x, x);
  V p = simd::Set(-5.70498872745e-3f);
  p = simd::Add(simd::Mul(p, z), simd::Set(2.06390887954e-2f));
  p = simd::Add(simd::Mul(p, z), simd::Set(-5.37397155531e-2f));
  p = simd::Add(simd::Mul(p, z), simd::Set(1.33314422036e-1f));
  p = simd::Add(simd::Mul(p, z), simd::Set(-3.33332819422e-1f));
  const V small = simd::Add(simd::Mul(simd::Mul(p, z), x), x);
  // Otherwise 1 - 2 / (e^(2|x|) + 1) with the sign of x; +-1 beyond 9.
  const V one = simd::Set(1.0f);
  const V t = simd::Sub(one, simd::Div(simd::Set(2.0f), simd::Add(ActExp(simd::Add(ax, ax)), one)));
  V y = simd::Select(negative, simd::Neg(t), t);
  y = simd::Select(simd::Gt(ax, simd::Set(9.0f)), simd::Select(negative, simd::Neg(one), one), y);
  return simd::Select(simd::Lt(ax, simd::Set(0.625f)), small, y);
}

template <class F>
MOTE_SIMD_INLINE void ActApply(size_t n, const float* x, float* y, F f) {
  const size_t N = simd::Lanes();
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(f(simd::Load(x + i)), y + i);
  if (i < n) {
    alignas(64) float buf[simd::kMaxLanes] = {};
    const size_t rest = n - i;
    for (size_t j = 0; j < rest; ++j) buf[j] = x[i + j];
    simd::Store(f(simd::Load(buf)), buf);
    for (size_t j = 0; j < rest; ++j) y[i + j] = buf[j];
  }
}

}  // namespace

void F32Sigmoid(size_t n, const float* x, float* y) {
  ActApply(n, x, y, [](V v) { return ActSigmoid(v); });
}
void F32Tanh(size_t n, const float* x, float* y) {
  ActApply(n, x, y, [](V v) { return ActTanh(v); });
}

MOTE_SIMD_END
