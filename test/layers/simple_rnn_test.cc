// SimpleRNN: a hand-computed two-step sequence (forward and
// backward) on every backend, the double-precision reference, gradient checks
// over 6 steps in both output modes, smaller batches, Plan errors.
#include "mote/layers/simple_rnn.h"

#include <vector>

#include "recurrent_test_util.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::LayerHarness;
using testing::RecurrentRef;
using testing::ScopedBackend;

TEST(SimpleRNNTest, Shapes) { testing::ExpectRecurrentShapes<SimpleRNN>(1); }

TEST(SimpleRNNTest, HandComputedTwoSteps) {
  // h0 = tanh(0.1 + 0.5 * 1) = tanh(0.6), h1 = tanh(0.1 + 0.5 * 2 - 1 * h0).
  RecurrentOptions o;
  o.return_sequences = true;
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    SimpleRNN layer(1, o);
    LayerHarness h(layer, {Shape(1, 2, 1)});
    ASSERT_TRUE(h.status().ok());
    h.params[0].values = {0.5f};   // kernel (U)
    h.params[1].values = {-1.0f};  // recurrent_kernel (W)
    h.params[2].values = {0.1f};
    h.inputs[0] = {1.0f, 2.0f};
    h.Forward(true);
    EXPECT_NEAR(h.output[0], 0.5370495669980353, 1e-6);
    EXPECT_NEAR(h.output[1], 0.5101632506598711, 1e-6);
    // Loss = h1: da1 = 1 - h1^2, dh0 = -da1, da0 = dh0 (1 - h0^2).
    h.probe = {0.0f, 1.0f};
    h.Backward(true);
    EXPECT_NEAR(h.params[0].grads[0], 0.9530890366281997, 1e-6);  // da0 x0 + da1 x1
    EXPECT_NEAR(h.params[1].grads[0], 0.3972735331389377, 1e-6);  // da1 h0
    EXPECT_NEAR(h.params[2].grads[0], 0.21335557895204615, 1e-6);
    EXPECT_NEAR(h.input_grads[0][0], -0.2631889393620537, 1e-6);
    EXPECT_NEAR(h.input_grads[0][1], 0.36986672883807675, 1e-6);
  }
}

TEST(SimpleRNNTest, MatchesReference) {
  testing::ExpectMatchesReference<SimpleRNN>(
      1, [](const RecurrentRef& ref, const std::vector<double>& xb, std::vector<double>& h, std::vector<double>&) {
        std::vector<double> next(ref.units);
        for (size_t j = 0; j < ref.units; ++j) next[j] = std::tanh(xb[j] + ref.RecurrentDot(0, j, h));
        h = next;
      });
}

TEST(SimpleRNNTest, Gradients) { testing::ExpectRecurrentGradients<SimpleRNN>(); }

TEST(SimpleRNNTest, PlanErrors) { testing::ExpectRecurrentPlanErrors<SimpleRNN>(); }

}  // namespace
}  // namespace mote
