// Parameter sharing and tying.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "mote/gradcheck.h"
#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

void Build(Model& m, size_t b_units) {
  m.Input(Shape(size_t(6)), "x");
  m.Add(std::make_unique<Dense>(6), {}, "a");
  m.Add(std::make_unique<Tanh>(), {}, "t1");
  m.Add(std::make_unique<Dense>(b_units), {}, "b");
  m.Add(std::make_unique<Tanh>(), {}, "t2");
  m.Add(std::make_unique<Dense>(3), {}, "head");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Sgd>());
}

struct Batch {
  std::vector<float> x;
  std::vector<int32_t> labels;
};
Batch MakeBatch(uint64_t seed) {
  Rng rng(seed);
  Batch b;
  for (int i = 0; i < 4 * 6; ++i) b.x.push_back(rng.Uniform(-1, 1));
  for (int i = 0; i < 4; ++i) b.labels.push_back(int32_t(rng.Below(3)));
  return b;
}

bool HasTensor(const Model& m, const std::string& name) {
  for (const ParamInfo& p : m.param_infos())
    if (p.name == name) return true;
  return false;
}

TEST(Tying, TiedLayersShareOneBufferAndBothGradientsAccumulate) {
  Model untied, tied;
  Build(untied, 6);
  Build(tied, 6);
  ASSERT_TRUE(tied.TieParameters("b", "a").ok());
  ASSERT_TRUE(untied.Prepare(4, 1).ok());
  ASSERT_TRUE(tied.Prepare(4, 1).ok());
  EXPECT_TRUE(HasTensor(tied, "a/kernel"));
  EXPECT_FALSE(HasTensor(tied, "b/kernel"));
  // b's 6x6 kernel and 6 biases are counted once; in the buffer they took
  // 48 + 16 floats (each tensor 16-float aligned).
  EXPECT_EQ(tied.param_count() + 42, untied.param_count());
  EXPECT_EQ(tied.param_buffer_floats() + 64, untied.param_buffer_floats());
  // The finite-difference derivative with respect to a shared weight sees both
  // uses, so this only passes if both layers' gradients add up.
  const Batch b = MakeBatch(2);
  const float* in = b.x.data();
  GradCheckReport report;
  ASSERT_TRUE(CheckGradients(tied, &in, Targets{b.labels.data(), nullptr}, 4, GradCheckOptions{}, &report).ok());
  EXPECT_LT(report.max_param_error, 2e-3) << report.worst;
}

TEST(Tying, PenaltyAddsLambdaTimesSquaredDistanceAndItsGradient) {
  Model plain, penalised;
  Build(plain, 6);
  Build(penalised, 6);
  ASSERT_TRUE(penalised.AddTyingPenalty("a", "b", 0.3f).ok());
  ASSERT_TRUE(plain.Prepare(4, 5).ok());
  ASSERT_TRUE(penalised.Prepare(4, 5).ok());  // same seed: same weights
  const Batch b = MakeBatch(3);
  const float* in = b.x.data();
  float plain_loss = 0, penalised_loss = 0;
  ASSERT_TRUE(plain.Forward(&in, 4, true).ok());
  ASSERT_TRUE(plain.Backward(Targets{b.labels.data(), nullptr}, 4, false, &plain_loss).ok());
  ASSERT_TRUE(penalised.Forward(&in, 4, true).ok());
  ASSERT_TRUE(penalised.Backward(Targets{b.labels.data(), nullptr}, 4, false, &penalised_loss).ok());
  double distance = 0;
  const auto& infos = plain.param_infos();
  for (const char* tensor : {"kernel", "bias"}) {
    const ParamInfo *pa = nullptr, *pb = nullptr;
    for (const ParamInfo& p : infos) {
      if (p.name == std::string("a/") + tensor) pa = &p;
      if (p.name == std::string("b/") + tensor) pb = &p;
    }
    ASSERT_TRUE(pa && pb);
    for (size_t i = 0; i < pa->size; ++i) {
      const double d = double(plain.params()[pa->offset + i]) - plain.params()[pb->offset + i];
      distance += d * d;
    }
  }
  EXPECT_NEAR(penalised_loss - plain_loss, 0.3 * distance, 1e-4);
  GradCheckReport report;
  ASSERT_TRUE(
      CheckGradients(penalised, &in, Targets{b.labels.data(), nullptr}, 4, GradCheckOptions{}, &report).ok());
  // The penalty makes the float32 loss larger, so its rounding noise too.
  EXPECT_LT(report.max_param_error, 5e-3) << report.worst;
}

TEST(Tying, BadTiesFailAtPrepare) {
  Model missing, shapes;
  Build(missing, 6);
  ASSERT_TRUE(missing.TieParameters("b", "nope").ok());
  EXPECT_EQ(missing.Prepare(4).code(), StatusCode::kInvalidArgument);
  Build(shapes, 5);  // b is [5 x 6], a is [6 x 6]
  ASSERT_TRUE(shapes.TieParameters("b", "a").ok());
  EXPECT_EQ(shapes.Prepare(4).code(), StatusCode::kShapeMismatch);
  Model penalty;
  Build(penalty, 5);
  ASSERT_TRUE(penalty.AddTyingPenalty("a", "b", 1.0f).ok());
  EXPECT_EQ(penalty.Prepare(4).code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(penalty.AddTyingPenalty("a", "b", -1.0f).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
