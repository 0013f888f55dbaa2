#include "mote/optim/sgd.h"

#include "optim_test_util.h"

namespace mote {
namespace testing {
namespace {

// Deep Learning Algorithm 8.1: theta <- theta - epsilon g, in double.
Trajectory SgdReference(double lr) {
  Trajectory out{};
  std::array<double, kN> w = kW0;
  for (int k = 0; k < 3; ++k) {
    const std::array<double, kN> g = Gradient(w);
    for (size_t i = 0; i < kN; ++i)
      if (Active(i)) w[i] -= lr * g[i];
    out[k] = w;
  }
  return out;
}

// Step 1 by hand (epsilon = 0.1): w = (1, -2, 0.5, 3, -0.75), c = (0, 1, -1, 2, 0.25),
// a = (1, 2, 0.5, 4, 3): g = a (w - c) = (1, -6, 0.75, 4, -3);
// w - 0.1 g = (0.9, -1.4, [frozen] 0.5, 2.6, -0.45).
constexpr Trajectory kExpected = {{
    {0.90000000000000002, -1.3999999999999999, 0.5, 2.6000000000000001, -0.44999999999999996},
    {0.81000000000000005, -0.91999999999999993, 0.5, 2.3599999999999999, -0.23999999999999999},
    {0.72900000000000009, -0.53599999999999992, 0.5, 2.2159999999999997, -0.092999999999999999},
}};

TEST(Sgd, ReferenceReproducesLiterals) {
  const Trajectory ref = SgdReference(0.1);
  for (int k = 0; k < 3; ++k) ExpectRowNear(ref[k], kExpected[k], 1e-12, k + 1);
}

TEST(Sgd, FirstThreeStepsMatchSeedFormula) {
  Sgd opt;
  EXPECT_STREQ(opt.type(), "SGD");
  EXPECT_EQ(opt.StateFloats(kN), 0u);
  ExpectFirstThreeSteps(opt, 0.1f, kExpected);
}

TEST(Sgd, FrozenParametersNeverChange) {
  Sgd opt;
  ExpectFrozenUnchanged(opt, 0.1f);
}

TEST(Sgd, ConvergesOnQuadratic) {
  Sgd opt;
  // Contraction factor max |1 - 0.1 a_i| = 0.95 per step.
  ExpectConverges(opt, 0.1f, 500, 1e-5);
}

TEST(Sgd, AllocatesNothing) {
  Sgd opt;
  ExpectNoAllocation(opt, 0.1f);
}

}  // namespace
}  // namespace testing
}  // namespace mote
