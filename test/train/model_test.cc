// Model mechanics with small test-only layers and loss: graph wiring (fan-out,
// two-input layers), memory planning, gradients, freezing, regularization,
// re-Prepare, validation before mutation, and zero allocation per step.
#include "mote/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "mote/gradcheck.h"
#include "mote/optimizers.h"
#include "mote/zoo.h"

namespace mote {
namespace {

// y = x * w (w per feature) + bias: a parameterised elementwise layer.
class ScaleLayer final : public Layer {
 public:
  const char* type() const override { return "Scale"; }
  Status Plan(PlanContext& ctx, Shape* out) override {
    features_ = ctx.input_shape(0).per_item();
    w_ = ctx.AddParam("w", Shape(features_), ParamRole::kWeight, InitSpec{InitKind::kUniformFanIn}, 1, 1);
    b_ = ctx.AddParam("b", Shape(features_), ParamRole::kBias, InitSpec{InitKind::kZeros}, 1, 1);
    *out = ctx.input_shape(0);
    return Status::Ok();
  }
  void Bind(const BindContext& ctx) override {
    w = ctx.param(w_);
    b = ctx.param(b_);
    dw = ctx.grad(w_);
    db = ctx.grad(b_);
  }
  void Forward(const ForwardArgs& a) override {
    for (size_t r = 0; r < a.batch; ++r)
      for (size_t f = 0; f < features_; ++f)
        a.output[r * features_ + f] = a.inputs[0][r * features_ + f] * w[f] + b[f];
  }
  void Backward(const BackwardArgs& a) override {
    for (size_t r = 0; r < a.batch; ++r)
      for (size_t f = 0; f < features_; ++f) {
        const float g = a.output_grad[r * features_ + f];
        dw[f] += g * a.inputs[0][r * features_ + f];
        db[f] += g;
        if (a.input_grads[0]) a.input_grads[0][r * features_ + f] = g * w[f];
      }
  }
  float *w = nullptr, *b = nullptr, *dw = nullptr, *db = nullptr;

 private:
  size_t features_ = 0;
  ParamHandle w_, b_;
};

// y = a * b (elementwise): a two-input layer whose gradient needs both inputs.
class ProductLayer final : public Layer {
 public:
  const char* type() const override { return "Product"; }
  int input_count() const override { return 2; }
  Status Plan(PlanContext& ctx, Shape* out) override {
    if (ctx.input_shape(0) != ctx.input_shape(1)) return ShapeMismatch("Product: inputs differ");
    n_ = ctx.input_shape(0).per_item();
    *out = ctx.input_shape(0);
    return Status::Ok();
  }
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& a) override {
    for (size_t i = 0; i < a.batch * n_; ++i) a.output[i] = a.inputs[0][i] * a.inputs[1][i];
  }
  void Backward(const BackwardArgs& a) override {
    for (size_t i = 0; i < a.batch * n_; ++i) {
      if (a.input_grads[0]) a.input_grads[0][i] = a.output_grad[i] * a.inputs[1][i];
      if (a.input_grads[1]) a.input_grads[1][i] = a.output_grad[i] * a.inputs[0][i];
    }
  }

