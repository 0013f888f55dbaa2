// DEPTHWISE_CONV2D against naive loops (f32 with clamp, int8 with zero-point
// padding and per-channel requantization).
#include <gtest/gtest.h>

#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

struct DwCase {
  uint32_t h, w, c, kh, kw, sh, sw, pt, pl, oh, ow;
};
const DwCase kCases[] = {
    {5, 5, 3, 3, 3, 1, 1, 1, 1, 5, 5},
    {8, 7, 4, 3, 3, 2, 2, 1, 1, 4, 4},
    {6, 6, 1, 5, 1, 1, 3, 2, 0, 6, 2},
    {3, 3, 17, 3, 3, 1, 1, 0, 0, 1, 1},
};

template <class Acc, class T>
std::vector<Acc> NaiveDepthwise(const DwCase& k, const std::vector<T>& x, const std::vector<T>& w,
                                const std::vector<Acc>& bias, T pad) {
  std::vector<Acc> y(size_t(k.oh) * k.ow * k.c);
  for (uint32_t oy = 0; oy < k.oh; ++oy)
    for (uint32_t ox = 0; ox < k.ow; ++ox)
      for (uint32_t c = 0; c < k.c; ++c) {
        Acc acc = bias[c];
        for (uint32_t ky = 0; ky < k.kh; ++ky)
          for (uint32_t kx = 0; kx < k.kw; ++kx) {
            const long iy = long(oy * k.sh + ky) - long(k.pt), ix = long(ox * k.sw + kx) - long(k.pl);
            const bool inside = iy >= 0 && ix >= 0 && iy < long(k.h) && ix < long(k.w);
            const T v = inside ? x[(size_t(iy) * k.w + size_t(ix)) * k.c + c] : pad;
            acc += Acc(v) * Acc(w[(ky * k.kw + kx) * k.c + c]);
          }
        y[(oy * k.ow + ox) * k.c + c] = acc;
      }
  return y;
}

void SetParams(MoteOpRecord& op, const DwCase& k) {
  const int32_t p[] = {int32_t(k.kh), int32_t(k.kw), int32_t(k.sh), int32_t(k.sw), int32_t(k.pt), int32_t(k.pl)};
  memcpy(op.params, p, sizeof(p));
}

TEST(OpDepthwiseConv2DTest, F32MatchesNaiveLoops) {
  for (const DwCase& k : kCases) {
    const auto x = RandomF32(k.h * k.w * k.c, 1), w = RandomF32(k.kh * k.kw * k.c, 2), b = RandomF32(k.c, 3);
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_F32, {k.h, k.w, k.c});
    const uint16_t yi = g.Act(MOTE_DTYPE_F32, {k.oh, k.ow, k.c});
    MoteOpRecord& op =
        g.Op(MOTE_OP_DEPTHWISE_CONV2D, {xi, g.ConstF32({k.kh, k.kw, k.c}, w), g.ConstF32({k.c}, b)}, yi);
    SetParams(op, k);
    op.act_min = -0.25f;
    std::vector<float> got;
    ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
    const auto want = NaiveDepthwise<float>(k, x, w, b, 0.0f);
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], std::max(want[i], -0.25f), 1e-5f) << i;
  }
}

TEST(OpDepthwiseConv2DTest, Int8MatchesIntegerReference) {
  for (const DwCase& k : kCases) {
    const int32_t zp_in = 9, zp_out = -3;
    const auto x = RandomI8(k.h * k.w * k.c, 4), w = RandomI8(k.kh * k.kw * k.c, 5, -127, 127);
    std::vector<int32_t> bias(k.c), requant(2 * k.c);
    for (uint32_t c = 0; c < k.c; ++c) {
      bias[c] = int32_t(c * 300) - 400;
      QuantizeMultiplier(0.01 + 0.003 * c, &requant[c], &requant[k.c + c]);
    }
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_I8, {k.h, k.w, k.c}, 0.1f, zp_in);
    const uint16_t yi = g.Act(MOTE_DTYPE_I8, {k.oh, k.ow, k.c}, 0.1f, zp_out);
    MoteOpRecord& op = g.OpI8(MOTE_OP_DEPTHWISE_CONV2D,
                              {xi, g.ConstI8({k.kh, k.kw, k.c}, w), g.ConstI32({k.c}, bias),
                               g.ConstI32({2 * k.c}, requant)},
                              yi);
    SetParams(op, k);
    std::vector<int8_t> got;
    ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
    const auto acc = NaiveDepthwise<int32_t>(k, x, w, bias, int8_t(zp_in));
    for (size_t i = 0; i < acc.size(); ++i) {
      const uint32_t c = uint32_t(i % k.c);
      ASSERT_EQ(got[i], ReferenceRequant(acc[i], requant[c], requant[k.c + c], zp_out, -128, 127)) << i;
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
