// GLOBAL_AVG_POOL: per-channel mean over H*W (f32, and int8 rounded half away
// from zero with the input's quantization).
#include <gtest/gtest.h>

#include <cmath>

#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

template <class T>
std::vector<T> RunGap(uint32_t h, uint32_t w, uint32_t c, const std::vector<T>& x, float lo, float hi) {
  const MoteDType dtype = sizeof(T) == 1 ? MOTE_DTYPE_I8 : MOTE_DTYPE_F32;
  const float scale = sizeof(T) == 1 ? 0.5f : 0.0f;
  GraphBuilder g;
  const uint16_t xi = g.Act(dtype, {h, w, c}, scale, 0);
  const uint16_t yi = g.Act(dtype, {c}, scale, 0);
  MoteOpRecord& op = g.Op(MOTE_OP_GLOBAL_AVG_POOL, {xi}, yi);
  op.act_min = lo;
  op.act_max = hi;
  std::vector<T> y;
  RunOnce(g.Build({xi}, {yi}), x, &y);
  return y;
}

TEST(OpGlobalAvgPoolTest, MeanPerChannel) {
  const uint32_t h = 3, w = 5, c = 7;
  const auto xf = RandomF32(h * w * c, 1);
  const auto xq = RandomI8(h * w * c, 2);
  const auto yf = RunGap(h, w, c, xf, -kInf, 0.2f);
  const auto yq = RunGap(h, w, c, xq, -128.0f, 127.0f);
  for (uint32_t ch = 0; ch < c; ++ch) {
    double sf = 0, sq = 0;
    for (uint32_t p = 0; p < h * w; ++p) {
      sf += xf[p * c + ch];
      sq += xq[p * c + ch];
    }
    EXPECT_NEAR(yf[ch], std::min(sf / (h * w), 0.2), 1e-6);
    EXPECT_EQ(yq[ch], int8_t(std::round(sq / (h * w))));
  }
  // Halves round away from zero: mean of {1, 2} and of {-1, -2}.
  EXPECT_EQ(RunGap<int8_t>(1, 2, 2, {1, -1, 2, -2}, -128.0f, 127.0f), (std::vector<int8_t>{2, -2}));
}

}  // namespace
}  // namespace testing
}  // namespace mote
