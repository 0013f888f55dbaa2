// QUANTIZE (round half away from zero, saturating, NaN/inf safe) and
// DEQUANTIZE.
#include <gtest/gtest.h>

#include <cmath>

#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpQuantizeTest, RoundsHalfAwayAndSaturates) {
  const float scale = 0.5f;
  const int32_t zp = -3;
  const std::vector<float> x = {0.0f,   0.25f,  -0.25f, 0.75f, -0.75f, 0.2499999f, 1.0f, 100.0f, -100.0f,
                                62.75f, -62.75f, kInf,  -kInf, __builtin_nanf(""), 3e38f, 1e-30f};
  GraphBuilder g;
  const uint16_t xi = g.Act(MOTE_DTYPE_F32, {uint32_t(x.size())});
  const uint16_t qi = g.Act(MOTE_DTYPE_I8, {uint32_t(x.size())}, scale, zp);
  const uint16_t yi = g.Act(MOTE_DTYPE_F32, {uint32_t(x.size())});
  g.OpI8(MOTE_OP_QUANTIZE, {xi}, qi);
  g.Op(MOTE_OP_DEQUANTIZE, {qi}, yi);
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({xi}, {qi, yi})), MOTE_RT_OK);
  m.SetInput(0, x);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  const auto q = m.Output<int8_t>(0);
  const auto y = m.Output<float>(1);
  // x / 0.5 rounded half away, + zp, saturated; NaN goes to the low end.
  const std::vector<int8_t> want = {-3, -2, -4, -1, -5, -3, -1, 127, -128, 123, -128, 127, -128, -128, 127, -3};
  EXPECT_EQ(q, want);
  for (size_t i = 0; i < q.size(); ++i) EXPECT_EQ(y[i], scale * float(q[i] - zp)) << i;
}

TEST(OpQuantizeTest, MatchesRoundingReferenceOnRandomValues) {
  const float scale = 0.037f;
  const int32_t zp = 11;
  const auto x = RandomF32(500, 7, -6.0f, 6.0f);
  GraphBuilder g;
  const uint16_t xi = g.Act(MOTE_DTYPE_F32, {500});
  const uint16_t qi = g.Act(MOTE_DTYPE_I8, {500}, scale, zp);
  g.OpI8(MOTE_OP_QUANTIZE, {xi}, qi);
  std::vector<int8_t> q;
  ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {qi}), x, &q));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::min(std::max(double(std::round(x[i] / scale)) + zp, -128.0), 127.0);
    ASSERT_EQ(q[i], int8_t(want)) << x[i];
  }
}

// Every half step of the scale (the ties), both clamp ends and beyond, an
// odd count (vector tails): the hosted build's branch-free loop against
// RoundClampF32's rule.
TEST(OpQuantizeTest, MatchesRoundClampOnTiesAndEnds) {
  const float scale = 0.0625f;
  for (const int32_t zp : {-128, -5, 0, 17, 127}) {
    SCOPED_TRACE(zp);
    std::vector<float> x;
    for (int i = -601; i <= 601; ++i) x.push_back(float(i) * 0.5f * scale);
    x.push_back(kInf);
    x.push_back(__builtin_nanf(""));
    const uint32_t n = uint32_t(x.size());
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_F32, {n});
    const uint16_t qi = g.Act(MOTE_DTYPE_I8, {n}, scale, zp);
    g.OpI8(MOTE_OP_QUANTIZE, {xi}, qi);
    std::vector<int8_t> q;
    ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {qi}), x, &q));
    for (uint32_t i = 0; i < n; ++i) {
      // RoundClampF32: NaN and below to the low end, ties away from zero.
      const float v = x[i] / scale;
      const double lo = -128 - zp, hi = 127 - zp;
      const double want = !(v > lo) ? lo : (!(v < hi) ? hi : std::round(double(v)));
      ASSERT_EQ(int(q[i]), int(want) + zp) << x[i];
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
