// DepthwiseConv2D: parameter and output shapes for each padding
// rule, hand-computed outputs and gradients (two channels with different
// filters, stride 2, SAME padding) on every backend, gradient checks over
// strided, padded and biasless cases, a batch smaller than planned, Plan errors.
#include "mote/layers/depthwise_conv2d.h"

#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::ExpectGradientsMatch;
using testing::LayerHarness;
using testing::Opts;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(DepthwiseConv2DTest, ParamsAndOutputShapes) {
  DepthwiseConv2D layer(3, 2);
  LayerHarness h(layer, {Shape(2, 5, 6, 3)});
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  EXPECT_EQ(h.output_shape(), Shape(2, 3, 5, 3));  // valid; channels kept
  ASSERT_EQ(h.params.size(), 2u);
  EXPECT_EQ(h.params[0].name, "kernel");
  EXPECT_EQ(h.params[0].shape, Shape(3, 2, 3));
  EXPECT_EQ(h.params[0].role, ParamRole::kWeight);
  EXPECT_EQ(h.params[1].name, "bias");
  EXPECT_EQ(h.params[1].shape, Shape(3));
  EXPECT_EQ(h.params[1].role, ParamRole::kBias);

  DepthwiseConv2D same(5, 5, Opts(2, 2, Padding::kSame, 0, 0, false));
  LayerHarness hs(same, {Shape(1, 28, 27, 4)});
  ASSERT_TRUE(hs.status().ok());
  EXPECT_EQ(hs.output_shape(), Shape(1, 14, 14, 4));
  EXPECT_EQ(same.geometry().pad_top, 1u);   // needed 13 * 2 + 5 - 28 = 3: 1 before
  EXPECT_EQ(same.geometry().pad_left, 2u);  // needed 13 * 2 + 5 - 27 = 4: 2 before
  EXPECT_EQ(hs.params.size(), 1u);          // no bias

  DepthwiseConv2D expl(3, 3, Opts(3, 1, Padding::kExplicit, 2, 1));
  LayerHarness he(expl, {Shape(1, 5, 4, 2)});
  ASSERT_TRUE(he.status().ok());
  EXPECT_EQ(he.output_shape(), Shape(1, 3, 4, 2));  // (5 + 4 - 3) / 3 + 1, (4 + 2 - 3) + 1
}

TEST(DepthwiseConv2DTest, KnownStride2SamePaddingTwoChannels) {
  // 3x3 input, channel 0 = 1..9, channel 1 = 10x that; 2x2 kernel, stride 2,
  // SAME: windows are rows/cols {0, 1} and {2, pad}. Channel 0's filter is
  // [[1, 2], [3, 4]] (as Conv2DTest's single-channel case), channel 1's
  // picks the top-left pixel.
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    DepthwiseConv2D layer(2, 2, Opts(2, 2, Padding::kSame));
    LayerHarness h(layer, {Shape(1, 3, 3, 2)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 2, 2, 2));
    for (size_t p = 0; p < 9; ++p) {
      h.inputs[0][2 * p] = float(p + 1);
      h.inputs[0][2 * p + 1] = 10.0f * float(p + 1);
    }
    h.params[0].values = {1, 1, 2, 0, 3, 0, 4, 0};  // [ky][kx][c]
    h.params[1].values = {0.5f, -1};
    h.Forward(false);
    const std::vector<float> want = {37.5f, 9, 21.5f, 29, 23.5f, 69, 9.5f, 89};
    for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;

    h.probe = std::vector<float>(8, 1.0f);
    h.Backward(true);
    const std::vector<float> dx = {1, 1, 2, 0, 1, 1, 3, 0, 4, 0, 3, 0, 1, 1, 2, 0, 1, 1};
    for (size_t i = 0; i < dx.size(); ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
    const std::vector<float> dw = {20, 200, 10, 100, 10, 100, 5, 50};
    for (size_t i = 0; i < dw.size(); ++i) EXPECT_FLOAT_EQ(h.params[0].grads[i], dw[i]) << i;
    EXPECT_FLOAT_EQ(h.params[1].grads[0], 4.0f);
    EXPECT_FLOAT_EQ(h.params[1].grads[1], 4.0f);
  }
}

struct GradCase {
  const char* name;
  Shape input;
  size_t kh, kw;
  Conv2DOptions options;
};

TEST(DepthwiseConv2DTest, GradientChecks) {
  const GradCase cases[] = {
      {"3x3 stride 2 same", Shape(2, 5, 6, 3), 3, 3, Opts(2, 2, Padding::kSame)},
      {"2x3 explicit pad 1", Shape(2, 4, 5, 2), 2, 3, Opts(1, 1, Padding::kExplicit, 1, 1)},
      {"3x2 valid strides 2,1", Shape(1, 7, 5, 4), 3, 2, Opts(2, 1, Padding::kValid)},
      {"5x5 stride 2 same no bias", Shape(1, 6, 6, 17), 5, 5, Opts(2, 2, Padding::kSame, 0, 0, false)},
      {"3x3 stride 3 explicit pad 2", Shape(2, 5, 5, 1), 3, 3, Opts(3, 3, Padding::kExplicit, 2, 2)},
      {"1x1", Shape(2, 3, 3, 5), 1, 1, Opts(1, 1, Padding::kValid)},
  };
  for (const GradCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::printf("  %s\n", c.name);
    DepthwiseConv2D layer(c.kh, c.kw, c.options);
    LayerHarness h(layer, {c.input}, 13);
    ExpectGradientsMatch(h);
  }
}

TEST(DepthwiseConv2DTest, SmallerBatchThanPlanned) {
  auto same = [] { return std::unique_ptr<Layer>(new DepthwiseConv2D(3, 3, Opts(2, 2, Padding::kSame))); };
  testing::ExpectSmallerBatchMatches(same, {Shape(4, 5, 5, 6)}, 1);
  testing::ExpectSmallerBatchMatches(same, {Shape(4, 5, 5, 6)}, 3);
}

TEST(DepthwiseConv2DTest, PlanErrors) {
  DepthwiseConv2D layer(3, 3);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 8, 3)}), StatusCode::kShapeMismatch);
  {
    LayerHarness h(layer, {Shape(2, 16)});
    EXPECT_STREQ(h.status().message(), "DepthwiseConv2D: input must be rank 4 [N, H, W, C]");
  }
  EXPECT_EQ(PlanCode(layer, {Shape(1, 2, 5, 1)}), StatusCode::kShapeMismatch);  // kernel > input (valid)
  EXPECT_EQ(PlanCode(layer, {Shape(1, 5, 5, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(1, 5, 5, 1), Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  DepthwiseConv2D zero_kernel(0, 3);
  EXPECT_EQ(PlanCode(zero_kernel, {Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  DepthwiseConv2D zero_stride(3, 3, Opts(0, 1, Padding::kSame));
  EXPECT_EQ(PlanCode(zero_stride, {Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  DepthwiseConv2D same(7, 7, Opts(1, 1, Padding::kSame));
  EXPECT_EQ(PlanCode(same, {Shape(1, 2, 2, 3)}), StatusCode::kOk);  // SAME always fits
}

}  // namespace
}  // namespace mote
