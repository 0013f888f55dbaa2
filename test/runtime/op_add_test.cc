// ADD: f32 sum with the clamp; int8 rescaling both inputs to the output scale.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpAddTest, F32SumWithClamp) {
  const auto a = RandomF32(30, 1), b = RandomF32(30, 2);
  GraphBuilder g;
  const uint16_t ai = g.Act(MOTE_DTYPE_F32, {2, 3, 5}), bi = g.Act(MOTE_DTYPE_F32, {2, 3, 5});
  const uint16_t yi = g.Act(MOTE_DTYPE_F32, {2, 3, 5});
  MoteOpRecord& op = g.Op(MOTE_OP_ADD, {ai, bi}, yi);
  op.act_min = 0.0f;
  op.act_max = 6.0f;
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({ai, bi}, {yi})), MOTE_RT_OK);
  m.SetInput(0, a);
  m.SetInput(1, b);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  const auto y = m.Output<float>(0);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(y[i], std::min(std::max(a[i] + b[i], 0.0f), 6.0f));
}

TEST(OpAddTest, Int8RescalesToTheOutputScale) {
  const float sa = 0.05f, sb = 0.11f, sy = 0.13f;
  const int32_t za = 3, zb = -9, zy = 2;
  const auto a = RandomI8(64, 3), b = RandomI8(64, 4);
  GraphBuilder g;
  const uint16_t ai = g.Act(MOTE_DTYPE_I8, {64}, sa, za), bi = g.Act(MOTE_DTYPE_I8, {64}, sb, zb);
  const uint16_t yi = g.Act(MOTE_DTYPE_I8, {64}, sy, zy);
  MoteOpRecord& op = g.OpI8(MOTE_OP_ADD, {ai, bi}, yi);
  QuantizeMultiplier(double(sa) / sy, &op.params[0], &op.params[1]);
  QuantizeMultiplier(double(sb) / sy, &op.params[2], &op.params[3]);
  const int32_t* p = op.params;
  const int32_t ma = p[0], sha = p[1], mb = p[2], shb = p[3];
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({ai, bi}, {yi})), MOTE_RT_OK);
  m.SetInput(0, a);
  m.SetInput(1, b);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  const auto y = m.Output<int8_t>(0);
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t ra = ReferenceRequant(a[i] - za, ma, sha, 0, -100000, 100000);
    const int32_t rb = ReferenceRequant(b[i] - zb, mb, shb, 0, -100000, 100000);
    const int32_t want = std::min(std::max(zy + ra + rb, -128), 127);
    ASSERT_EQ(y[i], want) << i;
    // ... and that is the real sum, requantized, within one step.
    const double real = sa * (a[i] - za) + sb * (b[i] - zb);
    const double q = std::min(std::max(std::round(real / sy) + zy, -128.0), 127.0);
    EXPECT_LE(std::abs(y[i] - q), 1.0) << i;
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