 private:
  size_t n_ = 0;
};

// L = mean over the batch of 0.5 * sum (y - t)^2 with value targets.
class HalfSquaredLoss final : public Loss {
 public:
  const char* type() const override { return "HalfSquared"; }
  Status Check(size_t) const override { return Status::Ok(); }
  bool uses_labels() const override { return false; }
  Status CheckTargets(size_t, size_t, const Targets& t) const override {
    return t.values ? Status::Ok() : InvalidArgument("HalfSquared: null targets");
  }
  float Compute(size_t batch, size_t n, const float* y, const Targets& t, float* grad) const override {
    double l = 0;
    for (size_t i = 0; i < batch * n; ++i) {
      const float d = y[i] - t.values[i];
      l += 0.5 * d * d;
      if (grad) grad[i] = d / float(batch);
    }
    return float(l / double(batch));
  }
};

class PlainSgd final : public Optimizer {
 public:
  const char* type() const override { return "PlainSgd"; }
  size_t StateFloats(size_t) const override { return 0; }
  void Step(const OptimizerStep& s) override {
    for (size_t r = 0; r < s.range_count; ++r)
      for (size_t i = s.ranges[r].begin; i < s.ranges[r].end; ++i) s.params[i] -= s.learning_rate * s.grads[i];
  }
};

// x -> s1 -> {s2, s3} -> product(s2, s3) -> s4: s1's output fans out twice.
struct Graph {
  Model model;
  NodeId x, s1, s2, s3, prod, s4;
  Graph() {
    x = model.Input(Shape(size_t(5)), "x");
    s1 = model.Add(std::make_unique<ScaleLayer>(), {}, "s1");
    s2 = model.Add(std::make_unique<ScaleLayer>(), {s1}, "s2");
    s3 = model.Add(std::make_unique<ScaleLayer>(), {s1}, "s3");
    prod = model.Add(std::make_unique<ProductLayer>(), {s2, s3}, "prod");
    s4 = model.Add(std::make_unique<ScaleLayer>(), {}, "s4");
    model.SetLoss(std::make_unique<HalfSquaredLoss>());
    model.SetOptimizer(std::make_unique<PlainSgd>());
  }
};

std::vector<float> Random(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& f : v) f = rng.Uniform(-1, 1);
  return v;
}

TEST(Model, PlansOneArenaAndNamesParameters) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(4, 7).ok());
  EXPECT_EQ(g.model.param_infos().size(), 8u);
  EXPECT_EQ(g.model.param_infos()[0].name, "s1/w");
  EXPECT_EQ(g.model.param_infos()[7].name, "s4/b");
  EXPECT_GT(g.model.arena_bytes(), 0u);
  EXPECT_EQ(g.model.find("prod"), g.prod);
  EXPECT_EQ(g.model.output_size(), 5u);
  // Blocks are 64-byte aligned inside one contiguous parameter buffer.
  for (const ParamInfo& p : g.model.param_infos()) EXPECT_EQ(p.offset % 16, 0u) << p.name;
}

TEST(Model, ParamCountIsExactAndTheBufferAddsPadding) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(4, 7).ok());
  // Four Scale layers of 5 weights and 5 biases: 40 parameters, each tensor
  // padded to 16 floats in the buffer.
  EXPECT_EQ(g.model.param_count(), 40u);
  EXPECT_EQ(g.model.param_buffer_floats(), 8u * 16u);
}

TEST(Model, GradientsThroughFanOutAndTwoInputLayer) {
  Graph g;
  g.model.SetRegularization(0.01f, 0.02f);
  ASSERT_TRUE(g.model.Prepare(3, 5).ok());
  const std::vector<float> x = Random(15, 1), t = Random(15, 2);
  const float* in = x.data();
  GradCheckReport report;
  ASSERT_TRUE(CheckGradients(g.model, &in, Targets{nullptr, t.data()}, 3, GradCheckOptions{}, &report).ok());
  EXPECT_LT(report.max_param_error, 2e-3) << report.worst;
  EXPECT_LT(report.max_input_error, 2e-3) << report.worst;
  EXPECT_GT(report.checked, 40u);
}

TEST(Model, FrozenLayerKeepsParametersAndOthersTrain) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(3, 5).ok());
  ASSERT_TRUE(g.model.Freeze("s2").ok());
  const std::vector<float> x = Random(15, 3), t = Random(15, 4);
  const std::vector<float> before(g.model.params(), g.model.params() + g.model.param_buffer_floats());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
  for (const ParamInfo& p : g.model.param_infos()) {
    const bool same = std::memcmp(before.data() + p.offset, g.model.params() + p.offset, p.size * 4) == 0;
    if (p.name.rfind("s2/", 0) == 0) {
      EXPECT_TRUE(same) << p.name;
    } else if (p.name != "s1/b") {  // all parameters but s2's move
      EXPECT_FALSE(same) << p.name;
    }
  }
}

