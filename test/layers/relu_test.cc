// ReLU: known output and gradient (0 at the kink), gradient check
// with inputs kept away from 0, a batch smaller than planned, Plan errors.
#include "mote/layers/relu.h"

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
}

// Threads: element-wise in pieces, the same results for every thread count.
TEST(ReLUThreads, SameResultsForEveryThreadCount) {
  testing::ExpectSameResultsForEveryThreadCount([] { return std::make_unique<ReLU>(); }, {Shape(9, 14, 14, 40)},
                                                true, "relu");
}

}  // namespace
}  // namespace mote
