// MaxPool2D: hand-computed overlapping 2x2 / stride 1 pool with
// SAME padding and stride-2 VALID pool (forward and backward, every backend),
// output shapes per padding rule, gradient checks with inputs kept away from
// ties, a batch smaller than planned, Plan errors.
#include "mote/layers/max_pool2d.h"

#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::ExpectGradientsMatch;
using testing::LayerHarness;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(MaxPool2DTest, KnownOverlappingSame) {
  // 3x3 image, 2x2 pool, stride 1, SAME: out 3x3, pad_total 1 at the
  // bottom/right (ignored, never 0), windows overlap.
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    MaxPool2D layer(2, 2, 1, 1, Padding::kSame);
    LayerHarness h(layer, {Shape(1, 3, 3, 1)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 3, 3, 1));
    h.inputs[0] = {1, 5, 2,  //
                   4, 3, 9,  //
                   -7, -6, -8};
    h.Forward(false);
    const std::vector<float> want = {5, 9, 9,  //
                                     4, 9, 9,  //
                                     -6, -6, -8};
    for (size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
    h.probe = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    h.Backward(true);
    // 5 wins (0,0); 9 wins (0,1) (0,2) (1,1) (1,2); 4 wins (1,0); -6 wins (2,0) (2,1); -8 wins (2,2).
    const std::vector<float> dx = {0, 1, 0,  //
                                   4, 0, 2 + 3 + 5 + 6,  //
                                   0, 7 + 8, 9};
    for (size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
  }
}

TEST(MaxPool2DTest, KnownStride2ValidTwoChannels) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    MaxPool2D layer(2, 2, 2, 2);
    LayerHarness h(layer, {Shape(1, 2, 4, 2)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 1, 2, 2));
    // (row, col, channel); channel 1 = -channel 0.
    h.inputs[0] = {1, -1, 2, -2, 3, -3, 0, 0,  //
                   4, -4, 8, -8, 7, -7, 6, -6};
    h.Forward(false);
    const std::vector<float> want = {8, -1, 7, 0};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
  }
}

TEST(MaxPool2DTest, OutputShapes) {
  struct Case {
    size_t in, k, s;
    Padding p;
    size_t pad, out;
  };
  const Case cases[] = {{28, 2, 2, Padding::kValid, 0, 14}, {5, 3, 2, Padding::kValid, 0, 2},
                        {5, 3, 2, Padding::kSame, 0, 3},    {5, 2, 1, Padding::kSame, 0, 5},
                        {5, 3, 2, Padding::kExplicit, 1, 3}, {4, 3, 1, Padding::kExplicit, 2, 6}};
  for (const Case& c : cases) {
    MaxPool2D layer(c.k, 1, c.s, 1, c.p, c.pad, 0);
    LayerHarness h(layer, {Shape(1, c.in, 2, 1)});
    ASSERT_TRUE(h.status().ok()) << h.status().message();
    EXPECT_EQ(h.output_shape(), Shape(1, c.out, 2, 1));
  }
}

TEST(MaxPool2DTest, GradientChecks) {
  struct Case {
    const char* name;
    Shape in;
    size_t ph, pw, sh, sw;
    Padding p;
    size_t pad_h, pad_w;
  };
  const Case cases[] = {
      {"2x2 stride 2 valid", Shape(2, 4, 6, 3), 2, 2, 2, 2, Padding::kValid, 0, 0},
      {"3x3 stride 1 overlapping same", Shape(2, 5, 4, 2), 3, 3, 1, 1, Padding::kSame, 0, 0},
      {"3x2 stride 2,1 explicit", Shape(1, 6, 5, 3), 3, 2, 2, 1, Padding::kExplicit, 1, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::printf("  %s\n", c.name);
    MaxPool2D layer(c.ph, c.pw, c.sh, c.sw, c.p, c.pad_h, c.pad_w);
    LayerHarness h(layer, {c.in}, 5);
    ASSERT_TRUE(h.status().ok());
    // Distinct values spaced > 2 eps apart: no ties within a window move under perturbation.
    for (size_t i = 0; i < h.inputs[0].size(); ++i) h.inputs[0][i] = -3.0f + 0.047f * float((i * 37) % h.inputs[0].size());
    ExpectGradientsMatch(h);
  }
}

TEST(MaxPool2DTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new MaxPool2D(3, 3, 2, 2, Padding::kSame)); };
  testing::ExpectSmallerBatchMatches(make, {Shape(4, 5, 5, 3)}, 2);
}

TEST(MaxPool2DTest, PlanErrors) {
  MaxPool2D layer(2, 2, 2, 2);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 4, 4)}), StatusCode::kShapeMismatch);
  {
    LayerHarness h(layer, {Shape(2, 16)});
    EXPECT_STREQ(h.status().message(), "MaxPool2D: input must be rank 4 [N, H, W, C]");
  }
  EXPECT_EQ(PlanCode(layer, {Shape(1, 1, 4, 1)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(1, 4, 4, 0)}), StatusCode::kInvalidArgument);
  MaxPool2D zero_pool(0, 2, 2, 2);
  EXPECT_EQ(PlanCode(zero_pool, {Shape(1, 4, 4, 1)}), StatusCode::kInvalidArgument);
  MaxPool2D zero_stride(2, 2, 2, 0);
  EXPECT_EQ(PlanCode(zero_stride, {Shape(1, 4, 4, 1)}), StatusCode::kInvalidArgument);
  MaxPool2D pad_too_big(2, 2, 1, 1, Padding::kExplicit, 2, 0);
  EXPECT_EQ(PlanCode(pad_too_big, {Shape(1, 4, 4, 1)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
