// I8DepthwiseConv2D: a hand-computed case where padding reads the zero point,
// and the kernel against the definition (exact int32 sums, then
// I8RequantizeOne, itself checked in i8-dense-rows_test.cc) over channel
// counts and geometries, on every backend.
#include <cstdint>
#include <vector>

#include "depthwise_test_util.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using kernels::Conv2DGeometry;
using kernels::I8Requant;
using testing::AllCases;
using testing::BasicBuffer;
using testing::DepthwiseGeometries;
using testing::DepthwiseInputSize;
using testing::DepthwiseOutputSize;
using testing::DescribeDepthwise;
using testing::ForEachDepthwiseTerm;
using testing::ScopedBackend;
using I8Buffer = BasicBuffer<int8_t>;

TEST(I8DepthwiseTest, KnownOutputPaddingReadsZeroPoint) {
  // 2x2 image, one channel, 3x3 kernel of ones, padding 1 ("same"), input
  // zero point -10: each window holds the 4 pixels plus 5 padding taps.
  const int8_t x[4] = {1, 2, 3, 4};
  const int8_t w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  const Conv2DGeometry g{1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 2, 2};
  const int32_t bias[1] = {7}, multiplier[1] = {1 << 30}, shift[1] = {31};  // scale 1/2
  const I8Requant rq{bias, multiplier, shift, 3, -128, 127};
  // acc = 7 + (1 + 2 + 3 + 4) + 5 * (-10) = -33 -> -16.5 -> -16 (half up) -> + 3.
  for (const auto& bc : AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    int8_t y[4];
    kernels::I8DepthwiseConv2D(g, x, -10, w, rq, y);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(int(y[i]), -13) << i;
  }
}

TEST(I8DepthwiseTest, MatchesDefinition) {
  Rng rng(37);
  for (size_t ch : {1, 3, 8, 17, 33})
    for (const Conv2DGeometry& g : DepthwiseGeometries(ch)) {
      I8Buffer x(DepthwiseInputSize(g)), w(g.kernel_h * g.kernel_w * ch, 2);
      x.FillUniform(rng, -128, 127);
      w.FillUniform(rng, -128, 127);
      const int8_t zp = int8_t(int(rng.Below(256)) - 128);
      std::vector<int32_t> bias(ch), multiplier(ch), shift(ch);
      for (size_t c = 0; c < ch; ++c) {
        bias[c] = int32_t(rng.Below(20001)) - 10000;
        multiplier[c] = (1 << 30) + int32_t(rng.Below(1u << 30));
        shift[c] = 36 + int32_t(rng.Below(4));  // about 2^-6..2^-9: most outputs in range
      }
      const I8Requant rq{bias.data(), multiplier.data(), shift.data(), -5, -128, 100};
      std::vector<int32_t> acc(DepthwiseOutputSize(g));
      for (size_t i = 0; i < acc.size(); ++i) acc[i] = bias[i % ch];
      ForEachDepthwiseTerm(g, [&](size_t out, long in, size_t wi) {
        acc[out] += int32_t(in < 0 ? zp : x[size_t(in)]) * w[wi];
      });
      for (const auto& bc : AllCases()) {
        SCOPED_TRACE(bc.name + " " + DescribeDepthwise(g));
        ScopedBackend backend(bc);
        I8Buffer y(acc.size(), 3, int8_t(55));
        kernels::I8DepthwiseConv2D(g, x.data(), zp, w.data(), rq, y.data());
        ASSERT_TRUE(y.GuardIntact());
        for (size_t i = 0; i < acc.size(); ++i) {
          const size_t c = i % ch;
          ASSERT_EQ(int(y[i]), kernels::I8RequantizeOne(acc[i], multiplier[c], shift[c], -5, -128, 100))
              << "element " << i << " acc " << acc[i];
        }
      }
    }
}

}  // namespace
}  // namespace mote
