// CHANNEL_AFFINE: y = clamp(x * scale[c] + shift[c]) per last-dim channel.
#include <gtest/gtest.h>

#include "op_test_util.h"

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
  std::vector<float> y;
  ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &y));
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(y[i], std::max(x[i] * scale[i % c] + shift[i % c], 0.0f), 1e-6f) << i;
}

}  // namespace
}  // namespace testing
}  // namespace mote
