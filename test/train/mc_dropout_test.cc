// Monte-Carlo dropout: the average of masked inference passes.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

void BuildLinear(Model& m, float keep) {
  m.Input(Shape(size_t(4)), "x");
  m.Add(std::make_unique<Dense>(8, false), {}, "d1");
  m.Add(std::make_unique<Dropout>(keep), {}, "drop");
  m.Add(std::make_unique<Dense>(3, false), {}, "d2");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Sgd>());
}

TEST(MonteCarloDropout, MeanOfMaskedPassesMatchesTheWeightScalingRuleOnALinearNet) {
  // Inverted dropout keeps E[mask / p] = 1, so for a linear network the mean
  // of Monte-Carlo logits converges to the deterministic (weight-scaling) ones.
  Model m;
  BuildLinear(m, 0.5f);
  ASSERT_TRUE(m.Prepare(2, 11).ok());
  const std::vector<float> x = {0.3f, -0.2f, 0.8f, 0.1f, -0.5f, 0.4f, 0.2f, -0.9f};
  std::vector<float> deterministic(6), mc(6), one(6);
  ASSERT_TRUE(m.Predict(x.data(), x.size(), 2, deterministic.data(), deterministic.size()).ok());
  ASSERT_TRUE(m.PredictMonteCarlo(x.data(), 2, 4000, /*softmax=*/false, mc.data()).ok());
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(mc[i], deterministic[i], 0.05) << i;
  // A single masked pass differs from the deterministic output: dropout is on.
  ASSERT_TRUE(m.PredictMonteCarlo(x.data(), 2, 1, false, one.data()).ok());
  double diff = 0;
  for (int i = 0; i < 6; ++i) diff += std::fabs(one[i] - deterministic[i]);
  EXPECT_GT(diff, 1e-3);
  // Probabilities: rows sum to 1.
  ASSERT_TRUE(m.PredictMonteCarlo(x.data(), 2, 50, /*softmax=*/true, mc.data()).ok());
  EXPECT_NEAR(mc[0] + mc[1] + mc[2], 1.0f, 1e-5f);
  EXPECT_EQ(m.PredictMonteCarlo(x.data(), 2, 0, false, mc.data()).code(), StatusCode::kInvalidArgument);
}

TEST(MonteCarloDropout, KeepingEveryUnitIsDeterministic) {
  Model m;
  BuildLinear(m, 1.0f);
  ASSERT_TRUE(m.Prepare(2, 11).ok());
  const std::vector<float> x = {0.3f, -0.2f, 0.8f, 0.1f, -0.5f, 0.4f, 0.2f, -0.9f};
  std::vector<float> deterministic(6), mc(6);
  ASSERT_TRUE(m.Predict(x.data(), x.size(), 2, deterministic.data(), deterministic.size()).ok());
  ASSERT_TRUE(m.PredictMonteCarlo(x.data(), 2, 7, false, mc.data()).ok());
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(mc[i], deterministic[i], 1e-6f);
}

}  // namespace
}  // namespace mote
