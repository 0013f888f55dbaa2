// GlobalAveragePool: known means and gradient on every backend,
// gradient check, a batch smaller than planned, Plan errors.
#include "mote/layers/global_average_pool.h"

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

TEST(GlobalAveragePoolTest, KnownForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    GlobalAveragePool layer;
    LayerHarness h(layer, {Shape(2, 1, 2, 2)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(2, 2));
    h.inputs[0] = {1, 10, 3, 30,  //
                   -2, 4, 6, 8};
    h.Forward(false);
    const std::vector<float> want = {2, 20, 2, 6};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
    h.probe = {2, 4, 6, 8};
    h.Backward(true);
    const std::vector<float> dx = {1, 2, 1, 2, 3, 4, 3, 4};
    for (size_t i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
  }
}

TEST(GlobalAveragePoolTest, GradientCheck) {
  GlobalAveragePool layer;
  LayerHarness h(layer, {Shape(3, 4, 5, 6)});
  ExpectGradientsMatch(h);
}

TEST(GlobalAveragePoolTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new GlobalAveragePool()); };
  testing::ExpectSmallerBatchMatches(make, {Shape(4, 3, 3, 5)}, 3);
}

TEST(GlobalAveragePoolTest, PlanErrors) {
  GlobalAveragePool layer;
  EXPECT_EQ(PlanCode(layer, {Shape(2, 5)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 0, 3, 1)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 3, 3, 1), Shape(2, 3, 3, 1)}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