TEST(Model, TrainingReducesTheLossAndCountsSteps) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(3, 9).ok());
  const std::vector<float> x = Random(15, 5), t = Random(15, 6);
  float first = 0, last = 0;
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.2f, i == 0 ? &first : &last).ok());
  EXPECT_LT(last, 0.5f * first);
  EXPECT_EQ(g.model.step(), 200u);
}

TEST(Model, L2PenaltyAddsToLossAndGradient) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(2, 3).ok());
  const std::vector<float> x = Random(10, 7), t = Random(10, 8);
  const float* in = x.data();
  float plain = 0, with_penalty = 0;
  ASSERT_TRUE(g.model.Forward(&in, 2, true).ok());
  ASSERT_TRUE(g.model.Backward(Targets{nullptr, t.data()}, 2, false, &plain).ok());
  const std::vector<float> grads(g.model.grads(), g.model.grads() + g.model.param_buffer_floats());
  g.model.SetRegularization(0.0f, 0.5f);
  ASSERT_TRUE(g.model.Forward(&in, 2, true).ok());
  ASSERT_TRUE(g.model.Backward(Targets{nullptr, t.data()}, 2, false, &with_penalty).ok());
  double expected = 0;
  for (const ParamInfo& p : g.model.param_infos()) {
    for (size_t i = 0; i < p.size; ++i) {
      const float w = g.model.params()[p.offset + i];
      const float want = grads[p.offset + i] + (p.role == ParamRole::kWeight ? 0.5f * w : 0.0f);
      EXPECT_FLOAT_EQ(g.model.grads()[p.offset + i], want) << p.name;  // biases unregularized
      if (p.role == ParamRole::kWeight) expected += 0.25 * w * w;
    }
  }
  EXPECT_NEAR(with_penalty - plain, expected, 1e-5);
  // A per-layer override regularizes that layer's bias too.
  ASSERT_TRUE(g.model.SetLayerRegularization("s4", 0.0f, 1.0f).ok());
  for (const ParamInfo& p : g.model.param_infos())
    if (p.name == "s4/b") {
      EXPECT_EQ(p.l2, 1.0f);
    }
}

TEST(Model, RePrepareKeepsTrainedParameters) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(3, 5).ok());
  const std::vector<float> x = Random(15, 9), t = Random(15, 10);
  ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
  const std::vector<float> trained(g.model.params(), g.model.params() + g.model.param_buffer_floats());
  ASSERT_TRUE(g.model.Prepare(1, 5).ok());
  EXPECT_EQ(std::memcmp(trained.data(), g.model.params(), trained.size() * 4), 0);
  EXPECT_EQ(g.model.step(), 1u);
  EXPECT_EQ(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 2, 0.1f).code(), StatusCode::kOutOfRange);
}

