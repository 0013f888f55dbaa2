// GRU: a hand-computed one-unit case, the double-precision reference
// of Cho et al.'s formulas (gate order update, reset, candidate; reset applied
// to h before the recurrent product), gradient checks over 6 steps in both
// output modes, smaller batches, Plan errors.
#include "mote/layers/gru.h"

#include <vector>

#include "recurrent_test_util.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::LayerHarness;
using testing::RecurrentRef;
using testing::RefSigmoid;
using testing::ScopedBackend;

TEST(GRUTest, Shapes) { testing::ExpectRecurrentShapes<GRU>(3); }

TEST(GRUTest, HandComputedTwoSteps) {
  RecurrentOptions o;
  o.return_sequences = true;
  const double u[3] = {0.5, -0.3, 0.8}, w[3] = {0.1, 0.4, -0.6}, b[3] = {0.2, -0.1, 0.05}, x[2] = {1.0, -2.0};
  double h = 0, want[2];
  for (int t = 0; t < 2; ++t) {
    const double z = RefSigmoid(u[0] * x[t] + w[0] * h + b[0]);
    const double r = RefSigmoid(u[1] * x[t] + w[1] * h + b[1]);
    const double cand = std::tanh(u[2] * x[t] + w[2] * (r * h) + b[2]);
    h = (1 - z) * h + z * cand;
    want[t] = h;
  }
  for (const auto& bc : BackendCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    GRU layer(1, o);
    LayerHarness lh(layer, {Shape(1, 2, 1)});
    ASSERT_TRUE(lh.status().ok());
    lh.params[0].values = {0.5f, -0.3f, 0.8f};
    lh.params[1].values = {0.1f, 0.4f, -0.6f};
    lh.params[2].values = {0.2f, -0.1f, 0.05f};
    lh.inputs[0] = {1.0f, -2.0f};
    lh.Forward(false);
    EXPECT_NEAR(lh.output[0], want[0], 1e-6);
    EXPECT_NEAR(lh.output[1], want[1], 1e-6);
  }
}

TEST(GRUTest, MatchesReference) {
  testing::ExpectMatchesReference<GRU>(
      3, [](const RecurrentRef& ref, const std::vector<double>& xb, std::vector<double>& h, std::vector<double>&) {
        const size_t n = ref.units;
        std::vector<double> z(n), rh(n), next(n);
        for (size_t j = 0; j < n; ++j) {
          z[j] = RefSigmoid(xb[0 * n + j] + ref.RecurrentDot(0, j, h));
          rh[j] = RefSigmoid(xb[1 * n + j] + ref.RecurrentDot(1, j, h)) * h[j];
        }
        for (size_t j = 0; j < n; ++j) {
          const double cand = std::tanh(xb[2 * n + j] + ref.RecurrentDot(2, j, rh));
          next[j] = (1 - z[j]) * h[j] + z[j] * cand;
        }
        h = next;
      });
}

TEST(GRUTest, Gradients) { testing::ExpectRecurrentGradients<GRU>(); }

TEST(GRUTest, PlanErrors) { testing::ExpectRecurrentPlanErrors<GRU>(); }

}  // namespace
}  // namespace mote
