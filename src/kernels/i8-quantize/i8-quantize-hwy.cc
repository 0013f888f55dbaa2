// Highway build of I8Quantize: a vector of floats at a time with the select
// form's operations (i8-quantize.h), so every target gives its bytes: a true
// division, the clamp as selects (NaN to the low end), truncation, the
// rounding correction from the fraction, all in float (exact: integers below
// 2^8), then the int read off the mantissa; the last partial vector in scalar.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-quantize/i8-quantize-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/i8-quantize/i8-quantize.h"

MOTE_SIMD_BEGIN
void I8Quantize(size_t n, const float* x, float scale, int32_t zero_point, int8_t* q) {
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const hn::Rebind<int8_t, decltype(df)> d8;
  const size_t lanes = hn::Lanes(df);
  const float lo = float(-128 - zero_point), hi = float(127 - zero_point);
  const auto vscale = hn::Set(df, scale), vlo = hn::Set(df, lo), vhi = hn::Set(df, hi);
  const auto half = hn::Set(df, 0.5f), minus_half = hn::Set(df, -0.5f), one = hn::Set(df, 1.0f);
  // 1.5 * 2^23 plus the zero point: added to an integral float in [lo, hi],
  // the sum's bits minus those of 1.5 * 2^23 are the int8 result (a float
  // to int conversion here would check for overflow, 4 more operations;
  // Highway 1.0.3's TruncateTo to uint8 permutes dwords on AVX3_DL, not bytes).
  const auto shift = hn::Set(df, 12582912.0f + float(zero_point));
  const auto shift_bits = hn::Set(di, 0x4B400000);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    auto v = hn::Div(hn::LoadU(df, x + i), vscale);
    v = hn::IfThenElse(hn::Gt(v, vlo), v, vlo);
    v = hn::IfThenElse(hn::Lt(v, vhi), v, vhi);
    auto t = hn::Trunc(v);  // int32_t(v) as a float: |v| < 2^8
    const auto frac = hn::Sub(v, t);
    t = hn::Add(t, hn::IfThenElseZero(hn::Ge(frac, half), one));
    t = hn::Sub(t, hn::IfThenElseZero(hn::Le(frac, minus_half), one));
    const auto result = hn::Sub(hn::BitCast(di, hn::Add(t, shift)), shift_bits);
    hn::StoreU(hn::DemoteTo(d8, result), d8, q + i);
  }
  for (; i < n; ++i) q[i] = int8_t(RoundClampF32Select(x[i] / scale, lo, hi) + zero_point);
}
MOTE_SIMD_END

#define MOTE_KERNEL_FAMILY_IS_i8_quantize 1
#include "src/kernels/hwy-dispatch.inc"
