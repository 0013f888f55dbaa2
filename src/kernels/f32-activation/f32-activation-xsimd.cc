// xsimd sigmoid / tanh: the algorithms of mote's ExpF, SigmoidF and TanhF
// (src/core/math.cc) lane by lane, same constants, same operation order and no
// fma, so results match the scalar reference (built with -ffp-contract=off)
// to the last bit on x86 and within an ulp on neon64. Every branch of the
// scalar code is computed and selected per lane. The tail goes through a
// padded stack buffer so it uses the same vector code. In place allowed.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

using IntBatch = xsimd::batch<int32_t, Arch>;

// 2^e for integer-valued e in [-126, 127].
Batch Pow2(const Batch& e) {
  return xsimd::bitwise_cast<Batch>((xsimd::to_int(e) + IntBatch(127)) << 23);
}

// ExpF: Cody-Waite reduction by ln 2, Cephes polynomial, scaling by 2^n in two
// steps. Inputs are clamped first so the integer conversion stays in range;
// the out-of-range lanes are then replaced like the scalar early returns.
Batch Exp(const Batch& x) {
  const Batch hi(88.72283935546875f), lo(-87.33654022216797f);
  const Batch xc = xsimd::min(xsimd::max(x, lo), hi);
  const Batch nf = xsimd::floor(xc * Batch(1.44269504088896341f) + Batch(0.5f));
  Batch r = xc - nf * Batch(0.693359375f);
  r = r + nf * Batch(2.12194440e-4f);
  const Batch r2 = r * r;
  Batch p(1.9875691500e-4f);
  p = p * r + Batch(1.3981999507e-3f);
  p = p * r + Batch(8.3334519073e-3f);
  p = p * r + Batch(4.1665795894e-2f);
  p = p * r + Batch(1.6666665459e-1f);
  p = p * r + Batch(5.0000001201e-1f);
  Batch y = p * r2 + r + Batch(1.0f);
  const Batch half = xsimd::trunc(nf * Batch(0.5f));  // n / 2 rounded toward 0, as in C
  y = y * Pow2(nf - half);
  y = y * Pow2(half);
  y = xsimd::select(x > hi, Batch(__builtin_inff()), y);
  y = xsimd::select(x < lo, Batch(0.0f), y);
  return xsimd::select(x == x, y, x);  // NaN stays NaN (x == x is false only for NaN)
}

Batch Sigmoid(const Batch& x) {
  const Batch one(1.0f);
  const Batch e = Exp(-xsimd::abs(x));
  const Batch denom = one + e;
  return xsimd::select(x >= Batch(0.0f), one / denom, e / denom);
}

Batch Tanh(const Batch& x) {
  const Batch ax = xsimd::abs(x);
  const auto negative = x < Batch(0.0f);
  // |x| < 0.625: odd polynomial.
  const Batch z = x * x;
  Batch p(-5.70498872745e-3f);
  p = p * z + Batch(2.06390887954e-2f);
  p = p * z + Batch(-5.37397155531e-2f);
  p = p * z + Batch(1.33314422036e-1f);
  p = p * z + Batch(-3.33332819422e-1f);
  const Batch small = p * z * x + x;
  // Otherwise 1 - 2 / (e^(2|x|) + 1) with the sign of x; +-1 beyond 9.
  const Batch one(1.0f);
  const Batch t = one - Batch(2.0f) / (Exp(ax + ax) + one);
  Batch y = xsimd::select(negative, -t, t);
  y = xsimd::select(ax > Batch(9.0f), xsimd::select(negative, -one, one), y);
  return xsimd::select(ax < Batch(0.625f), small, y);
}

template <class F>
void Apply(size_t n, const float* x, float* y, F f) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) f(Batch::load_unaligned(x + i)).store_unaligned(y + i);
  if (i < n) {
    alignas(Arch::alignment()) float buf[kLanes] = {};
    const size_t rest = n - i;
    for (size_t j = 0; j < rest; ++j) buf[j] = x[i + j];
    f(Batch::load_aligned(buf)).store_aligned(buf);
    for (size_t j = 0; j < rest; ++j) y[i + j] = buf[j];
  }
}

}  // namespace

void F32Sigmoid(size_t n, const float* x, float* y) { Apply(n, x, y, Sigmoid); }
void F32Tanh(size_t n, const float* x, float* y) { Apply(n, x, y, Tanh); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
