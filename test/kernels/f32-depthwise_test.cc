// F32DepthwiseConv2D and its backward kernels: a hand-computed case, the
// scalar kernels against the definition (double precision) over channel
// counts and geometries (padding, strides, windows entirely in padding), the
// adjoint identity <conv(x), dy> = <x, dx>, and every SIMD path against scalar.
#include <cmath>
#include <vector>

#include "depthwise_test_util.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using kernels::Conv2DGeometry;
using testing::AllCases;
using testing::AllNear;
using testing::Buffer;
using testing::DepthwiseGeometries;
using testing::DepthwiseInputSize;
using testing::DepthwiseOutputSize;
using testing::DescribeDepthwise;
using testing::ForEachDepthwiseTerm;
using testing::ScopedBackend;
using testing::SimdCases;

constexpr float kInf = __builtin_inff();
const size_t kChannels[] = {1, 2, 3, 7, 17, 64, 65};

TEST(F32DepthwiseTest, KnownOutputsAndGradients) {
  // 3x3 image, 2 channels (c1 = -c0), 2x2 kernel, stride 2, padding 1 at
  // top/left: 2x2 outputs; windows cover pixels {1}, {2,3}, {4,7}, {5,6,8,9}.
  float x[18];
  for (int i = 0; i < 9; ++i) x[2 * i] = float(i + 1), x[2 * i + 1] = -float(i + 1);
  const float w[8] = {1, 10, 2, 20, 3, 30, 4, 40};  // [ky][kx][c]
  const float bias[2] = {0.5f, -1};
  const Conv2DGeometry g{1, 3, 3, 2, 2, 2, 2, 2, 1, 1, 2, 2};
  // Channel 0: 1*4 + 0.5; 2*3 + 3*4 + 0.5; 4*2 + 7*4 + 0.5; 5*1 + 6*2 + 8*3 + 9*4 + 0.5.
  // Channel 1: -10x those sums - 1.
  const float want[8] = {4.5f, -41, 18.5f, -181, 36.5f, -361, 77.5f, -771};
  const float want_relu[8] = {4.5f, 0, 18.5f, 0, 36.5f, 0, 50, 0};  // clamp [0, 50]
  // dy = 1 everywhere: every pixel is read once, by tap (ky, kx) = its
  // position in its window; dx = w of that tap.
  const float dy[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  const float want_dx[18] = {4, 40, 3, 30, 4, 40, 2, 20, 1, 10, 2, 20, 4, 40, 3, 30, 4, 40};
  for (const auto& bc : AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    float y[8];
    kernels::F32DepthwiseConv2D(g, x, w, bias, -kInf, kInf, y);
    EXPECT_TRUE(AllNear(want, y, 8, 0.0f, 0.0f));
    kernels::F32DepthwiseConv2D(g, x, w, bias, 0.0f, 50.0f, y);
    EXPECT_TRUE(AllNear(want_relu, y, 8, 0.0f, 0.0f));
    float dx[18];
    kernels::F32DepthwiseConv2DBackwardInput(g, dy, w, dx);
    EXPECT_TRUE(AllNear(want_dx, dx, 18, 0.0f, 0.0f));
    // Taps read: (0,0) pixel 5; (0,1) pixels 4, 6; (1,0) pixels 2, 8;
    // (1,1) pixels 1, 3, 7, 9. dw starts at 100 (accumulates).
    float dw[8];
    for (float& v : dw) v = 100;
    kernels::F32DepthwiseConv2DBackwardWeights(g, x, dy, dw);
    const float want_dw[8] = {105, 95, 110, 90, 110, 90, 120, 80};
    EXPECT_TRUE(AllNear(want_dw, dw, 8, 0.0f, 0.0f));
  }
}

struct Case {
  Conv2DGeometry g;
  Buffer x, w, bias, dy;
};

Case RandomCase(Rng& rng, const Conv2DGeometry& g) {
  Case c{g, Buffer(DepthwiseInputSize(g), 1), Buffer(g.kernel_h * g.kernel_w * g.in_c, 3), Buffer(g.in_c, 2),
         Buffer(DepthwiseOutputSize(g), 1)};
  c.x.FillUniform(rng);
  c.w.FillUniform(rng);
  c.bias.FillUniform(rng);
  c.dy.FillUniform(rng);
  return c;
}

constexpr float kLo = -0.75f, kHi = 1.0f;  // cuts off some outputs

TEST(F32DepthwiseTest, ScalarMatchesDefinition) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(23);
  for (size_t ch : kChannels)
    for (const Conv2DGeometry& g : DepthwiseGeometries(ch)) {
      SCOPED_TRACE(DescribeDepthwise(g));
      const Case c = RandomCase(rng, g);
      std::vector<double> y(DepthwiseOutputSize(g)), dx(DepthwiseInputSize(g), 0.0), dw(c.w.size(), 0.0);
      for (size_t i = 0; i < y.size(); ++i) y[i] = c.bias[i % ch];
      ForEachDepthwiseTerm(g, [&](size_t out, long in, size_t wi) {
        if (in < 0) return;
        y[out] += double(c.x[size_t(in)]) * c.w[wi];
        dx[size_t(in)] += double(c.dy[out]) * c.w[wi];
        dw[wi] += double(c.dy[out]) * c.x[size_t(in)];
      });
      std::vector<float> want_y(y.size()), want_dx(dx.size()), want_dw(dw.size());
      for (size_t i = 0; i < y.size(); ++i) want_y[i] = float(std::fmin(std::fmax(y[i], kLo), kHi));
      for (size_t i = 0; i < dx.size(); ++i) want_dx[i] = float(dx[i]);
      for (size_t i = 0; i < dw.size(); ++i) want_dw[i] = float(dw[i]) + 0.5f;

      Buffer got_y(y.size(), 1, 9.0f), got_dx(dx.size(), 2, 9.0f), got_dw(dw.size(), 3, 0.5f);
      kernels::F32DepthwiseConv2D(g, c.x.data(), c.w.data(), c.bias.data(), kLo, kHi, got_y.data());
      kernels::F32DepthwiseConv2DBackwardInput(g, c.dy.data(), c.w.data(), got_dx.data());
      kernels::F32DepthwiseConv2DBackwardWeights(g, c.x.data(), c.dy.data(), got_dw.data());
      ASSERT_TRUE(got_y.GuardIntact() && got_dx.GuardIntact() && got_dw.GuardIntact());
      EXPECT_TRUE(AllNear(want_y.data(), got_y.data(), y.size(), 1e-5f, 1e-5f)) << "forward";
      EXPECT_TRUE(AllNear(want_dx.data(), got_dx.data(), dx.size(), 1e-5f, 1e-5f)) << "input gradient";
      EXPECT_TRUE(AllNear(want_dw.data(), got_dw.data(), dw.size(), 1e-5f, 1e-4f)) << "weight gradient";
    }
}

