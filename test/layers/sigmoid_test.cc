// Sigmoid: values against 1 / (1 + e^-x), gradient check, a batch
// smaller than planned, Plan errors.
#include "mote/layers/sigmoid.h"

#include <cmath>
#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::LayerHarness;
using testing::PlanCode;

TEST(SigmoidTest, KnownForwardAndBackward) {
  Sigmoid layer;
  LayerHarness h(layer, {Shape(1, 7)});
  ASSERT_TRUE(h.status().ok());
  h.inputs[0] = {-30, -2, -0.5f, 0, 0.25f, 1, 12};
  h.Forward(false);
  EXPECT_FLOAT_EQ(h.output[3], 0.5f);
  h.probe = std::vector<float>(7, 3.0f);
  h.Backward(true);
  for (size_t i = 0; i < 7; ++i) {
    const double s = 1.0 / (1.0 + std::exp(-double(h.inputs[0][i])));
    EXPECT_NEAR(h.output[i], s, 1e-6) << i;
    EXPECT_NEAR(h.input_grads[0][i], 3.0 * s * (1.0 - s), 1e-6) << i;
  }
}

TEST(SigmoidTest, GradientCheck) {
  Sigmoid layer;
  LayerHarness h(layer, {Shape(2, 30)});
  for (float& v : h.inputs[0]) v *= 4.0f;
  testing::ExpectGradientsMatch(h);
}

TEST(SigmoidTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Sigmoid()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(4, 2, 3)}, 3);
}

TEST(SigmoidTest, PlanErrors) {
  Sigmoid layer;
  EXPECT_EQ(PlanCode(layer, {Shape(0, 4)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
