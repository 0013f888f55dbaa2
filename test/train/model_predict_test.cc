// Model::Predict (src/train/model_predict.cc): buffer sizes are checked before
// anything is read or written, so a short buffer is an error, not a read past
// its end (the sanitizer build would report one as a heap-buffer-overflow).
// Predict on a few examples (convolutions on weights packed in panels, dense
// layers as row dot products, a following BatchNorm and ReLU fused in as the
// export does, Flatten skipped) matches the inference Forward on every
// backend, is bit-identical for any thread count, allocates nothing, and
// never uses a stale packed copy after the weights change through the API.
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
  // Dense layers of 32 units or more keep an input-major copy for Predict on
  // AVX-512 (the BatchNorm folded into the first one's); smaller ones, and
  // any on narrower vectors, run dot products (with the BatchNorm as a
  // per-unit affine after them). 40 and 33 units leave a tail of a vector.
  model.Add(std::make_unique<Dense>(40, false));
  model.Add(std::make_unique<BatchNorm>());
  model.Add(std::make_unique<ReLU>());
  model.Add(std::make_unique<Dense>(33));
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

// Predict at batches 1 to 4 (the row path on SIMD backends) and 6 (the
// GEMMs) against the inference Forward (the GEMMs, every layer on its own),
// on every backend: equal up to float rounding of sums taken in another order
// and of the folded BatchNorm.
void ExpectPredictMatchesForward(Model& model, size_t max_batch) {
  const size_t in = model.input_size(0), out = model.output_size(0);
  const std::vector<float> x = Uniform(max_batch * in, 4);
  // Moving statistics from a few training-mode passes.
  const float* px = x.data();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(model.Forward(&px, max_batch, true).ok());
  for (const auto& c : testing::AllCases()) {
    SCOPED_TRACE(c.name);
    testing::ScopedBackend backend(c);
    for (size_t batch : {size_t(1), size_t(2), size_t(3), size_t(4), max_batch}) {
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

// Predict at batch 1 to 4 with 0 (none), 1, 2, 3 and 8 threads: the same
// bits (the row path runs one image per chunk, each as on one thread).
TEST(ModelPredict, BitIdenticalForEveryThreadCount) {
  Model model;
  BuildOddCnn(model, 4);
  const size_t in = model.input_size(0), out = model.output_size(0);
  const std::vector<float> x = Uniform(4 * in, 6);
  const float* px = x.data();
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(model.Forward(&px, 4, true).ok());  // moving statistics
  for (const auto& c : testing::AllCases()) {
    SCOPED_TRACE(c.name);
    testing::ScopedBackend backend(c);
    std::vector<std::vector<float>> first(5);
    for (size_t threads : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(8)}) {
      SCOPED_TRACE(threads);
      ASSERT_TRUE(model.SetThreads(threads == 0 ? 1 : threads).ok());
      for (size_t batch = 1; batch <= 4; ++batch) {
        std::vector<float> got(batch * out);
        ASSERT_TRUE(model.Predict(x.data(), batch * in, batch, got.data(), got.size()).ok());
        if (first[batch].empty()) {
          first[batch] = got;
          continue;
        }
        EXPECT_EQ(std::memcmp(got.data(), first[batch].data(), got.size() * sizeof(float)), 0) << "batch " << batch;
      }
    }
  }
}

// Predict keeps Conv2D's weights packed in panels and Dense's input-major,
// with the BatchNorm after them folded in, between calls (remade when the
// parameters version moves):
// after every way the weights or the batchnorm statistics change through the
// API, Predict matches the inference Forward (every layer on its own, reading
// the weights in place), so no stale copy is used. The first Predict of each
// check would see the old copy if it were kept: the changes are large.
TEST(ModelPredict, PredictFollowsEveryWeightChange) {
  Model model;
  BuildOddCnn(model, 6);
  const size_t in = model.input_size(0), out = model.output_size(0);
  const std::vector<float> x = Uniform(6 * in, 5);
  const float* px = x.data();
  std::vector<float> last;  // the previous check's prediction, which each change must move
  auto expect_predict_matches_forward = [&](const char* after, bool changed = true) {
    SCOPED_TRACE(after);
    ASSERT_TRUE(model.Forward(&px, 1, false).ok());
    const std::vector<float> want(model.output(), model.output() + out);
    std::vector<float> got(out);
    for (int call = 0; call < 2; ++call) {  // packing, then the kept panels
      ASSERT_TRUE(model.Predict(x.data(), in, 1, got.data(), got.size()).ok());
      for (size_t i = 0; i < out; ++i) ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i]))) << i;
    }
    if (changed) {
      EXPECT_NE(got, last) << "the change did not move the prediction: the check proves nothing";
    }
    last = got;
  };
  expect_predict_matches_forward("prepare");
  for (const ParamInfo& info : model.param_infos()) {
    // Each of the two dense layers with an input-major copy alone (its
    // kernel, then its bias where it has one): only that copy goes stale
    // (where the backend keeps one: kernels::F32DenseInputMajorLanes() >= 16).
    const Layer* layer = model.layer(info.node);
    if (std::strcmp(layer->type(), "Dense") != 0 || static_cast<const Dense*>(layer)->units() < 32) continue;
    {
      Model::Writer params = model.mutable_params();
      for (size_t i = 0; i < info.size; ++i) params[info.offset + i] = params[info.offset + i] * -2.0f + 0.5f;
    }
    expect_predict_matches_forward(info.name.c_str());
  }
  const std::vector<int32_t> labels = {1, 0, 3, 2, 1, 0};
  ASSERT_TRUE(model.TrainStep(&px, Targets{labels.data(), nullptr}, 6, 0.5f).ok());
  expect_predict_matches_forward("a training step");
  ASSERT_TRUE(model.Forward(&px, 6, true).ok());
  ASSERT_TRUE(model.Backward(Targets{labels.data(), nullptr}, 6, false, nullptr).ok());
  ASSERT_TRUE(model.ApplyGradients(0.5f).ok());
  expect_predict_matches_forward("an optimizer step (ApplyGradients)");
  {
    Model::Writer params = model.mutable_params();
    for (size_t i = 0; i < params.size(); ++i) params[i] = -params[i];
  }
  expect_predict_matches_forward("a write through mutable_params()");
  {
    // A Writer kept across Predicts: writes made after a Predict are seen too.
    Model::Writer params = model.mutable_params();
    expect_predict_matches_forward("a Writer opened", false);
    for (size_t i = 0; i < params.size(); ++i) params[i] *= 1.5f;
    expect_predict_matches_forward("a write after a Predict, the Writer still open");
  }
  expect_predict_matches_forward("the Writer closed", false);
  {
    Model::Writer state = model.mutable_state();  // batchnorm statistics, folded into the panels
    for (size_t i = 0; i < state.size(); ++i) state[i] = state[i] * 0.5f + 0.25f;
  }
  expect_predict_matches_forward("a write through mutable_state()");
  ASSERT_TRUE(model.Forward(&px, 6, true).ok());  // moves the moving statistics
  expect_predict_matches_forward("a training-mode Forward");
  ASSERT_TRUE(model.Prepare(3, 1).ok());  // keeps the weights: the copies are remade, the same
  expect_predict_matches_forward("a new Prepare", false);
}

