// ReLU and the bounded ReLU (max_value): known output and gradient (0 at
// the kinks), gradient checks with inputs kept away from them, a batch
// smaller than planned, Plan errors.
#include "mote/layers/relu.h"

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

TEST(ReLUTest, KnownForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    ReLU layer;
    LayerHarness h(layer, {Shape(2, 3)});
    ASSERT_TRUE(h.status().ok());
    EXPECT_EQ(h.output_shape(), Shape(2, 3));
    h.inputs[0] = {-2, -0.5f, 0, 0.5f, 3, -1};
    h.Forward(false);
    const std::vector<float> want = {0, 0, 0, 0.5f, 3, 0};
    EXPECT_EQ(h.output, want);
    h.probe = {1, 2, 3, 4, 5, 6};
    h.Backward(true);
    const std::vector<float> dx = {0, 0, 0, 4, 5, 0};
    EXPECT_EQ(h.input_grads[0], dx);
  }
}

// max_value 6 (ReLU6): clamps above too, and the gradient is 0 where it clamps.
TEST(ReLUTest, BoundedForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    ReLU layer(6.0f);
    EXPECT_EQ(layer.max_value(), 6.0f);
    LayerHarness h(layer, {Shape(2, 4)});
    ASSERT_TRUE(h.status().ok());
    h.inputs[0] = {-2, 0.5f, 5.5f, 6, 7, 100, 3, -0.25f};
    h.Forward(false);
    const std::vector<float> want = {0, 0.5f, 5.5f, 6, 6, 6, 3, 0};
    EXPECT_EQ(h.output, want);
    h.probe = {1, 2, 3, 4, 5, 6, 7, 8};
    h.Backward(true);
    const std::vector<float> dx = {0, 2, 3, 0, 0, 0, 7, 0};
    EXPECT_EQ(h.input_grads[0], dx);
  }
}

TEST(ReLUTest, BoundedGradientCheck) {
  // Inputs lie on a grid of 0.05 + 0.031 k (|x| <= 3.03): 1.7085 falls midway between two.
  ReLU layer(1.7085f);
  LayerHarness h(layer, {Shape(3, 4, 5, 2)});
  testing::SpreadInputs(h);
  size_t clipped = 0;
  for (float v : h.inputs[0]) clipped += v > 1.7085f;
  EXPECT_GT(clipped, 10u);
  testing::ExpectGradientsMatch(h);
}

TEST(ReLUTest, GradientCheck) {
  ReLU layer;
  LayerHarness h(layer, {Shape(3, 4, 5, 2)});
  testing::SpreadInputs(h);
  testing::ExpectGradientsMatch(h);
}

TEST(ReLUTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new ReLU()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(5, 3, 3, 3)}, 2);
}

TEST(ReLUTest, PlanErrors) {
  ReLU layer;
  EXPECT_EQ(PlanCode(layer, {Shape()}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(3, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(3, 2), Shape(3, 2)}), StatusCode::kInvalidArgument);
  for (const float bad : {0.0f, -1.0f, std::nanf("")}) {
    ReLU bounded(bad);
    EXPECT_EQ(PlanCode(bounded, {Shape(3, 2)}), StatusCode::kInvalidArgument) << bad;
  }
}

// Threads: element-wise in pieces, the same results for every thread count.
TEST(ReLUThreads, SameResultsForEveryThreadCount) {
  testing::ExpectSameResultsForEveryThreadCount([] { return std::make_unique<ReLU>(); }, {Shape(9, 14, 14, 40)},
                                                true, "relu");
}

}  // namespace
}  // namespace mote
