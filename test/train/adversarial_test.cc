#include "mote/adversarial.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/optim/momentum.h"

namespace mote {
namespace {

// A trained classifier of 3 Gaussian blobs in [0, 1]^8.
struct Trained {
  Model model;
  std::vector<float> x;
  std::vector<int32_t> labels;
  static constexpr size_t kBatch = 60;
  Trained() {
    model.Input(Shape(size_t(8)), "x");
    model.Add(std::make_unique<Dense>(16), {}, "hidden");
    model.Add(std::make_unique<BatchNorm>(), {}, "bn");
    model.Add(std::make_unique<ReLU>(), {}, "relu");
    model.Add(std::make_unique<Dense>(3), {}, "logits");
    model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
    model.SetOptimizer(std::make_unique<Momentum>(0.9f));
    Rng rng(5);
    for (size_t i = 0; i < kBatch; ++i) {
      const int32_t label = int32_t(i % 3);
      for (int j = 0; j < 8; ++j) x.push_back(0.5f + 0.25f * float((j + label) % 3 - 1) + rng.Normal(0.0f, 0.05f));
      labels.push_back(label);
    }
    EXPECT_TRUE(model.Prepare(kBatch, 1).ok());
    for (int step = 0; step < 200; ++step)
      EXPECT_TRUE(model.TrainStep(x.data(), Targets{labels.data(), nullptr}, kBatch, 0.05f).ok());
  }
  float Loss(const float* in) {
    float loss = 0;
    EXPECT_TRUE(model.Evaluate(in, Targets{labels.data(), nullptr}, kBatch, &loss, nullptr).ok());
    return loss;
  }
};

TEST(Adversarial, FgsmRaisesTheLossOfATrainedModelWithinTheBall) {
  Trained t;
  const std::vector<float> params(t.model.params(), t.model.params() + t.model.param_buffer_floats());
  std::vector<float> adv(t.x.size());
  AdversarialOptions fgsm;
  fgsm.epsilon = 0.1f;
  ASSERT_TRUE(AdversarialExamples(t.model, t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, fgsm,
                                  adv.data())
                  .ok());
  const float clean = t.Loss(t.x.data()), attacked = t.Loss(adv.data());
  EXPECT_GT(attacked, clean * 2.0f) << "clean " << clean << " attacked " << attacked;
  for (size_t i = 0; i < adv.size(); ++i) {
    EXPECT_LE(std::fabs(adv[i] - t.x[i]), 0.1f + 1e-6f);
    EXPECT_GE(adv[i], 0.0f);
    EXPECT_LE(adv[i], 1.0f);
  }
  // Iterated sign-gradient ascent (10 steps of 0.02 inside the same ball).
  AdversarialOptions iterated = fgsm;
  iterated.steps = 10;
  iterated.step_size = 0.02f;
  std::vector<float> adv2(t.x.size());
  ASSERT_TRUE(AdversarialExamples(t.model, t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, iterated,
                                  adv2.data())
                  .ok());
  EXPECT_GT(t.Loss(adv2.data()), clean * 2.0f);
  for (size_t i = 0; i < adv2.size(); ++i) EXPECT_LE(std::fabs(adv2[i] - t.x[i]), 0.1f + 1e-6f);
  // The attack never changes the model.
  EXPECT_EQ(std::memcmp(params.data(), t.model.params(), params.size() * sizeof(float)), 0);
  // Accuracy under a larger attack (centres are 0.25 apart per feature) drops.
  AdversarialOptions strong = fgsm;
  strong.epsilon = 0.3f;
  float clean_accuracy = 0, attacked_accuracy = 0;
  ASSERT_TRUE(t.model.Evaluate(t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, nullptr,
                               &clean_accuracy)
                  .ok());
  std::vector<float> scratch(t.x.size());
  ASSERT_TRUE(AdversarialAccuracy(t.model, t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, strong,
                                  scratch.data(), &attacked_accuracy)
                  .ok());
  EXPECT_LT(attacked_accuracy, clean_accuracy);
}

TEST(Adversarial, ZeroEpsilonIsTheIdentityAndBadArgumentsFail) {
  Trained t;
  std::vector<float> adv(t.x.size());
  AdversarialOptions none;
  none.epsilon = 0.0f;
  ASSERT_TRUE(AdversarialExamples(t.model, t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, none,
                                  adv.data())
                  .ok());
  EXPECT_EQ(std::memcmp(adv.data(), t.x.data(), adv.size() * sizeof(float)), 0);
  AdversarialOptions bad;
  bad.steps = 0;
  EXPECT_EQ(AdversarialExamples(t.model, t.x.data(), Targets{t.labels.data(), nullptr}, Trained::kBatch, bad,
                                adv.data())
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(AdversarialExamples(t.model, t.x.data(), Targets{}, Trained::kBatch, none, adv.data()).ok());
}

}  // namespace
}  // namespace mote

#include "mote/trainer.h"

namespace mote {
namespace {

// Blobs in [0,1]^8 whose centres are 0.25 apart per feature, as a Dataset.
Dataset Blobs(size_t n, uint64_t seed) {
  Dataset d;
  d.item_shape = Shape(size_t(8));
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int32_t label = int32_t(i % 3);
    for (int j = 0; j < 8; ++j) d.x.push_back(0.5f + 0.25f * float((j + label) % 3 - 1) + rng.Normal(0.0f, 0.05f));
    d.labels.push_back(label);
  }
  return d;
}

void BuildBlobModel(Model& m) {
  m.Input(Shape(size_t(8)), "x");
  m.Add(std::make_unique<Dense>(32), {}, "hidden");
  m.Add(std::make_unique<ReLU>(), {}, "relu");
  m.Add(std::make_unique<Dense>(3), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Momentum>(0.9f));
}

TEST(Adversarial, FitMixesAdversarialExamplesIntoBatches) {
  const Dataset train = Blobs(120, 1);
  auto train_with = [&](const AdversarialOptions* attack, float fraction) {
    Model m;
    BuildBlobModel(m);
    FitOptions fit;
    fit.epochs = 3;
    fit.batch_size = 30;
    fit.learning_rate = 0.05f;
    fit.verbose = false;
    fit.adversarial = attack;
    fit.adversarial_fraction = fraction;
    EXPECT_TRUE(Fit(m, train, fit, nullptr).ok());
    return std::vector<float>(m.params(), m.params() + m.param_buffer_floats());
  };
  AdversarialOptions none;
  none.epsilon = 0.0f;  // FGSM with eps 0 leaves the examples as they are
  AdversarialOptions attack;
  attack.epsilon = 0.1f;
  const std::vector<float> plain = train_with(nullptr, 0.5f);
  EXPECT_EQ(train_with(&none, 1.0f), plain);
  EXPECT_NE(train_with(&attack, 0.5f), plain);
  EXPECT_EQ(train_with(&attack, 0.0f), plain);  // a zero fraction attacks nothing
  Model m;
  BuildBlobModel(m);
  FitOptions bad;
  bad.verbose = false;
  bad.adversarial = &attack;
  bad.adversarial_fraction = 1.5f;
  EXPECT_EQ(Fit(m, train, bad, nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