// The fused path is taken: a Predict at batch 1 leaves the model input's
// copy, the fused BatchNorm's and the skipped Flatten's outputs as they were
// (node_output documents it), while the inference Forward writes them.
TEST(ModelPredict, FusedLayersAreSkipped) {
  if (ActiveBackend() == Backend::kScalar) GTEST_SKIP() << "the scalar backend takes the GEMM path";
  Model model;
  BuildOddCnn(model, 6);
  const size_t in = model.input_size(0);
  const std::vector<float> x = Uniform(in, 8);
  const NodeId bn = 2, flatten = 8;  // the first BatchNorm; the Flatten (node 0 is the input)
  ASSERT_STREQ(model.layer(bn)->type(), "BatchNorm");
  ASSERT_STREQ(model.layer(flatten)->type(), "Flatten");
  float* input_copy = const_cast<float*>(model.node_output(0));
  float* bn_out = const_cast<float*>(model.node_output(bn));
  float* flatten_out = const_cast<float*>(model.node_output(flatten));
  input_copy[0] = bn_out[0] = flatten_out[0] = 12345.0f;
  std::vector<float> got(model.output_size(0));
  ASSERT_TRUE(model.Predict(x.data(), in, 1, got.data(), got.size()).ok());
  EXPECT_EQ(input_copy[0], 12345.0f);
  EXPECT_EQ(bn_out[0], 12345.0f);
  EXPECT_EQ(flatten_out[0], 12345.0f);
  const float* px = x.data();
  ASSERT_TRUE(model.Forward(&px, 1, false).ok());
  EXPECT_NE(input_copy[0], 12345.0f);
  EXPECT_NE(bn_out[0], 12345.0f);
  EXPECT_NE(flatten_out[0], 12345.0f);
}

}  // namespace
}  // namespace mote
