// Multitask learning: a shared trunk with two heads and a weighted sum of losses.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

struct TwoHeads {
  Model model;
  NodeId trunk, head_a, head_b;
  TwoHeads() {
    model.Input(Shape(size_t(5)), "x");
    trunk = model.Add(std::make_unique<Dense>(8), {}, "trunk");
    model.Add(std::make_unique<Tanh>(), {}, "tanh");
    const NodeId shared = trunk + 1;
    head_a = model.Add(std::make_unique<Dense>(3), {shared}, "class_head");
    head_b = model.Add(std::make_unique<Dense>(2), {shared}, "value_head");
    EXPECT_TRUE(model.SetOutputs({head_a, head_b}).ok());
    model.SetLoss(std::make_unique<SoftmaxCrossEntropy>(), 1.0f);
    EXPECT_TRUE(model.AddHead(head_b, std::make_unique<MeanSquaredError>(), 0.5f).ok());
    model.SetOptimizer(std::make_unique<Sgd>());
  }
};

struct Data {
  std::vector<float> x, values;
  std::vector<int32_t> labels;
  Targets targets[2];
  explicit Data(size_t batch) {
    Rng rng(4);
    for (size_t i = 0; i < batch * 5; ++i) x.push_back(rng.Uniform(-1, 1));
    for (size_t i = 0; i < batch * 2; ++i) values.push_back(rng.Uniform(-1, 1));
    for (size_t i = 0; i < batch; ++i) labels.push_back(int32_t(rng.Below(3)));
    targets[0] = Targets{labels.data(), nullptr};
    targets[1] = Targets{nullptr, values.data()};
  }
};

TEST(Multitask, LossIsTheWeightedSumAndGradientsMatchFiniteDifferences) {
  TwoHeads m;
  ASSERT_TRUE(m.model.Prepare(4, 3).ok());
  EXPECT_EQ(m.model.head_count(), 2u);
  Data d(4);
  const float* in = d.x.data();
  float total = 0;
  ASSERT_TRUE(m.model.Forward(&in, 4, true).ok());
  ASSERT_TRUE(m.model.Backward(d.targets, 2, 4, false, &total).ok());
  const float ce = SoftmaxCrossEntropy().Compute(4, 3, m.model.output(0), d.targets[0], nullptr);
  const float mse = MeanSquaredError().Compute(4, 2, m.model.output(1), d.targets[1], nullptr);
  EXPECT_NEAR(total, ce + 0.5f * mse, 1e-6f);
  // Every parameter (trunk gets gradient from both heads) against central differences.
  const std::vector<float> analytic(m.model.grads(), m.model.grads() + m.model.param_buffer_floats());
  double worst = 0;
  const Model::Writer params = m.model.mutable_params();  // each weight moved and put back
  for (const ParamInfo& p : m.model.param_infos())
    for (size_t i = 0; i < p.size; ++i) {
      float* w = params.data() + p.offset + i;
      const float saved = *w;
      float plus = 0, minus = 0;
      *w = saved + 1e-2f;
      ASSERT_TRUE(m.model.Forward(&in, 4, true).ok());
      ASSERT_TRUE(m.model.Backward(d.targets, 2, 4, false, &plus).ok());
      *w = saved - 1e-2f;
      ASSERT_TRUE(m.model.Forward(&in, 4, true).ok());
      ASSERT_TRUE(m.model.Backward(d.targets, 2, 4, false, &minus).ok());
      *w = saved;
      const double numeric = (double(plus) - minus) / 2e-2;
      worst = std::fmax(worst, std::fabs(numeric - analytic[p.offset + i]) /
                                   std::fmax(std::fabs(numeric), 1e-2));
    }
  EXPECT_LT(worst, 2e-3);
}

TEST(Multitask, TrainingLowersBothLossesAndMisuseIsRejected) {
  TwoHeads m;
  ASSERT_TRUE(m.model.Prepare(8, 3).ok());
  Data d(8);
  const float* in = d.x.data();
  float first = 0, last = 0;
  for (int i = 0; i < 300; ++i)
    ASSERT_TRUE(m.model.TrainStep(&in, d.targets, 2, 8, 0.1f, i == 0 ? &first : &last).ok());
  EXPECT_LT(last, 0.5f * first);
  // The single-target calls cannot serve a two-head model.
  EXPECT_EQ(m.model.TrainStep(d.x.data(), d.targets[0], 8, 0.1f).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.model.TrainStep(&in, d.targets, 1, 8, 0.1f).code(), StatusCode::kInvalidArgument);
  // A head on a node that feeds other layers is refused at Prepare.
  Model bad;
  bad.Input(Shape(size_t(5)), "x");
  const NodeId inner = bad.Add(std::make_unique<Dense>(4), {}, "inner");
  bad.Add(std::make_unique<Dense>(3), {}, "out");
  bad.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  ASSERT_TRUE(bad.AddHead(inner, std::make_unique<MeanSquaredError>(), 1.0f).ok());
  bad.SetOptimizer(std::make_unique<Sgd>());
  EXPECT_EQ(bad.Prepare(2).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
