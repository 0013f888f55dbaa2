#include "mote/layers/dropout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "layer_test_util.h"

namespace mote {
namespace {

using testing::LayerHarness;

StatusCode PlanCode(float p, std::vector<Shape> shapes = {Shape(2, 3)}) {
  Dropout d(p);
  LayerHarness h(d, std::move(shapes));
  return h.status().code();
}

TEST(Dropout, PlanValidatesKeepProbability) {
  EXPECT_EQ(PlanCode(0.0f), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(-0.5f), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(1.5f), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(std::nanf("")), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(0.5f, {Shape(2, 3), Shape(2, 3)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(1.0f), StatusCode::kOk);
  EXPECT_EQ(PlanCode(0.01f), StatusCode::kOk);
  Dropout d(0.5f);
  LayerHarness h(d, {Shape(4, 2, 2, 3)});
  EXPECT_EQ(h.output_shape(), Shape(4, 2, 2, 3));
  EXPECT_TRUE(h.params.empty());
}

TEST(Dropout, InferenceIsIdentity) {
  Dropout d(0.3f);
  LayerHarness h(d, {Shape(5, 7)});
  h.Forward(false);
  EXPECT_EQ(h.output, h.inputs[0]);
  h.Backward(true);
  EXPECT_EQ(h.input_grads[0], h.probe);
}

TEST(Dropout, KeepProbabilityOneIsIdentityInTraining) {
  Dropout d(1.0f);
  LayerHarness h(d, {Shape(5, 7)});
  EXPECT_TRUE(h.buffers.empty());
  h.Forward(true);
  EXPECT_EQ(h.output, h.inputs[0]);
  h.Backward(true);
  EXPECT_EQ(h.input_grads[0], h.probe);
}

TEST(Dropout, FractionKeptAndMeanPreserved) {
  for (float p : {0.2f, 0.5f, 0.8f}) {
    Dropout d(p);
    LayerHarness h(d, {Shape(100, 1000)});
    std::fill(h.inputs[0].begin(), h.inputs[0].end(), 1.0f);
    h.Forward(true);
    const double n = double(h.output.size());
    size_t kept = 0;
    double sum = 0;
    for (float y : h.output) {
      if (y != 0.0f) {
        ++kept;
        EXPECT_FLOAT_EQ(y, 1.0f / p);
      }
      sum += y;
    }
    // 5 standard deviations of a Binomial(n, p) fraction / of the mean.
    EXPECT_NEAR(kept / n, p, 5 * std::sqrt(p * (1 - p) / n)) << p;
    EXPECT_NEAR(sum / n, 1.0, 5 * std::sqrt((1 / p - 1) / n)) << p;
  }
}

TEST(Dropout, BackwardUsesTheSameMask) {
  const float p = 0.6f;
  Dropout d(p);
  LayerHarness h(d, {Shape(8, 3, 3, 2)});
  h.Forward(true);
  h.Backward(true);
  size_t dropped = 0;
  for (size_t i = 0; i < h.output.size(); ++i) {
    const bool kept = h.output[i] != 0.0f;  // inputs are never exactly 0 here
    if (!kept) ++dropped;
    EXPECT_FLOAT_EQ(h.input_grads[0][i], kept ? h.probe[i] / p : 0.0f) << i;
    if (kept) {
      EXPECT_FLOAT_EQ(h.output[i], h.inputs[0][i] / p) << i;
    }
  }
  EXPECT_GT(dropped, 0u);
}

TEST(Dropout, GradientCheckTraining) {
  Dropout d(0.7f);
  LayerHarness h(d, {Shape(4, 2, 3, 5)});
  const auto r = h.CheckGradients(true, 1e-2f);
  EXPECT_LE(r.max_input_error, 1e-4) << r.worst;
  std::printf("Dropout grad check: input %.3g\n", r.max_input_error);
  const auto r2 = h.CheckGradients(false, 1e-2f);
  EXPECT_LE(r2.max_input_error, 1e-4) << r2.worst;
}

TEST(Dropout, MasksDifferAcrossStepsAndRepeatFromTheSeed) {
  Dropout d(0.5f);
  LayerHarness h(d, {Shape(4, 64)});
  std::vector<float> out1(h.output.size()), out2(h.output.size()), out3(h.output.size());
  const float* in[1] = {h.inputs[0].data()};
  Rng rng(77);
  ForwardArgs args{4, in, out1.data(), true, &rng, nullptr};
  d.Forward(args);
  args.output = out2.data();
  d.Forward(args);
  EXPECT_NE(out1, out2);
  rng.Seed(77);
  args.output = out3.data();
  d.Forward(args);
  EXPECT_EQ(out1, out3);
}

TEST(Dropout, BatchSmallerThanPlanned) {
  Dropout d(0.5f);
  LayerHarness h(d, {Shape(6, 10)});
  const float sentinel = 999.0f;
  std::vector<float> out(h.output.size(), sentinel), dx(h.output.size(), sentinel);
  const float* in[1] = {h.inputs[0].data()};
  Rng rng(5);
  ForwardArgs fa{2, in, out.data(), true, &rng, nullptr};
  d.Forward(fa);
  float* dxs[1] = {dx.data()};
  BackwardArgs ba{2, in, out.data(), h.probe.data(), dxs, nullptr};
  d.Backward(ba);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_NE(out[i], sentinel);
    EXPECT_FLOAT_EQ(dx[i], out[i] == 0.0f ? 0.0f : h.probe[i] * 2.0f);
  }
  for (size_t i = 20; i < out.size(); ++i) {
    EXPECT_EQ(out[i], sentinel);
    EXPECT_EQ(dx[i], sentinel);
  }
}

}  // namespace
}  // namespace mote
