// LeakyReLU: known output and gradient, default alpha, gradient
// check with inputs kept away from 0, a batch smaller than planned, Plan errors.
#include "mote/layers/leaky_relu.h"

#include <cmath>
#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::LayerHarness;
using testing::PlanCode;

TEST(LeakyReLUTest, KnownForwardAndBackward) {
  EXPECT_FLOAT_EQ(LeakyReLU().alpha(), 0.01f);
  LeakyReLU layer(0.1f);
  LayerHarness h(layer, {Shape(2, 3)});
  ASSERT_TRUE(h.status().ok());
  h.inputs[0] = {-2, -0.5f, 0, 0.5f, 3, -1};
  h.Forward(false);
  const std::vector<float> want = {-0.2f, -0.05f, 0, 0.5f, 3, -0.1f};
  for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
  h.probe = {1, 2, 3, 4, 5, 6};
  h.Backward(true);
  const std::vector<float> dx = {0.1f, 0.2f, 0.3f, 4, 5, 0.6f};
  for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
}

TEST(LeakyReLUTest, GradientCheck) {
  LeakyReLU layer(0.2f);
  LayerHarness h(layer, {Shape(3, 20)});
  testing::SpreadInputs(h);
  testing::ExpectGradientsMatch(h);
}

TEST(LeakyReLUTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new LeakyReLU(0.3f)); };
  testing::ExpectSmallerBatchMatches(make, {Shape(4, 2, 2, 2)}, 1);
}

TEST(LeakyReLUTest, PlanErrors) {
  LeakyReLU nan_alpha(std::nanf(""));
  EXPECT_EQ(PlanCode(nan_alpha, {Shape(2, 3)}), StatusCode::kInvalidArgument);
  LeakyReLU layer;
  EXPECT_EQ(PlanCode(layer, {Shape(0, 3)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
