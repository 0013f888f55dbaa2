// Gradient clipping by global norm (Model::SetGradientClipNorm): an SGD step
// with lr 1 moves the parameters by exactly the clipped gradient (scaled by
// max_norm / ||g|| above the threshold, unchanged below it); an LSTM sequence
// model trains with clipping without allocating; bad thresholds are rejected.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "allocation_counter.h"
#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optim/adam.h"
#include "mote/optim/sgd.h"
#include "mote/rng.h"

namespace mote {
namespace {

// Input [6, 3] sequences -> LSTM(5) -> Dense(2), mean squared error.
struct SequenceModel {
  Model model;
  std::vector<float> x, t;
  explicit SequenceModel(std::unique_ptr<Optimizer> optimizer) {
    model.Input(Shape(6, 3));
    model.Add(std::unique_ptr<Layer>(new LSTM(5)));
    model.Add(std::unique_ptr<Layer>(new Dense(2)));
    model.SetLoss(std::make_unique<MeanSquaredError>());
    model.SetOptimizer(std::move(optimizer));
    EXPECT_TRUE(model.Prepare(4, 3).ok());
    Rng rng(9);
    x.resize(4 * 6 * 3);
    t.resize(4 * 2);
    for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
    for (float& v : t) v = rng.Uniform(-3.0f, 3.0f);
  }
  // Gradients of the batch; returns their global norm.
  double Gradients() {
    const float* in = x.data();
    EXPECT_TRUE(model.Forward(&in, 4, true).ok());
    float loss = 0;
    EXPECT_TRUE(model.Backward(Targets{nullptr, t.data()}, 4, false, &loss).ok());
    double norm2 = 0;
    for (size_t i = 0; i < model.param_buffer_floats(); ++i) norm2 += double(model.grads()[i]) * model.grads()[i];
    return std::sqrt(norm2);
  }
};

void ExpectStep(float clip_fraction) {
  SequenceModel m(std::make_unique<Sgd>());
  const double norm = m.Gradients();
  ASSERT_GT(norm, 0.0);
  const float max_norm = float(norm * clip_fraction);
  ASSERT_TRUE(m.model.SetGradientClipNorm(max_norm).ok());
  EXPECT_EQ(m.model.gradient_clip_norm(), max_norm);
  const std::vector<float> p0(m.model.params(), m.model.params() + m.model.param_buffer_floats());
  const std::vector<float> g0(m.model.grads(), m.model.grads() + m.model.param_buffer_floats());
  ASSERT_TRUE(m.model.ApplyGradients(1.0f).ok());
  const double scale = clip_fraction < 1.0f ? double(max_norm) / norm : 1.0;
  double step2 = 0;
  for (size_t i = 0; i < p0.size(); ++i) {
    const double step = double(p0[i]) - m.model.params()[i];
    EXPECT_NEAR(step, g0[i] * scale, 1e-6 + 1e-5 * std::fabs(g0[i])) << i;
    step2 += step * step;
  }
  if (clip_fraction < 1.0f) {
    EXPECT_NEAR(std::sqrt(step2), max_norm, 1e-4 * max_norm);
  }
}

TEST(GradientClipTest, ScalesToMaxNormAboveThreshold) { ExpectStep(0.25f); }

TEST(GradientClipTest, LeavesSmallGradientsUnchanged) { ExpectStep(2.0f); }

TEST(GradientClipTest, TrainsWithoutAllocation) {
  SequenceModel m(std::make_unique<Adam>());
  ASSERT_TRUE(m.model.SetGradientClipNorm(0.5f).ok());
  const Targets targets{nullptr, m.t.data()};
  float first = 0, loss = 0;
  ASSERT_TRUE(m.model.TrainStep(m.x.data(), targets, 4, 0.01f, &first).ok());
  testing::AllocationScope scope;
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(m.model.TrainStep(m.x.data(), targets, 4, 0.01f, &loss).ok());
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_LT(loss, first);
}

TEST(GradientClipTest, RejectsBadThresholds) {
  Model model;
  EXPECT_EQ(model.SetGradientClipNorm(-1.0f).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.SetGradientClipNorm(std::nanf("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.SetGradientClipNorm(INFINITY).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(model.SetGradientClipNorm(0.0f).ok());
}

}  // namespace
}  // namespace mote