TEST(F32DepthwiseTest, BackwardInputIsTheAdjoint) {
  // <conv(x) without bias/clamp, dy> == <x, dx>.
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(29);
  for (const Conv2DGeometry& g : DepthwiseGeometries(5)) {
    SCOPED_TRACE(DescribeDepthwise(g));
    const Case c = RandomCase(rng, g);
    Buffer y(DepthwiseOutputSize(g)), dx(DepthwiseInputSize(g));
    kernels::F32DepthwiseConv2D(g, c.x.data(), c.w.data(), nullptr, -kInf, kInf, y.data());
    kernels::F32DepthwiseConv2DBackwardInput(g, c.dy.data(), c.w.data(), dx.data());
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < y.size(); ++i) lhs += double(y[i]) * c.dy[i];
    for (size_t i = 0; i < dx.size(); ++i) rhs += double(c.x[i]) * dx[i];
    EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::fabs(lhs)));
  }
}

TEST(F32DepthwiseTest, EverySimdPathMatchesScalar) {
  Rng rng(31);
  for (size_t ch : kChannels)
    for (const Conv2DGeometry& g : DepthwiseGeometries(ch)) {
      const Case c = RandomCase(rng, g);
      Buffer y(DepthwiseOutputSize(g)), dx(DepthwiseInputSize(g)), dw(c.w.size(), 1, 0.25f);
      const bool with_bias = ch % 2 == 1;  // also the null-bias path
      {
        ScopedBackend scalar(Backend::kScalar);
        kernels::F32DepthwiseConv2D(g, c.x.data(), c.w.data(), with_bias ? c.bias.data() : nullptr, kLo, kHi,
                                    y.data());
        kernels::F32DepthwiseConv2DBackwardInput(g, c.dy.data(), c.w.data(), dx.data());
        kernels::F32DepthwiseConv2DBackwardWeights(g, c.x.data(), c.dy.data(), dw.data());
      }
      for (const auto& bc : SimdCases()) {
        SCOPED_TRACE(bc.name + " " + DescribeDepthwise(g));
        ScopedBackend backend(bc);
        Buffer y2(y.size(), 2, 9.0f), dx2(dx.size(), 3, 9.0f), dw2(dw.size(), 1, 0.25f);
        kernels::F32DepthwiseConv2D(g, c.x.data(), c.w.data(), with_bias ? c.bias.data() : nullptr, kLo, kHi,
                                    y2.data());
        kernels::F32DepthwiseConv2DBackwardInput(g, c.dy.data(), c.w.data(), dx2.data());
        kernels::F32DepthwiseConv2DBackwardWeights(g, c.x.data(), c.dy.data(), dw2.data());
        ASSERT_TRUE(AllNear(y, y2, 1e-5f, 1e-6f)) << "forward";
        ASSERT_TRUE(AllNear(dx, dx2, 1e-5f, 1e-6f)) << "input gradient";
        ASSERT_TRUE(AllNear(dw, dw2, 1e-5f, 1e-5f)) << "weight gradient";
      }
    }
}

}  // namespace
}  // namespace mote
