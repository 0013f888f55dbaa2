// Dense: hand-computed forward and backward on every backend,
// parameter shapes and roles, gradient checks (with / without bias, rank-4
// input flattened per example), a batch smaller than planned, Plan errors.
#include "mote/layers/dense.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::ExpectGradientsMatch;
using testing::LayerHarness;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(DenseTest, ParamsAndOutputShape) {
  Dense layer(5);
  LayerHarness h(layer, {Shape(4, 2, 3, 2)});
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  EXPECT_EQ(h.output_shape(), Shape(4, 5));
  ASSERT_EQ(h.params.size(), 2u);
  EXPECT_EQ(h.params[0].name, "kernel");
  EXPECT_EQ(h.params[0].shape, Shape(5, 12));
  EXPECT_EQ(h.params[0].role, ParamRole::kWeight);
  EXPECT_EQ(h.params[1].name, "bias");
  EXPECT_EQ(h.params[1].shape, Shape(5));
  EXPECT_EQ(h.params[1].role, ParamRole::kBias);

  Dense no_bias(3, false);
  LayerHarness h2(no_bias, {Shape(2, 4)});
  ASSERT_TRUE(h2.status().ok());
  EXPECT_EQ(h2.params.size(), 1u);
}

TEST(DenseTest, KnownForwardAndBackward) {
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Dense layer(2);
    LayerHarness h(layer, {Shape(2, 3)});
    ASSERT_TRUE(h.status().ok());
    h.params[0].values = {1, 2, 3, 4, 5, 6};  // W [out][in]
    h.params[1].values = {0.5f, -1.0f};
    h.inputs[0] = {1, 0, -1, 2, 1, 0};
    h.Forward(false);
    const std::vector<float> want = {-1.5f, -3.0f, 4.5f, 12.0f};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;

    h.probe = {1, 0, 0, 1};  // dY
    h.Backward(true);
    const std::vector<float> dw = {1, 0, -1, 2, 1, 0};  // dY^T X
    const std::vector<float> db = {1, 1};
    const std::vector<float> dx = {1, 2, 3, 4, 5, 6};  // dY W
    for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(h.params[0].grads[i], dw[i]) << i;
    for (size_t i = 0; i < 2; ++i) EXPECT_FLOAT_EQ(h.params[1].grads[i], db[i]) << i;
    for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
  }
}

TEST(DenseTest, BackwardAddsIntoParamGradsAndSkipsNullInputGrad) {
  Dense layer(3);
  LayerHarness h(layer, {Shape(2, 4)});
  ASSERT_TRUE(h.status().ok());
  h.Forward(true);
  h.Backward(true);
  const std::vector<float> once = h.params[0].grads, once_b = h.params[1].grads;
  // Backward adds: run it again on top of the previous gradients.
  std::vector<const float*> in = {h.inputs[0].data()};
  std::vector<float> sentinel(h.input_grads[0].size(), 7.0f);
  std::vector<float*> grads = {nullptr};
  std::vector<float> scratch(1 << 16);
  BackwardArgs args{2, in.data(), h.output.data(), h.probe.data(), grads.data(), scratch.data()};
  layer.Backward(args);
  for (size_t i = 0; i < once.size(); ++i) EXPECT_NEAR(h.params[0].grads[i], 2 * once[i], 1e-5f);
  for (size_t i = 0; i < once_b.size(); ++i) EXPECT_NEAR(h.params[1].grads[i], 2 * once_b[i], 1e-5f);
}

TEST(DenseTest, GradientCheck) {
  Dense layer(7);
  LayerHarness h(layer, {Shape(3, 10)});
  ExpectGradientsMatch(h);
}

TEST(DenseTest, GradientCheckNoBiasRank4Input) {
  Dense layer(4, false);
  LayerHarness h(layer, {Shape(2, 3, 2, 3)}, 7);
  ExpectGradientsMatch(h);
}

TEST(DenseTest, GradientCheckWide) {
  // Sizes past the GEMM's register tiles, with ragged edges.
  Dense layer(37);
  LayerHarness h(layer, {Shape(5, 70)}, 3);
  ExpectGradientsMatch(h);
}

