// AvgPool2D: hand-computed overlapping 2x2 / stride 1 pool with SAME
// padding (padding not counted) and stride-2 VALID pool, forward and backward
// on every backend, gradient checks, a batch smaller than planned, Plan errors.
#include "mote/layers/avg_pool2d.h"

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

TEST(AvgPool2DTest, KnownOverlappingSame) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    AvgPool2D layer(2, 2, 1, 1, Padding::kSame);
    LayerHarness h(layer, {Shape(1, 3, 3, 1)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 3, 3, 1));
    h.inputs[0] = {1, 5, 2,  //
                   4, 3, 9,  //
                   7, 6, 8};
    h.Forward(false);
    // Windows at rows/cols {i, i+1}; the bottom/right ones are clipped.
    const std::vector<float> want = {13 / 4.0f, 19 / 4.0f, 11 / 2.0f,  //
                                     20 / 4.0f, 26 / 4.0f, 17 / 2.0f,  //
                                     13 / 2.0f, 14 / 2.0f, 8};
    for (size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
    h.probe = std::vector<float>(9, 1.0f);
    h.Backward(true);
    // Pixel (r, c) receives 1/count from every window holding it.
    const float q = 0.25f, hf = 0.5f;
    const std::vector<float> dx = {q, q + q, q + hf,  //
                                   q + q, 4 * q, 2 * q + 2 * hf,  //
                                   q + hf, 2 * q + 2 * hf, q + 2 * hf + 1};
    for (size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
  }
}

TEST(AvgPool2DTest, KnownStride2Valid) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    AvgPool2D layer(2, 2, 2, 2);
    LayerHarness h(layer, {Shape(1, 2, 4, 1)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 1, 2, 1));
    h.inputs[0] = {1, 2, 3, 4, 5, 6, 7, 8};
    h.Forward(false);
    EXPECT_FLOAT_EQ(h.output[0], 3.5f);
    EXPECT_FLOAT_EQ(h.output[1], 5.5f);
    h.probe = {4, 8};
    h.Backward(true);
    const std::vector<float> dx = {1, 1, 2, 2, 1, 1, 2, 2};
    for (size_t i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
  }
}

TEST(AvgPool2DTest, GradientChecks) {
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
      {"3x2 stride 2,1 explicit", Shape(1, 6, 5, 3), 3, 2, 2, 1, Padding::kExplicit, 2, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::printf("  %s\n", c.name);
    AvgPool2D layer(c.ph, c.pw, c.sh, c.sw, c.p, c.pad_h, c.pad_w);
    LayerHarness h(layer, {c.in}, 5);
    ExpectGradientsMatch(h);
  }
}

TEST(AvgPool2DTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new AvgPool2D(3, 3, 1, 1, Padding::kSame)); };
  testing::ExpectSmallerBatchMatches(make, {Shape(3, 4, 5, 2)}, 1);
}

TEST(AvgPool2DTest, PlanErrors) {
  AvgPool2D layer(3, 3, 1, 1);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 9)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(1, 2, 5, 1)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(0, 5, 5, 1)}), StatusCode::kInvalidArgument);
  AvgPool2D zero_stride(2, 2, 0, 1);
  EXPECT_EQ(PlanCode(zero_stride, {Shape(1, 4, 4, 1)}), StatusCode::kInvalidArgument);
  AvgPool2D pad_too_big(2, 2, 1, 1, Padding::kExplicit, 0, 2);
  EXPECT_EQ(PlanCode(pad_too_big, {Shape(1, 4, 4, 1)}), StatusCode::kInvalidArgument);
  AvgPool2D ok_pad(3, 3, 1, 1, Padding::kExplicit, 2, 2);
  EXPECT_EQ(PlanCode(ok_pad, {Shape(1, 1, 1, 1)}), StatusCode::kOk);
}

}  // namespace
}  // namespace mote
