// Model::Predict (src/train/model_predict.cc): buffer sizes are checked before
// anything is read or written, so a short buffer is an error, not a read past
// its end (the sanitizer build would report one as a heap-buffer-overflow).
// Predict on a few examples (convolutions on weights packed in panels, dense
// layers as row dot products) matches the inference Forward on every backend and allocates
// nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "kernels/kernel_test_util.h"
#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"
#include "mote/zoo.h"

namespace mote {
namespace {

void BuildDense64(Model& model) {
  model.Input(Shape(64));
  model.Add(std::make_unique<Dense>(10));
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Sgd>());
  ASSERT_TRUE(model.Prepare(4, 1).ok());
}

TEST(ModelPredict, ShortInputIsAnErrorAndNothingIsWritten) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(63, 0.5f);  // one float short: heap-allocated so ASan sees its end
  std::vector<float> out(10, -7.0f);
  const Status s = model.Predict(input.data(), input.size(), 1, out.data(), out.size());
  EXPECT_EQ(s.code(), StatusCode::kShapeMismatch);
  EXPECT_NE(std::string(s.message()).find("63"), std::string::npos) << s.message();
  EXPECT_NE(std::string(s.message()).find("64"), std::string::npos) << s.message();
  for (float v : out) EXPECT_EQ(v, -7.0f);
}

TEST(ModelPredict, ShortInputForTheBatchIsAnError) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(64 * 3 - 1), out(30);
  EXPECT_EQ(model.Predict(input.data(), input.size(), 3, out.data(), out.size()).code(), StatusCode::kShapeMismatch);
}

TEST(ModelPredict, ShortOutputIsAnErrorAndNothingIsWritten) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(128, 0.5f), out(19, -7.0f);
  const Status s = model.Predict(input.data(), input.size(), 2, out.data(), out.size());
  EXPECT_EQ(s.code(), StatusCode::kShapeMismatch);
  EXPECT_NE(std::string(s.message()).find("19"), std::string::npos) << s.message();
  for (float v : out) EXPECT_EQ(v, -7.0f);
}

TEST(ModelPredict, ExactBuffersWork) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(128, 0.5f), out(20);
  ASSERT_TRUE(model.Predict(input.data(), input.size(), 2, out.data(), out.size()).ok());
  // Both rows see the same input: the same logits.
  for (size_t j = 0; j < 10; ++j) EXPECT_EQ(out[j], out[10 + j]);
}

TEST(ModelPredict, BadArgumentsAreErrors) {
  Model model;
  std::vector<float> input(64), out(10);
  EXPECT_EQ(model.Predict(input.data(), 64, 1, out.data(), 10).code(), StatusCode::kInvalidArgument);  // not prepared
  BuildDense64(model);
  EXPECT_EQ(model.Predict(nullptr, 64, 1, out.data(), 10).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(input.data(), 64, 1, nullptr, 10).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(input.data(), 64, 0, out.data(), 10).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(model.Predict(input.data(), 64 * 5, 5, out.data(), 50).code(), StatusCode::kOutOfRange);  // > max_batch
}

// A small CNN of odd shapes: 3 channels, strides 2 and 1, explicit and same
// padding, a 1x1 conv, batchnorm with moving statistics away from 0 / 1.
void BuildOddCnn(Model& model, size_t max_batch) {
  Conv2DOptions strided;
  strided.stride_h = 2;
  strided.padding = Padding::kExplicit;
  strided.pad_h = 2;
  strided.pad_w = 1;
  Conv2DOptions same;
  same.padding = Padding::kSame;
  same.use_bias = false;
  model.Input(Shape(11, 9, 3));
  model.Add(std::make_unique<Conv2D>(6, 5, 3, strided));
  model.Add(std::make_unique<BatchNorm>());
  model.Add(std::make_unique<ReLU>());
  model.Add(std::make_unique<Conv2D>(13, 3, 3, same));
  model.Add(std::make_unique<Conv2D>(5, 1, 1));
  model.Add(std::make_unique<BatchNorm>());
  model.Add(std::make_unique<ReLU>());
  model.Add(std::make_unique<Flatten>());
  model.Add(std::make_unique<Dense>(7, false));
  model.Add(std::make_unique<BatchNorm>());
  model.Add(std::make_unique<ReLU>());
  model.Add(std::make_unique<Dense>(4));
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Sgd>());
  ASSERT_TRUE(model.Prepare(max_batch, 3).ok());
}

