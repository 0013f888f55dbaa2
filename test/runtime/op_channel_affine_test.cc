// CHANNEL_AFFINE: y = clamp(x * scale[c] + shift[c]) per last-dim channel.
#include <gtest/gtest.h>

#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpChannelAffineTest, PerChannelScaleShiftClamp) {
  const uint32_t c = 5;
  const auto x = RandomF32(3 * 2 * c, 1), scale = RandomF32(c, 2), shift = RandomF32(c, 3);
  GraphBuilder g;
  const uint16_t xi = g.Act(MOTE_DTYPE_F32, {3, 2, c});
  const uint16_t yi = g.Act(MOTE_DTYPE_F32, {3, 2, c});
  g.Op(MOTE_OP_CHANNEL_AFFINE, {xi, g.ConstF32({c}, scale), g.ConstF32({c}, shift)}, yi).act_min = 0.0f;
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({xi}, {yi})), MOTE_RT_OK);
  m.SetInput(0, x);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  const auto y = m.Output<float>(0);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(y[i], std::max(x[i] * scale[i % c] + shift[i % c], 0.0f), 1e-6f) << i;
}

}  // namespace
}  // namespace testing
}  // namespace mote