TEST(DenseTest, LongRowsForwardMatchesDoubleReference) {
  // 300 input features take the row-dot-product path instead of the GEMM.
  constexpr size_t kBatch = 3, kFeatures = 300, kUnits = 11;
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Dense layer(kUnits);
    LayerHarness h(layer, {Shape(kBatch, kFeatures)}, 5);
    ASSERT_TRUE(h.status().ok());
    for (size_t i = 0; i < kUnits; ++i) h.params[1].values[i] = 0.25f * float(i) - 1.0f;
    h.Forward(false);
    for (size_t n = 0; n < kBatch; ++n)
      for (size_t j = 0; j < kUnits; ++j) {
        double want = h.params[1].values[j];
        for (size_t p = 0; p < kFeatures; ++p)
          want += double(h.inputs[0][n * kFeatures + p]) * double(h.params[0].values[j * kFeatures + p]);
        EXPECT_NEAR(h.output[n * kUnits + j], want, 1e-4 * (1.0 + std::fabs(want))) << n << "," << j;
      }
  }
}

// Predict (ForwardArgs::predict) on a few rows of short ones matches the
// definition and the inference Forward, with and without bias, at batches
// 1, 2 and 5 (over the row path's 4: the GEMM): 10 units take the row dot
// products, 37 on AVX-512 the input-major copy (F32DenseInputMajor, a
// partial vector of units), on inputs of which every third is zero (the
// rows it skips).
TEST(DenseTest, PredictShortRowsMatchesDoubleReference) {
  constexpr size_t kFeatures = 37;
  for (size_t units : {size_t(10), size_t(37)}) {
    for (bool bias : {true, false}) {
      for (const auto& c : BackendCases()) {
        SCOPED_TRACE(c.name);
        SCOPED_TRACE(units);
        ScopedBackend backend(c);
        Dense layer(units, bias);
        LayerHarness h(layer, {Shape(5, kFeatures)}, 6);
        ASSERT_TRUE(h.status().ok());
        for (size_t i = 0; i < h.inputs[0].size(); i += 3) h.inputs[0][i] = 0.0f;
        for (size_t batch : {size_t(1), size_t(2), size_t(5)}) {
          h.Forward(false, batch);
          const std::vector<float> inference = h.output;
          h.Forward(false, batch, /*predict=*/true);
          for (size_t n = 0; n < batch; ++n)
            for (size_t j = 0; j < units; ++j) {
              double want = bias ? h.params[1].values[j] : 0.0;
              for (size_t p = 0; p < kFeatures; ++p)
                want += double(h.inputs[0][n * kFeatures + p]) * double(h.params[0].values[j * kFeatures + p]);
              const double bound = 1e-5 * (1.0 + std::fabs(want));
              EXPECT_NEAR(h.output[n * units + j], want, bound) << batch << ": " << n << "," << j;
              EXPECT_NEAR(h.output[n * units + j], inference[n * units + j], bound) << batch << ": " << n << "," << j;
            }
        }
      }
    }
  }
}

TEST(DenseTest, GradientCheckLongRows) {
  Dense layer(3);
  LayerHarness h(layer, {Shape(2, 260)}, 9);
  ExpectGradientsMatch(h);
}

TEST(DenseTest, SmallerBatchThanPlanned) {
  auto make = [] { return std::unique_ptr<Layer>(new Dense(6)); };
  testing::ExpectSmallerBatchMatches(make, {Shape(5, 9)}, 2);
  testing::ExpectSmallerBatchMatches(make, {Shape(5, 9)}, 1);
  testing::ExpectSmallerBatchMatches(make, {Shape(20, 3, 3, 2)}, 17);
}

TEST(DenseTest, PlanErrors) {
  Dense zero_units(0);
  EXPECT_EQ(PlanCode(zero_units, {Shape(2, 3)}), StatusCode::kInvalidArgument);
  Dense layer(3);
  EXPECT_EQ(PlanCode(layer, {Shape(4)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(0, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 3), Shape(2, 3)}), StatusCode::kInvalidArgument);
  LayerHarness h(layer, {Shape(4)});
  EXPECT_STREQ(h.status().message(), "Dense: input must have rank >= 2 [N, features...]");
}

// Threads: the forward pass by units, the backward pass by input features,
// bit for bit the serial results: the seed network's dense layers (row dot
// products from 256 features on, the GEMM below), a batch of 7, units that
// leave a chunk short.
TEST(DenseThreads, ChunkedPassesEqualTheSerialOnesBitForBit) {
  struct Case {
    size_t n, features, units;
    bool bias;
  };
  for (const Case& k : {Case{7, 3920, 50, false}, Case{5, 200, 330, true}, Case{3, 520, 70, true}}) {
    testing::ExpectSameResultsForEveryThreadCount([&] { return std::make_unique<Dense>(k.units, k.bias); },
                                                  {Shape(k.n, k.features)}, true,
                                                  std::to_string(k.features) + " -> " + std::to_string(k.units));
  }
}

}  // namespace
}  // namespace mote
