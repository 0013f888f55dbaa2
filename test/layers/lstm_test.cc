// LSTM: a hand-computed one-unit case, the double-precision
// reference of the formulas (gate order input, forget, candidate,
// output), the forget-gate bias initialiser, gradient checks over 6 steps in
// both output modes, smaller batches, Plan errors.
#include "mote/layers/lstm.h"

#include <vector>

#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"
#include "recurrent_test_util.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::LayerHarness;
using testing::RecurrentRef;
using testing::RefSigmoid;
using testing::ScopedBackend;

TEST(LSTMTest, Shapes) { testing::ExpectRecurrentShapes<LSTM>(4); }

TEST(LSTMTest, HandComputedTwoSteps) {
  // One unit, one feature, no bias: gate pre-activations u_g x + w_g h.
  RecurrentOptions o;
  o.return_sequences = true;
  o.use_bias = false;
  const double u[4] = {0.5, -0.3, 0.8, 0.2}, w[4] = {0.1, 0.4, -0.6, 0.9}, x[2] = {1.0, -2.0};
  double h = 0, c = 0, want[2];
  for (int t = 0; t < 2; ++t) {
    const double i = RefSigmoid(u[0] * x[t] + w[0] * h), f = RefSigmoid(u[1] * x[t] + w[1] * h);
    const double g = std::tanh(u[2] * x[t] + w[2] * h), o_gate = RefSigmoid(u[3] * x[t] + w[3] * h);
    c = f * c + i * g;
    h = o_gate * std::tanh(c);
    want[t] = h;
  }
  for (const auto& bc : BackendCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    LSTM layer(1, o);
    LayerHarness lh(layer, {Shape(1, 2, 1)});
    ASSERT_TRUE(lh.status().ok());
    lh.params[0].values = {0.5f, -0.3f, 0.8f, 0.2f};
    lh.params[1].values = {0.1f, 0.4f, -0.6f, 0.9f};
    lh.inputs[0] = {1.0f, -2.0f};
    lh.Forward(false);
    EXPECT_NEAR(lh.output[0], want[0], 1e-6);
    EXPECT_NEAR(lh.output[1], want[1], 1e-6);
  }
}

TEST(LSTMTest, MatchesReference) {
  testing::ExpectMatchesReference<LSTM>(
      4, [](const RecurrentRef& ref, const std::vector<double>& xb, std::vector<double>& h, std::vector<double>& c) {
        const size_t n = ref.units;
        std::vector<double> next(n);
        for (size_t j = 0; j < n; ++j) {
          const double i = RefSigmoid(xb[0 * n + j] + ref.RecurrentDot(0, j, h));
          const double f = RefSigmoid(xb[1 * n + j] + ref.RecurrentDot(1, j, h));
          const double g = std::tanh(xb[2 * n + j] + ref.RecurrentDot(2, j, h));
          const double o = RefSigmoid(xb[3 * n + j] + ref.RecurrentDot(3, j, h));
          c[j] = f * c[j] + i * g;
          next[j] = o * std::tanh(c[j]);
        }
        h = next;
      });
}

TEST(LSTMTest, ForgetGateBiasInitialiser) {
  // The harness ignores initialisers: a model initialises the parameters.
  Model model;
  model.Input(Shape(2, 2));
  model.Add(std::unique_ptr<Layer>(new LSTM(3, RecurrentOptions{}, 1.0f)));
  model.SetLoss(std::make_unique<MeanSquaredError>());
  model.SetOptimizer(std::make_unique<Sgd>());
  const Status prepared = model.Prepare(1);
  ASSERT_TRUE(prepared.ok()) << prepared.message();
  const ParamInfo& bias = model.param_infos()[2];
  ASSERT_EQ(bias.size, 12u);
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(model.params()[bias.offset + i], (i >= 3 && i < 6) ? 1.0f : 0.0f) << i;
}

TEST(LSTMTest, Gradients) { testing::ExpectRecurrentGradients<LSTM>(); }

TEST(LSTMTest, PlanErrors) { testing::ExpectRecurrentPlanErrors<LSTM>(); }

}  // namespace
}  // namespace mote