std::vector<float> Uniform(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.Uniform(-1.0f, 1.0f);
  return v;
}

// Predict at batches 1 and 2 (the row path on SIMD backends) and 6 (the
// GEMMs) against the inference Forward (the GEMMs), on every backend:
// equal up to float rounding of sums taken in another order.
void ExpectPredictMatchesForward(Model& model, size_t max_batch) {
  const size_t in = model.input_size(0), out = model.output_size(0);
  const std::vector<float> x = Uniform(max_batch * in, 4);
  // Moving statistics from a few training-mode passes.
  const float* px = x.data();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(model.Forward(&px, max_batch, true).ok());
  for (const auto& c : testing::AllCases()) {
    SCOPED_TRACE(c.name);
    testing::ScopedBackend backend(c);
    for (size_t batch : {size_t(1), size_t(2), max_batch}) {
      SCOPED_TRACE(batch);
      ASSERT_TRUE(model.Forward(&px, batch, false).ok());
      const std::vector<float> want(model.output(), model.output() + batch * out);
      std::vector<float> got(batch * out, -7.0f);
      {
        testing::AllocationScope scope;
        ASSERT_TRUE(model.Predict(x.data(), batch * in, batch, got.data(), got.size()).ok());
        EXPECT_EQ(scope.count(), 0u);
      }
      for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i]))) << i;
    }
  }
}

TEST(ModelPredict, FewExamplesMatchTheInferenceForwardOnEveryBackend) {
  Model model;
  BuildOddCnn(model, 6);
  ExpectPredictMatchesForward(model, 6);
  ASSERT_TRUE(model.SetThreads(3).ok());  // images of the row path one per worker
  ExpectPredictMatchesForward(model, 6);
}

TEST(ModelPredict, SeedNetworkFewExamplesMatchTheInferenceForward) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model, NarrowSeedNetworkOptions()).ok());
  ASSERT_TRUE(model.Prepare(6, 2).ok());
  ExpectPredictMatchesForward(model, 6);
}

// Predict keeps Conv2D's weights packed in panels between calls (repacked
// when the parameters version moves): after a training step, a write through
// params() and a new Prepare, Predict still matches the inference Forward,
// so no stale copy is used.
TEST(ModelPredict, PredictFollowsEveryWeightChange) {
  Model model;
  BuildOddCnn(model, 6);
  const size_t in = model.input_size(0), out = model.output_size(0);
  const std::vector<float> x = Uniform(6 * in, 5);
  const float* px = x.data();
  auto expect_predict_matches_forward = [&](const char* after) {
    SCOPED_TRACE(after);
    ASSERT_TRUE(model.Forward(&px, 1, false).ok());
    const std::vector<float> want(model.output(), model.output() + out);
    std::vector<float> got(out);
    for (int call = 0; call < 2; ++call) {  // packing, then the kept panels
      ASSERT_TRUE(model.Predict(x.data(), in, 1, got.data(), got.size()).ok());
      for (size_t i = 0; i < out; ++i) ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i]))) << i;
    }
  };
  expect_predict_matches_forward("prepare");
  const std::vector<int32_t> labels = {1, 0, 3, 2, 1, 0};
  ASSERT_TRUE(model.TrainStep(&px, Targets{labels.data(), nullptr}, 6, 0.5f).ok());
  expect_predict_matches_forward("a training step");
  float* params = model.params();
  for (size_t i = 0; i < model.param_buffer_floats(); ++i) params[i] = -params[i];
  expect_predict_matches_forward("a write through params()");
  ASSERT_TRUE(model.Prepare(3, 1).ok());
  expect_predict_matches_forward("a new Prepare");
}

}  // namespace
}  // namespace mote