TEST(Model, BadCallsReturnStatusAndChangeNothing) {
  Graph g;
  EXPECT_EQ(g.model.Prepare(0).code(), StatusCode::kInvalidArgument);
  const std::vector<float> x = Random(15, 11);
  EXPECT_EQ(g.model.TrainStep(x.data(), Targets{nullptr, x.data()}, 3, 0.1f).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(g.model.Prepare(3).ok());
  const std::vector<float> before(g.model.params(), g.model.params() + g.model.param_buffer_floats());
  EXPECT_FALSE(g.model.TrainStep(x.data(), Targets{}, 3, 0.1f).ok());  // no targets
  EXPECT_FALSE(g.model.TrainStep(x.data(), Targets{nullptr, x.data()}, 4, 0.1f).ok());
  EXPECT_FALSE(g.model.TrainStep(x.data(), Targets{nullptr, x.data()}, 3, -1.0f).ok());
  EXPECT_FALSE(g.model.TrainStep(static_cast<const float*>(nullptr), Targets{nullptr, x.data()}, 3, 0.1f).ok());
  EXPECT_EQ(std::memcmp(before.data(), g.model.params(), before.size() * 4), 0);

  Model m;
  m.Input(Shape(size_t(3)));
  EXPECT_EQ(m.Add(std::make_unique<ScaleLayer>(), {7}), -1);
  m.SetLoss(std::make_unique<HalfSquaredLoss>());
  m.SetOptimizer(std::make_unique<PlainSgd>());
  const Status s = m.Prepare(2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("does not exist"), std::string::npos);

  Model two_inputs_missing;
  two_inputs_missing.Input(Shape(size_t(3)));
  two_inputs_missing.Add(std::make_unique<ProductLayer>());  // takes 2 inputs, given 1
  two_inputs_missing.SetLoss(std::make_unique<HalfSquaredLoss>());
  two_inputs_missing.SetOptimizer(std::make_unique<PlainSgd>());
  EXPECT_EQ(two_inputs_missing.Prepare(2).code(), StatusCode::kInvalidArgument);
}

TEST(Model, StepsAllocateNothingAfterPrepare) {
  Graph g;
  ASSERT_TRUE(g.model.Prepare(3, 5).ok());
  const std::vector<float> x = Random(15, 12), t = Random(15, 13);
  std::vector<float> out(15);
  float loss = 0, accuracy = 0;
  ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f, &loss).ok());
  testing::AllocationScope scope;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f, &loss).ok());
    ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 2, 0.1f, &loss).ok());
    ASSERT_TRUE(g.model.Predict(x.data(), x.size(), 3, out.data(), out.size()).ok());
    ASSERT_TRUE(g.model.Evaluate(x.data(), Targets{nullptr, t.data()}, 3, &loss, &accuracy).ok());
  }
  EXPECT_EQ(scope.count(), 0u);
}

// A step whose loss is not finite (a NaN input) or whose update would make a
// parameter infinite (a huge learning rate) is refused and undone, without
// allocating; the next good step trains as if it had never happened.
TEST(Model, DivergingStepsAreUndoneWithoutAllocating) {
  Graph g, reference;
  ASSERT_TRUE(g.model.Prepare(3, 5).ok());
  ASSERT_TRUE(reference.model.Prepare(3, 5).ok());
  const std::vector<float> x = Random(15, 12), t = Random(15, 13);
  std::vector<float> nan_x = x, far = t;
  nan_x[7] = std::nanf("");
  for (float& v : far) v += 1000.0f;  // gradients near 1000: 3e38 times that overflows
  ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
  ASSERT_TRUE(reference.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
  const std::vector<float> before(g.model.params(), g.model.params() + g.model.param_buffer_floats());
  float loss = 0;
  {
    testing::AllocationScope scope;
    const Status nan_step = g.model.TrainStep(nan_x.data(), Targets{nullptr, t.data()}, 3, 0.1f, &loss);
    EXPECT_EQ(nan_step.code(), StatusCode::kOutOfRange);
    EXPECT_NE(std::strstr(nan_step.message(), "loss is NaN or infinite"), nullptr) << nan_step.message();
    EXPECT_TRUE(std::isnan(loss));
    const Status huge_step = g.model.TrainStep(x.data(), Targets{nullptr, far.data()}, 3, 3e38f, &loss);
    EXPECT_EQ(huge_step.code(), StatusCode::kOutOfRange);
    EXPECT_NE(std::strstr(huge_step.message(), "NaN or infinite"), nullptr) << huge_step.message();
    EXPECT_EQ(scope.count(), 0u);
  }
  EXPECT_EQ(std::memcmp(before.data(), g.model.params(), before.size() * sizeof(float)), 0);
  EXPECT_EQ(g.model.step(), 1u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(g.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
    ASSERT_TRUE(reference.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.1f).ok());
  }
  EXPECT_EQ(std::memcmp(reference.model.params(), g.model.params(), before.size() * sizeof(float)), 0);
}

TEST(Model, SameSeedSameWeights) {
  Graph a, b;
  ASSERT_TRUE(a.model.Prepare(3, 42).ok());
  ASSERT_TRUE(b.model.Prepare(3, 42).ok());
  const std::vector<float> x = Random(15, 14), t = Random(15, 15);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(a.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.05f).ok());
    ASSERT_TRUE(b.model.TrainStep(x.data(), Targets{nullptr, t.data()}, 3, 0.05f).ok());
  }
  EXPECT_EQ(std::memcmp(a.model.params(), b.model.params(), a.model.param_buffer_floats() * 4), 0);
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

