// Softmax: known values and Jacobian-vector product on every
// backend, rows that sum to 1 on rank-4 input (over channels), numerical
// stability for large logits, gradient checks, a batch smaller than planned,
// Plan errors.
#include "mote/layers/softmax.h"

#include <cmath>
#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::LayerHarness;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(SoftmaxTest, KnownForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Softmax layer;
    LayerHarness h(layer, {Shape(2, 3)});
    ASSERT_TRUE(h.status().ok());
    h.inputs[0] = {1, 2, 3, 1000, 1000, 1000};
    h.Forward(false);
    const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    const double y[3] = {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z};
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(h.output[size_t(i)], y[i], 1e-6) << i;
    for (int i = 3; i < 6; ++i) EXPECT_NEAR(h.output[size_t(i)], 1.0 / 3.0, 1e-6) << i;
    h.probe = {1, 0, 0, 0, 0, 0};
    h.Backward(true);
    // dx = y * (dy - y0)
    const double want[3] = {y[0] * (1 - y[0]), -y[1] * y[0], -y[2] * y[0]};
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(h.input_grads[0][size_t(i)], want[i], 1e-6) << i;
    for (int i = 3; i < 6; ++i) EXPECT_NEAR(h.input_grads[0][size_t(i)], 0.0, 1e-7) << i;
  }
}

TEST(SoftmaxTest, LastDimensionOfRank4) {
  Softmax layer;
  LayerHarness h(layer, {Shape(2, 3, 2, 5)});
  ASSERT_TRUE(h.status().ok());
  EXPECT_EQ(h.output_shape(), Shape(2, 3, 2, 5));
  h.Forward(false);
  for (size_t r = 0; r < 12; ++r) {
    double sum = 0;
    for (size_t k = 0; k < 5; ++k) sum += h.output[r * 5 + k];
    EXPECT_NEAR(sum, 1.0, 1e-6) << r;
  }
  testing::ExpectGradientsMatch(h);
}

TEST(SoftmaxTest, GradientCheck) {
  Softmax layer;
  LayerHarness h(layer, {Shape(4, 10)});
  for (float& v : h.inputs[0]) v *= 3.0f;
  testing::ExpectGradientsMatch(h);
}

TEST(SoftmaxTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Softmax()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(5, 6)}, 4);
}

TEST(SoftmaxTest, PlanErrors) {
  Softmax layer;
  EXPECT_EQ(PlanCode(layer, {Shape(4)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(4, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(4, 2), Shape(4, 2)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
