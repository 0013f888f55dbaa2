// MAX_POOL2D / AVG_POOL2D against naive loops: padding never takes part, the
// int8 mean rounds half away from zero, the op's clamp applies.
#include <gtest/gtest.h>

#include <cmath>

#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

struct PoolCase {
  uint32_t h, w, c, ph, pw, sh, sw, pt, pl, oh, ow;
};
const PoolCase kCases[] = {
    {4, 4, 3, 2, 2, 2, 2, 0, 0, 2, 2},
    {5, 5, 2, 3, 3, 1, 1, 1, 1, 5, 5},  // padded border windows have fewer pixels
    {7, 5, 1, 3, 2, 2, 2, 1, 1, 4, 3},
};

// Naive pool over the in-bounds pixels: max, or the mean (as double).
std::vector<double> NaivePool(const PoolCase& k, const std::vector<double>& x, bool max) {
  std::vector<double> y(size_t(k.oh) * k.ow * k.c);
  for (uint32_t oy = 0; oy < k.oh; ++oy)
    for (uint32_t ox = 0; ox < k.ow; ++ox)
      for (uint32_t c = 0; c < k.c; ++c) {
        double acc = max ? -1e30 : 0.0;
        int count = 0;
        for (uint32_t ky = 0; ky < k.ph; ++ky)
          for (uint32_t kx = 0; kx < k.pw; ++kx) {
            const long iy = long(oy * k.sh + ky) - long(k.pt), ix = long(ox * k.sw + kx) - long(k.pl);
            if (iy < 0 || ix < 0 || iy >= long(k.h) || ix >= long(k.w)) continue;
            const double v = x[(size_t(iy) * k.w + size_t(ix)) * k.c + c];
            acc = max ? std::max(acc, v) : acc + v;
            ++count;
          }
        y[(oy * k.ow + ox) * k.c + c] = max ? acc : acc / count;
      }
  return y;
}

template <class T>
std::vector<T> RunPool(const PoolCase& k, MoteOpType type, const std::vector<T>& x, float lo, float hi) {
  const MoteDType dtype = sizeof(T) == 1 ? MOTE_DTYPE_I8 : MOTE_DTYPE_F32;
  const float scale = sizeof(T) == 1 ? 0.25f : 0.0f;
  const int32_t zp = sizeof(T) == 1 ? 5 : 0;
  GraphBuilder g;
  const uint16_t xi = g.Act(dtype, {k.h, k.w, k.c}, scale, zp);
  const uint16_t yi = g.Act(dtype, {k.oh, k.ow, k.c}, scale, zp);
  MoteOpRecord& op = g.Op(type, {xi}, yi);
  const int32_t p[] = {int32_t(k.ph), int32_t(k.pw), int32_t(k.sh), int32_t(k.sw), int32_t(k.pt), int32_t(k.pl)};
  memcpy(op.params, p, sizeof(p));
  op.act_min = lo;
  op.act_max = hi;
  std::vector<T> y;
  RunOnce(g.Build({xi}, {yi}), x, &y);
  return y;
}

TEST(OpPool2DTest, F32MatchesNaiveLoops) {
  for (const PoolCase& k : kCases)
    for (const bool max : {true, false}) {
      const auto x = RandomF32(k.h * k.w * k.c, 1);
      const auto got = RunPool(k, max ? MOTE_OP_MAX_POOL2D : MOTE_OP_AVG_POOL2D, x, -0.3f, kInf);
      const auto want = NaivePool(k, std::vector<double>(x.begin(), x.end()), max);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], std::max(want[i], -0.3), 1e-6) << i;
    }
}

TEST(OpPool2DTest, Int8MatchesIntegerReference) {
  for (const PoolCase& k : kCases)
    for (const bool max : {true, false}) {
      const auto x = RandomI8(k.h * k.w * k.c, 2);
      const auto got = RunPool(k, max ? MOTE_OP_MAX_POOL2D : MOTE_OP_AVG_POOL2D, x, -100.0f, 120.0f);
      const auto want = NaivePool(k, std::vector<double>(x.begin(), x.end()), max);
      for (size_t i = 0; i < want.size(); ++i) {
        const double q = std::min(std::max(std::round(want[i]), -100.0), 120.0);  // round: half away from zero
        ASSERT_EQ(got[i], int8_t(q)) << i;
      }
    }
}

TEST(OpPool2DTest, Int8MeanRoundsHalfAwayFromZero) {
  const PoolCase k{1, 2, 1, 1, 2, 1, 1, 0, 0, 1, 1};
  EXPECT_EQ(RunPool<int8_t>(k, MOTE_OP_AVG_POOL2D, {1, 2}, -128, 127)[0], 2);
  EXPECT_EQ(RunPool<int8_t>(k, MOTE_OP_AVG_POOL2D, {-1, -2}, -128, 127)[0], -2);
  EXPECT_EQ(RunPool<int8_t>(k, MOTE_OP_AVG_POOL2D, {-128, -127}, -128, 127)[0], -128);
  EXPECT_EQ(RunPool<int8_t>(k, MOTE_OP_AVG_POOL2D, {127, 126}, -128, 127)[0], 127);
  EXPECT_EQ(RunPool<int8_t>(k, MOTE_OP_MAX_POOL2D, {-128, -128}, -128, 127)[0], -128);
}

}  // namespace
}  // namespace testing
}  // namespace mote
