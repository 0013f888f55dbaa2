// SOFTMAX: per row over the last dim (in place is refused: loader_test).
#include <gtest/gtest.h>

#include <cmath>

#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpSoftmaxTest, PerRowOverTheLastDim) {
  const auto x = RandomF32(3 * 7, 1, -5.0f, 5.0f);
  GraphBuilder g;
  const uint16_t xi = g.Act(MOTE_DTYPE_F32, {3, 7});
  const uint16_t yi = g.Act(MOTE_DTYPE_F32, {3, 7});
  g.Op(MOTE_OP_SOFTMAX, {xi}, yi);
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({xi}, {yi})), MOTE_RT_OK);
  m.SetInput(0, x);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  const auto y = m.Output<float>(0);
  for (int r = 0; r < 3; ++r) {
    double sum = 0;
    for (int j = 0; j < 7; ++j) sum += std::exp(double(x[r * 7 + j]));
    for (int j = 0; j < 7; ++j) EXPECT_NEAR(y[r * 7 + j], std::exp(double(x[r * 7 + j])) / sum, 1e-6);
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