TEST(Model, WeightNoiseEvaluatesTheGradientAtPerturbedWeightsAndRestoresThem) {
  Graph noisy, noisy_again, clean;
  ASSERT_TRUE(noisy.model.SetWeightNoise(0.3f).ok());
  ASSERT_TRUE(noisy.model.Prepare(3, 5).ok());
  ASSERT_TRUE(noisy_again.model.SetWeightNoise(0.3f).ok());
  ASSERT_TRUE(noisy_again.model.Prepare(3, 5).ok());
  ASSERT_TRUE(clean.model.Prepare(3, 5).ok());
  const std::vector<float> x = Random(15, 30), t = Random(15, 31);
  const Targets targets{nullptr, t.data()};
  // Learning rate 0: the perturbation must be undone exactly.
  const std::vector<float> before(noisy.model.params(), noisy.model.params() + noisy.model.param_buffer_floats());
  testing::AllocationScope scope;
  ASSERT_TRUE(noisy.model.TrainStep(x.data(), targets, 3, 0.0f).ok());
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_EQ(std::memcmp(before.data(), noisy.model.params(), before.size() * 4), 0);
  // With a real step the noisy gradient differs from the clean one, reproducibly.
  ASSERT_TRUE(noisy_again.model.TrainStep(x.data(), targets, 3, 0.0f).ok());
  ASSERT_TRUE(clean.model.TrainStep(x.data(), targets, 3, 0.0f).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(noisy.model.TrainStep(x.data(), targets, 3, 0.1f).ok());
    ASSERT_TRUE(noisy_again.model.TrainStep(x.data(), targets, 3, 0.1f).ok());
    ASSERT_TRUE(clean.model.TrainStep(x.data(), targets, 3, 0.1f).ok());
  }
  const size_t n = noisy.model.param_buffer_floats();
  EXPECT_EQ(std::memcmp(noisy.model.params(), noisy_again.model.params(), n * 4), 0);
  EXPECT_NE(std::memcmp(noisy.model.params(), clean.model.params(), n * 4), 0);
  EXPECT_EQ(noisy.model.SetWeightNoise(-1.0f).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

// The guard with optimizers that probe (Optimizer::ProbeStep: nothing is
// copied): a step whose update would overflow is refused, and parameters,
// optimizer state, batchnorm statistics and step() are exactly as before;
// the next good step trains as if it had never happened.
std::vector<float> Snapshot(Model& m) {
  std::vector<float> all(m.params(), m.params() + m.param_count());
  all.insert(all.end(), m.optimizer_state(), m.optimizer_state() + m.optimizer_state_count());
  all.insert(all.end(), m.state(), m.state() + m.state_count());
  return all;
}

// `g` and `reference` are the same prepared model; the bad step differs from
// the good ones in its learning rate and targets.
void ExpectDivergingStepUndone(Model& g, Model& reference, const float* x, size_t batch, const Targets& good,
                               const Targets& bad, float huge_learning_rate) {
  const std::string type = g.optimizer()->type();
  ASSERT_TRUE(g.TrainStep(x, good, batch, 0.01f).ok());
  ASSERT_TRUE(reference.TrainStep(x, good, batch, 0.01f).ok());
  const std::vector<float> before = Snapshot(g);
  {
    testing::AllocationScope scope;
    const Status s = g.TrainStep(x, bad, batch, huge_learning_rate);
    EXPECT_EQ(s.code(), StatusCode::kOutOfRange) << type;
    EXPECT_NE(std::strstr(s.message(), "update made a parameter NaN or infinite"), nullptr) << s.message();
    EXPECT_EQ(scope.count(), 0u);
  }
  const std::vector<float> after = Snapshot(g);
  ASSERT_EQ(before.size(), after.size());
  EXPECT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(float)), 0) << type;
  EXPECT_EQ(g.step(), 1u) << type;
  ASSERT_TRUE(g.TrainStep(x, good, batch, 0.01f).ok());
  ASSERT_TRUE(reference.TrainStep(x, good, batch, 0.01f).ok());
  const std::vector<float> trained = Snapshot(g), expected = Snapshot(reference);
  EXPECT_EQ(std::memcmp(trained.data(), expected.data(), trained.size() * sizeof(float)), 0) << type;
}

