#include "mote/layers/batch_norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "layer_test_util.h"

namespace mote {
namespace {

using testing::LayerHarness;

// Finds a block by name (params or states).
std::vector<float>& Values(std::vector<LayerHarness::Block>& blocks, const char* name) {
  for (auto& b : blocks)
    if (b.name == name) return b.values;
  ADD_FAILURE() << "no block " << name;
  static std::vector<float> none;
  return none;
}

TEST(BatchNorm, PlanDeclaresParamsStatesAndShape) {
  BatchNorm bn;
  LayerHarness h(bn, {Shape(4, 3, 3, 5)});
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  EXPECT_EQ(h.output_shape(), Shape(4, 3, 3, 5));
  ASSERT_EQ(h.params.size(), 2u);
  EXPECT_EQ(h.params[0].name, "gamma");
  EXPECT_EQ(h.params[0].role, ParamRole::kNormScale);
  EXPECT_EQ(h.params[0].shape, Shape(5));
  EXPECT_EQ(h.params[1].name, "beta");
  EXPECT_EQ(h.params[1].role, ParamRole::kNormShift);
  ASSERT_EQ(h.states.size(), 2u);
  EXPECT_EQ(h.states[0].name, "moving_mean");
  EXPECT_EQ(h.states[0].values, std::vector<float>(5, 0.0f));
  EXPECT_EQ(h.states[1].name, "moving_variance");
  EXPECT_EQ(h.states[1].values, std::vector<float>(5, 1.0f));
  EXPECT_EQ(bn.channels(), 5u);

  BatchNorm no_affine(BatchNormOptions{0.9f, 1e-3f, false, false});
  LayerHarness h2(no_affine, {Shape(4, 6)});
  ASSERT_TRUE(h2.status().ok());
  EXPECT_TRUE(h2.params.empty());
}

TEST(BatchNorm, PlanRejectsBadInputsAndOptions) {
  auto code = [](BatchNormOptions o, std::vector<Shape> shapes) {
    BatchNorm bn(o);
    LayerHarness h(bn, std::move(shapes));
    return h.status().code();
  };
  EXPECT_EQ(code({}, {Shape(4)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(code({}, {Shape(4, 0)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(code({}, {Shape(4, 3), Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({1.5f, 1e-3f, true, true}, {Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({-0.1f, 1e-3f, true, true}, {Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({std::nanf(""), 1e-3f, true, true}, {Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({0.9f, 0.0f, true, true}, {Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({0.9f, INFINITY, true, true}, {Shape(4, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({}, {Shape(4, 3)}), StatusCode::kOk);
  EXPECT_EQ(code({}, {Shape(4, 2, 3)}), StatusCode::kOk);
}

TEST(BatchNorm, TrainingOutputAndMovingAveragesOnKnownValues) {
  // Two features, three rows: feature 0 = (1, 3, 5): mean 3, biased var 8/3,
  // unbiased 4. Feature 1 = (10, 14, 12): mean 12, biased 8/3, unbiased 4.
  BatchNorm bn(BatchNormOptions{0.9f, 1e-3f, true, true});
  LayerHarness h(bn, {Shape(3, 2)});
  ASSERT_TRUE(h.status().ok());
  h.inputs[0] = {1, 10, 3, 14, 5, 12};
  Values(h.params, "gamma") = {2.0f, 0.5f};
  Values(h.params, "beta") = {1.0f, -1.0f};
  h.Forward(true);
  const float s = 1.0f / std::sqrt(8.0f / 3.0f + 1e-3f);
  const float expected[6] = {2 * -2 * s + 1, 0.5f * -2 * s - 1, 1, 0.5f * 2 * s - 1, 2 * 2 * s + 1, -1};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(h.output[i], expected[i], 1e-5) << i;
  // moving = 0.9 * moving + 0.1 * batch statistic (unbiased variance).
  std::vector<float>& mm = Values(h.states, "moving_mean");
  std::vector<float>& mv = Values(h.states, "moving_variance");
  EXPECT_NEAR(mm[0], 0.3f, 1e-6);
  EXPECT_NEAR(mm[1], 1.2f, 1e-6);
  EXPECT_NEAR(mv[0], 0.9f + 0.4f, 1e-6);
  EXPECT_NEAR(mv[1], 0.9f + 0.4f, 1e-6);
  // A second step moves them again from there.
  h.Forward(true);
  EXPECT_NEAR(mm[0], 0.9f * 0.3f + 0.3f, 1e-6);
  EXPECT_NEAR(mv[0], 0.9f * 1.3f + 0.4f, 1e-6);
  // Inference does not touch them.
  h.Forward(false);
  EXPECT_NEAR(mm[0], 0.57f, 1e-6);
}

TEST(BatchNorm, MomentumOneFreezesAndZeroCopiesTheBatch) {
  for (float momentum : {0.0f, 1.0f}) {
    BatchNorm bn(BatchNormOptions{momentum, 1e-3f, true, true});
    LayerHarness h(bn, {Shape(4, 1)});
    h.inputs[0] = {0, 2, 4, 6};  // mean 3, unbiased var 20/3
    h.Forward(true);
    EXPECT_NEAR(h.states[0].values[0], momentum == 0 ? 3.0f : 0.0f, 1e-6);
    EXPECT_NEAR(h.states[1].values[0], momentum == 0 ? 20.0f / 3 : 1.0f, 1e-5);
  }
}

TEST(BatchNorm, InferenceUsesMovingStatisticsOnKnownValues) {
  BatchNorm bn(BatchNormOptions{0.99f, 0.01f, true, true});
  LayerHarness h(bn, {Shape(2, 1, 1, 2)});
  ASSERT_TRUE(h.status().ok());
  h.inputs[0] = {1.0f, -2.0f, 3.0f, 0.0f};
  Values(h.params, "gamma") = {2.0f, -1.0f};
  Values(h.params, "beta") = {0.5f, 0.25f};
  Values(h.states, "moving_mean") = {1.0f, -1.0f};
  Values(h.states, "moving_variance") = {3.99f, 0.24f};  // + eps: 4 and 0.25
  h.Forward(false);
  EXPECT_NEAR(h.output[0], 2.0f * (1 - 1) / 2 + 0.5f, 1e-6);
  EXPECT_NEAR(h.output[1], -1.0f * (-2 + 1) / 0.5f + 0.25f, 1e-6);
  EXPECT_NEAR(h.output[2], 2.0f * (3 - 1) / 2 + 0.5f, 1e-6);
  EXPECT_NEAR(h.output[3], -1.0f * (0 + 1) / 0.5f + 0.25f, 1e-6);
}

TEST(BatchNorm, TrainingNormalisesEachChannel) {
  BatchNorm bn(BatchNormOptions{0.99f, 1e-5f, false, false});
  LayerHarness h(bn, {Shape(3, 4, 5, 3)});
  ASSERT_TRUE(h.status().ok());
  // Channel c has mean ~ 10 c and spread ~ (c + 1).
  for (size_t i = 0; i < h.inputs[0].size(); ++i) h.inputs[0][i] = float(i % 3) * 10 + float(i % 3 + 1) * h.inputs[0][i];
  h.Forward(true);
  for (size_t ch = 0; ch < 3; ++ch) {
    double s = 0, s2 = 0;
    const size_t m = 3 * 4 * 5;
    for (size_t r = 0; r < m; ++r) {
      const double v = h.output[r * 3 + ch];
      s += v;
      s2 += v * v;
    }
    EXPECT_NEAR(s / m, 0.0, 1e-5) << ch;
    EXPECT_NEAR(s2 / m, 1.0, 1e-3) << ch;  // var / (var + eps)
  }
}

TEST(BatchNorm, LargeMeanKeepsVariancePrecision) {
  // E[x^2] - mu^2 would lose every digit here (x^2 ~ 1e8, var ~ 0.67).
  BatchNorm bn(BatchNormOptions{0.0f, 1e-3f, false, false});
  LayerHarness h(bn, {Shape(3, 1)});
  h.inputs[0] = {9999.0f, 10000.0f, 10001.0f};
  h.Forward(true);
  const float s = 1.0f / std::sqrt(2.0f / 3.0f + 1e-3f);
  EXPECT_NEAR(h.output[0], -s, 1e-5);
  EXPECT_NEAR(h.output[1], 0.0f, 1e-5);
  EXPECT_NEAR(h.output[2], s, 1e-5);
  EXPECT_NEAR(h.states[1].values[0], 1.0f, 1e-5);  // unbiased: 2 / 2
}

TEST(BatchNorm, GradientCheckDenseTraining) {
  BatchNorm bn(BatchNormOptions{0.9f, 1e-3f, true, true});
  LayerHarness h(bn, {Shape(8, 5)}, 7);
  ASSERT_TRUE(h.status().ok());
  const auto r = h.CheckGradients(true, 1e-2f);
  EXPECT_LE(r.max_input_error, 1e-3) << r.worst;
  EXPECT_LE(r.max_param_error, 1e-3) << r.worst;
  RecordProperty("max_input_error", std::to_string(r.max_input_error));
  RecordProperty("max_param_error", std::to_string(r.max_param_error));
  std::printf("BatchNorm dense grad check: input %.3g param %.3g\n", r.max_input_error, r.max_param_error);
}

TEST(BatchNorm, GradientCheckConvTraining) {
  BatchNorm bn;
  LayerHarness h(bn, {Shape(2, 3, 3, 4)}, 3);
  ASSERT_TRUE(h.status().ok());
  const auto r = h.CheckGradients(true, 1e-2f);
  EXPECT_LE(r.max_input_error, 1e-3) << r.worst;
  EXPECT_LE(r.max_param_error, 1e-3) << r.worst;
  std::printf("BatchNorm conv grad check: input %.3g param %.3g\n", r.max_input_error, r.max_param_error);
}

TEST(BatchNorm, GradientCheckWithoutScaleAndCenter) {
  BatchNorm bn(BatchNormOptions{0.99f, 1e-3f, false, false});
  LayerHarness h(bn, {Shape(6, 1, 2, 3)}, 11);
  const auto r = h.CheckGradients(true, 1e-2f);
  EXPECT_LE(r.max_input_error, 1e-3) << r.worst;
}

TEST(BatchNorm, GradientCheckInferenceMode) {
  // After an inference Forward the statistics are constants (frozen BN).
  BatchNorm bn;
  LayerHarness h(bn, {Shape(4, 2, 2, 3)}, 5);
  Values(h.states, "moving_mean") = {0.1f, -0.2f, 0.3f};
  Values(h.states, "moving_variance") = {0.5f, 2.0f, 1.0f};
  const auto r = h.CheckGradients(false, 1e-2f);
  EXPECT_LE(r.max_input_error, 1e-4) << r.worst;
  EXPECT_LE(r.max_param_error, 1e-4) << r.worst;
}

TEST(BatchNorm, InputGradientIsOptional) {
  BatchNorm bn;
  LayerHarness h(bn, {Shape(5, 4)});
  h.Forward(true);
  h.Backward(true);
  const std::vector<float> dgamma = h.params[0].grads, dbeta = h.params[1].grads;
  h.Backward(false);
  EXPECT_EQ(h.params[0].grads, dgamma);
  EXPECT_EQ(h.params[1].grads, dbeta);
  // sum over the batch of dx is 0 in training (the mean is subtracted).
  h.Backward(true);
  for (size_t c = 0; c < 4; ++c) {
    double s = 0;
    for (size_t r = 0; r < 5; ++r) s += h.input_grads[0][r * 4 + c];
    EXPECT_NEAR(s, 0.0, 1e-5);
  }
}

TEST(BatchNorm, BatchSmallerThanPlanned) {
  // Planned for 6 rows, run with 3: same as a layer planned for 3 rows.
  const size_t c = 4;
  BatchNorm big_bn(BatchNormOptions{0.8f, 1e-3f, true, true}), small_bn(BatchNormOptions{0.8f, 1e-3f, true, true});
  LayerHarness big(big_bn, {Shape(6, 1, 2, c)}, 21), small(small_bn, {Shape(3, 1, 2, c)}, 22);
  ASSERT_TRUE(big.status().ok() && small.status().ok());
  for (size_t p = 0; p < 2; ++p) small.params[p].values = big.params[p].values;
  std::copy(big.inputs[0].begin(), big.inputs[0].begin() + 3 * 2 * c, small.inputs[0].begin());
  const float sentinel = 12345.0f;
  std::fill(big.output.begin(), big.output.end(), sentinel);

  std::vector<float> scratch(5 * c + 64);
  const float* in[1] = {big.inputs[0].data()};
  Rng rng(1);
  ForwardArgs fa{3, in, big.output.data(), true, &rng, scratch.data()};
  big_bn.Forward(fa);
  small.Forward(true);
  for (size_t i = 0; i < small.output.size(); ++i) EXPECT_NEAR(big.output[i], small.output[i], 1e-6) << i;
  for (size_t i = small.output.size(); i < big.output.size(); ++i) EXPECT_EQ(big.output[i], sentinel);
  for (size_t s = 0; s < 2; ++s)
    for (size_t i = 0; i < c; ++i) EXPECT_NEAR(big.states[s].values[i], small.states[s].values[i], 1e-6);

  std::vector<float> dy(big.output.size(), 0.0f), dx(big.output.size(), sentinel);
  for (size_t i = 0; i < small.probe.size(); ++i) dy[i] = small.probe[i];
  float* dxs[1] = {dx.data()};
  for (auto& p : big.params) std::fill(p.grads.begin(), p.grads.end(), 0.0f);
  BackwardArgs ba{3, in, big.output.data(), dy.data(), dxs, scratch.data()};
  big_bn.Backward(ba);
  small.Backward(true);
  for (size_t i = 0; i < small.input_grads[0].size(); ++i) EXPECT_NEAR(dx[i], small.input_grads[0][i], 1e-5) << i;
  for (size_t i = small.input_grads[0].size(); i < dx.size(); ++i) EXPECT_EQ(dx[i], sentinel);
  for (size_t p = 0; p < 2; ++p)
    for (size_t i = 0; i < c; ++i) EXPECT_NEAR(big.params[p].grads[i], small.params[p].grads[i], 1e-5);
}

TEST(BatchNorm, SingleRowBatchIsFinite) {
  BatchNorm bn;
  LayerHarness h(bn, {Shape(1, 3)});
  h.Forward(true);
  // x - mu = 0: the output is beta; the moving variance uses the biased 0.
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(h.output[i], h.params[1].values[i], 1e-6);
  for (float v : h.states[1].values) EXPECT_NEAR(v, 0.99f, 1e-6);
  h.Backward(true);
  for (float g : h.input_grads[0]) EXPECT_TRUE(std::isfinite(g));
}

// Threads: row chunks of a fixed size, partial sums added in chunk order:
// the same statistics, outputs and gradients for every thread count, in
// training and inference, on the seed network's first batch norm (many
// chunks, the last one short) and a narrow dense one.
TEST(BatchNormThreads, SameResultsForEveryThreadCount) {
  for (bool training : {true, false}) {
    testing::ExpectSameResultsForEveryThreadCount([] { return std::make_unique<BatchNorm>(); },
                                                  {Shape(9, 14, 14, 10)}, training, "conv batch norm");
    testing::ExpectSameResultsForEveryThreadCount([] { return std::make_unique<BatchNorm>(); }, {Shape(5, 3)},
                                                  training, "dense batch norm");
  }
}

}  // namespace
}  // namespace mote
