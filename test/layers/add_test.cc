// Add: known sum, gradient copied to both inputs (and only to the
// requested ones), gradient check, a batch smaller than planned, Plan errors.
#include "mote/layers/add.h"

#include <memory>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::LayerHarness;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(AddTest, KnownForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Add layer;
    EXPECT_EQ(layer.input_count(), 2);
    LayerHarness h(layer, {Shape(2, 1, 1, 3), Shape(2, 1, 1, 3)});
    ASSERT_TRUE(h.status().ok());
    EXPECT_EQ(h.output_shape(), Shape(2, 1, 1, 3));
    h.inputs[0] = {1, 2, 3, 4, 5, 6};
    h.inputs[1] = {10, 20, 30, 40, 50, 60};
    h.Forward(false);
    for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(h.output[i], 11.0f * float(i + 1)) << i;
    h.Backward(true);
    EXPECT_EQ(h.input_grads[0], h.probe);
    EXPECT_EQ(h.input_grads[1], h.probe);
  }
}

TEST(AddTest, OnlyRequestedInputGradsWritten) {
  Add layer;
  LayerHarness h(layer, {Shape(2, 4), Shape(2, 4)});
  ASSERT_TRUE(h.status().ok());
  h.Forward(true);
  std::vector<float> dx1(8, -5.0f);
  std::vector<const float*> in = {h.inputs[0].data(), h.inputs[1].data()};
  std::vector<float*> grads = {nullptr, dx1.data()};
  BackwardArgs args{2, in.data(), h.output.data(), h.probe.data(), grads.data(), nullptr};
  layer.Backward(args);
  EXPECT_EQ(dx1, h.probe);
}

TEST(AddTest, GradientCheck) {
  Add layer;
  LayerHarness h(layer, {Shape(3, 2, 2, 4), Shape(3, 2, 2, 4)});
  testing::ExpectGradientsMatch(h);
}

TEST(AddTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Add()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(4, 7), Shape(4, 7)}, 3);
}

TEST(AddTest, PlanErrors) {
  Add layer;
  EXPECT_EQ(PlanCode(layer, {Shape(2, 4)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 4), Shape(2, 5)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 2, 2, 1), Shape(2, 4)}), StatusCode::kShapeMismatch);
  {
    LayerHarness h(layer, {Shape(2, 4), Shape(2, 5)});
    EXPECT_STREQ(h.status().message(), "Add: the two inputs must have the same shape");
  }
  EXPECT_EQ(PlanCode(layer, {Shape(2, 0), Shape(2, 0)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