using MakeOptimizer = std::unique_ptr<Optimizer> (*)();
const MakeOptimizer kProbingOptimizers[] = {
    [] { return std::unique_ptr<Optimizer>(new Sgd()); },
    [] { return std::unique_ptr<Optimizer>(new Momentum(0.9f, false)); },
    [] { return std::unique_ptr<Optimizer>(new Momentum(0.9f, true)); },
    [] { return std::unique_ptr<Optimizer>(new AdaGrad()); },
    [] { return std::unique_ptr<Optimizer>(new RmsProp()); },
    [] { return std::unique_ptr<Optimizer>(new RmsProp(0.9f, 1e-6f, 0.9f)); },
    [] { return std::unique_ptr<Optimizer>(new Adam()); },
    [] { return std::unique_ptr<Optimizer>(new Adam(0.9f, 0.999f, 1e-8f, 0.01f)); },
};

TEST(Model, DivergingStepsAreUndoneWithProbingOptimizers) {
  // Gradients near 1000 (far targets) times a learning rate of 3e38
  // overflow every optimizer's update but AdaGrad's, whose step is about the
  // learning rate itself (finite); its case is in the next test.
  const std::vector<float> x = Random(15, 12), t = Random(15, 13);
  std::vector<float> far = t;
  for (float& v : far) v += 1000.0f;
  for (MakeOptimizer make : kProbingOptimizers) {
    Graph g, reference;
    g.model.SetOptimizer(make());
    reference.model.SetOptimizer(make());
    if (std::string(g.model.optimizer()->type()) == "AdaGrad") continue;
    ASSERT_TRUE(g.model.Prepare(3, 5).ok());
    ASSERT_TRUE(reference.model.Prepare(3, 5).ok());
    ExpectDivergingStepUndone(g.model, reference.model, x.data(), 3, Targets{nullptr, t.data()},
                              Targets{nullptr, far.data()}, 3e38f);
  }
}

TEST(Model, DivergingStepsUndoBatchNormStatisticsWithProbingOptimizers) {
  // The seed network (batchnorm statistics move in every training Forward):
  // AdaGrad and RMSProp divide the learning rate by about |g| < 1, so 3e38
  // overflows.
  const size_t batch = 4;
  const std::vector<float> x = Random(batch * 28 * 28, 40);
  const int32_t labels[batch] = {1, 7, 3, 0};
  for (MakeOptimizer make : {kProbingOptimizers[3], kProbingOptimizers[4]}) {
    Model g, reference;
    for (Model* m : {&g, &reference}) {
      ASSERT_TRUE(BuildSeedNetwork(*m, NarrowSeedNetworkOptions()).ok());
      m->SetOptimizer(make());
      ASSERT_TRUE(m->Prepare(batch, 3).ok());
    }
    ASSERT_GT(g.state_count(), 0u);
    ExpectDivergingStepUndone(g, reference, x.data(), batch, Targets{labels, nullptr}, Targets{labels, nullptr},
                              3e38f);
  }
}

}  // namespace
}  // namespace mote
