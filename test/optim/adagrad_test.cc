#include "mote/optim/adagrad.h"

#include "optim_test_util.h"

namespace mote {
namespace testing {
namespace {

// Deep Learning Algorithm 8.4 (with the descent sign), in double:
// r <- r + g g; theta <- theta - epsilon / (delta + sqrt(r)) g.
Trajectory AdaGradReference(double lr, double delta) {
  Trajectory out{};
  std::array<double, kN> w = kW0, r{};
  for (int k = 0; k < 3; ++k) {
    const std::array<double, kN> g = Gradient(w);
    for (size_t i = 0; i < kN; ++i) {
      if (!Active(i)) continue;
      r[i] += g[i] * g[i];
      w[i] -= lr / (delta + std::sqrt(r[i])) * g[i];
    }
    out[k] = w;
  }
  return out;
}

// epsilon = 0.5, delta = 1e-7. Step 1, element 0: g = 1, r = 1,
// w = 1 - 0.5 / (1e-7 + 1) * 1 = 0.50000005. Element 1: g = -6, r = 36,
// w = -2 + 0.5 * 6 / (6 + 1e-7) = -1.50000000833.
// Step 2, element 0: g = 0.50000005, r = 1.25000005,
// w = 0.50000005 - 0.5 * 0.50000005 / (1e-7 + 1.118034) = 0.276393.
constexpr Trajectory kExpected = {{
    {0.50000004999999503, -1.5000000083333331, 0.5, 2.5000000124999997, -0.25000001666666605},
    {0.27639325436147399, -1.1799078119697644, 0.5, 2.276393215277885, -0.026393219620506003},
    {0.15639877949544884, -0.93619888571132603, 0.5, 2.1563987468920214, 0.093601249485375543},
}};

// delta = 0.5, large enough to tell delta + sqrt(r) from sqrt(delta + r).
// Step 1, element 0: r = 1, w = 1 - 0.5 / (0.5 + 1) = 0.6666667.
constexpr Trajectory kLargeDelta = {{
    {0.66666666666666674, -1.5384615384615383, 0.5, 2.5555555555555554, -0.32142857142857145},
    {0.470801431739784, -1.2348075267327099, 0.5, 2.3366534486544781, -0.10471859417955554},
    {0.33934951801151436, -1.0005930724250902, 0.5, 2.208888027785787, 0.024570504259021658},
}};

TEST(AdaGrad, ReferenceReproducesLiterals) {
  const Trajectory ref = AdaGradReference(0.5, 1e-7);
  const Trajectory large_delta = AdaGradReference(0.5, 0.5);
  for (int k = 0; k < 3; ++k) {
    ExpectRowNear(ref[k], kExpected[k], 1e-12, k + 1);
    ExpectRowNear(large_delta[k], kLargeDelta[k], 1e-12, k + 1);
  }
}

TEST(AdaGrad, DeltaOutsideTheRoot) {
  AdaGrad opt(0.5f);
  ExpectFirstThreeSteps(opt, 0.5f, kLargeDelta);
}

TEST(AdaGrad, SeedDefaultDelta) { EXPECT_EQ(AdaGrad().delta(), 1e-7f); }

TEST(AdaGrad, FirstThreeStepsMatchSeedFormula) {
  AdaGrad opt;
  EXPECT_STREQ(opt.type(), "AdaGrad");
  EXPECT_EQ(opt.StateFloats(kN), kN);
  ExpectFirstThreeSteps(opt, 0.5f, kExpected);
}

TEST(AdaGrad, FrozenParametersNeverChange) {
  AdaGrad opt;
  ExpectFrozenUnchanged(opt, 0.5f);
}

TEST(AdaGrad, ConvergesOnQuadratic) {
  AdaGrad opt;
  ExpectConverges(opt, 0.5f, 2000, 1e-4);
}

TEST(AdaGrad, ZeroGradientGivesZeroStep) {
  AdaGrad opt;
  std::vector<float> w = {1.0f, 2.0f}, g = {0.0f, 0.0f}, state(opt.StateFloats(2), 0.0f);
  const ParamRange range{0, 2, true};
  opt.Step(OptimizerStep{w.data(), g.data(), state.data(), 2, &range, 1, 0.5f, 1});
  EXPECT_EQ(w[0], 1.0f);
  EXPECT_EQ(w[1], 2.0f);
}

TEST(AdaGrad, AllocatesNothing) {
  AdaGrad opt;
  ExpectNoAllocation(opt, 0.5f);
}

}  // namespace
}  // namespace testing
}  // namespace mote
