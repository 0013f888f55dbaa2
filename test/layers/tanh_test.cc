// Tanh: values against std::tanh, gradient check, a batch smaller
// than planned, Plan errors.
#include "mote/layers/tanh.h"

#include <cmath>
#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::LayerHarness;
using testing::PlanCode;

TEST(TanhTest, KnownForwardAndBackward) {
  Tanh layer;
  LayerHarness h(layer, {Shape(1, 7)});
  ASSERT_TRUE(h.status().ok());
  h.inputs[0] = {-20, -2, -0.5f, 0, 0.25f, 1, 9};
  h.Forward(false);
  h.probe = std::vector<float>(7, 2.0f);
  h.Backward(true);
  for (size_t i = 0; i < 7; ++i) {
    const double t = std::tanh(double(h.inputs[0][i]));
    EXPECT_NEAR(h.output[i], t, 1e-6) << i;
    EXPECT_NEAR(h.input_grads[0][i], 2.0 * (1.0 - t * t), 1e-6) << i;
  }
}

TEST(TanhTest, GradientCheck) {
  Tanh layer;
  LayerHarness h(layer, {Shape(2, 3, 3, 4)});
  for (float& v : h.inputs[0]) v *= 2.5f;
  testing::ExpectGradientsMatch(h);
}

TEST(TanhTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Tanh()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(3, 11)}, 2);
}

TEST(TanhTest, PlanErrors) {
  Tanh layer;
  EXPECT_EQ(PlanCode(layer, {Shape(2, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 1), Shape(2, 1)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
