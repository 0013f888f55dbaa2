// Flatten: shape, copy forward and backward, a batch smaller than
// planned, Plan errors.
#include "mote/layers/flatten.h"

#include <memory>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::LayerHarness;
using testing::PlanCode;

TEST(FlattenTest, CopiesForwardAndBackward) {
  Flatten layer;
  LayerHarness h(layer, {Shape(2, 3, 2, 2)});
  ASSERT_TRUE(h.status().ok());
  EXPECT_EQ(h.output_shape(), Shape(2, 12));
  EXPECT_TRUE(h.params.empty());
  h.Forward(false);
  EXPECT_EQ(h.output, h.inputs[0]);
  h.Backward(true);
  EXPECT_EQ(h.input_grads[0], h.probe);
  Flatten rank3;
  LayerHarness h3(rank3, {Shape(4, 5, 2)});
  ASSERT_TRUE(h3.status().ok());
  EXPECT_EQ(h3.output_shape(), Shape(4, 10));
  testing::ExpectGradientsMatch(h3);
}

TEST(FlattenTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Flatten()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(3, 2, 2, 3)}, 2);
}

TEST(FlattenTest, PlanErrors) {
  Flatten layer;
  EXPECT_EQ(PlanCode(layer, {Shape(4)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(4, 0, 2)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(4, 2), Shape(4, 2)}), StatusCode::kInvalidArgument);
}

// Threads: the copy in pieces, the same for every thread count.
TEST(FlattenThreads, SameResultsForEveryThreadCount) {
  testing::ExpectSameResultsForEveryThreadCount([] { return std::make_unique<Flatten>(); }, {Shape(9, 14, 14, 40)},
                                                true, "flatten");
}

}  // namespace
}  // namespace mote
