#include "mote/optim/rmsprop.h"

#include "optim_test_util.h"

namespace mote {
namespace testing {
namespace {

// Deep Learning Algorithm 8.5 (alpha == 0):
//   r <- rho r + (1 - rho) g g;  theta <- theta - epsilon / sqrt(delta + r) g.
// Algorithm 8.6 (alpha > 0), in the book's variables, with delta inside the
// root as in 8.5 (mote/optim/rmsprop.h):
//   theta~ = theta + alpha v; g = g(theta~); r <- rho r + (1 - rho) g g;
//   v <- alpha v - epsilon / sqrt(delta + r) g; theta <- theta + v.
// Returns theta, or theta + alpha v (the optimizer's buffer) when alpha > 0.
Trajectory RmsPropReference(double lr, double rho, double delta, double alpha) {
  Trajectory out{};
  std::array<double, kN> theta = kW0, r{}, v{};
  for (int k = 0; k < 3; ++k) {
    std::array<double, kN> at{};
    for (size_t i = 0; i < kN; ++i) at[i] = theta[i] + alpha * v[i];
    const std::array<double, kN> g = Gradient(at);
    for (size_t i = 0; i < kN; ++i) {
      if (!Active(i)) continue;
      r[i] = rho * r[i] + (1.0 - rho) * g[i] * g[i];
      const double u = lr / std::sqrt(delta + r[i]) * g[i];
      if (alpha > 0.0) {
        v[i] = alpha * v[i] - u;
        theta[i] += v[i];
      } else {
        theta[i] -= u;
      }
    }
    for (size_t i = 0; i < kN; ++i) out[k][i] = theta[i] + alpha * v[i];
  }
  return out;
}

// epsilon = 0.01, rho = 0.9, delta = 1e-6. Step 1, element 0: g = 1,
// r = 0.1, w = 1 - 0.01 / sqrt(0.100001) = 1 - 0.0316226 = 0.9683774.
// Step 2, element 0: g = 0.9683774, r = 0.09 + 0.1 * 0.937755 = 0.1837755,
// w = 0.9683774 - 0.01 * 0.9683774 / sqrt(0.1837765) = 0.9457882.
constexpr Trajectory kPlain = {{
    {0.96837738151101338, -1.9683772277903675, 0.5, 2.9683772332804295, -0.71837724096651079},
    {0.94578824249523297, -1.9455511636874885, 0.5, 2.9457880383407349, -0.6957880489265853},
    {0.92705335052003479, -1.9264965464407184, 0.5, 2.9270531135809823, -0.67705312586677724},
}};

// With Nesterov momentum alpha = 0.9, buffer = theta + alpha v. Step 1,
// element 0: theta~ = 1, g = 1, r = 0.1, u = 0.0316226, v = -0.0316226,
// theta = 0.9683774, buffer = 0.9683774 - 0.9 * 0.0316226 = 0.9399170.
constexpr Trajectory kNesterov = {{
    {0.93991702487092543, -1.9399167328016984, 0.5, 2.9399167432328159, -0.68991675783637052},
    {0.87201518943451628, -1.8711334324582147, 0.5, 2.8720146829781679, -0.62201470923902624},
    {0.79686899983767412, -1.793948327644574, 0.5, 2.7968682831538478, -0.54686832031544408},
}};

// delta = 0.25, large enough to tell sqrt(delta + r) from delta + sqrt(r).
// Step 1, element 0: r = 0.1, w = 1 - 0.01 / sqrt(0.35) = 0.9830969
// (delta + sqrt(r) would give 1 - 0.01 / 0.5662278 = 0.9823395).
constexpr Trajectory kLargeDelta = {{
    {0.98309691490542972, -1.9694211685137424, 0.5, 2.9705914151162478, -0.72202485575279063},
    {0.96821939231914855, -1.9470016373164762, 0.5, 2.9488790890736514, -0.7009268086557523},
    {0.95468451978045998, -1.9281875733930329, 0.5, 2.9306666212824064, -0.68309048434951269},
}};

TEST(RmsProp, ReferenceReproducesLiterals) {
  const Trajectory large_delta = RmsPropReference(0.01, 0.9, 0.25, 0.0);
  for (int k = 0; k < 3; ++k) ExpectRowNear(large_delta[k], kLargeDelta[k], 1e-12, k + 1);
  const Trajectory plain = RmsPropReference(0.01, 0.9, 1e-6, 0.0);
  const Trajectory nesterov = RmsPropReference(0.01, 0.9, 1e-6, 0.9);
  for (int k = 0; k < 3; ++k) {
    ExpectRowNear(plain[k], kPlain[k], 1e-12, k + 1);
    ExpectRowNear(nesterov[k], kNesterov[k], 1e-12, k + 1);
  }
}

TEST(RmsProp, SeedDefaults) {
  RmsProp opt;
  EXPECT_EQ(opt.delta(), 1e-6f);
  EXPECT_EQ(opt.rho(), 0.9f);
  EXPECT_EQ(opt.momentum(), 0.0f);
}

TEST(RmsProp, FirstThreeStepsMatchSeedFormula) {
  RmsProp opt(0.9f, 1e-6f, 0.0f);
  EXPECT_STREQ(opt.type(), "RMSProp");
  EXPECT_EQ(opt.StateFloats(kN), kN);
  ExpectFirstThreeSteps(opt, 0.01f, kPlain);
}

TEST(RmsProp, DeltaInsideTheRoot) {
  RmsProp opt(0.9f, 0.25f, 0.0f);
  ExpectFirstThreeSteps(opt, 0.01f, kLargeDelta);
}

TEST(RmsProp, NesterovFirstThreeStepsMatchSeedFormula) {
  RmsProp opt(0.9f, 1e-6f, 0.9f);
  EXPECT_STREQ(opt.type(), "RMSPropNesterov");
  EXPECT_EQ(opt.StateFloats(kN), 2 * kN);
  ExpectFirstThreeSteps(opt, 0.01f, kNesterov);
}

// delta = 0 gives Algorithm 8.6 exactly as printed (epsilon / sqrt(r)).
TEST(RmsProp, NesterovDeltaZeroIsSlideFormula) {
  RmsProp opt(0.9f, 0.0f, 0.9f);
  FloatProblem p(opt);
  p.Step(opt, 0.01f);
  // Element 0: g = 1, r = 0.1, v = -0.01 / sqrt(0.1), buffer = 1 + 1.9 v.
  EXPECT_NEAR(p.w[0], 1.0 - 1.9 * 0.01 / std::sqrt(0.1), 1e-6);
}

// The reason delta stays in the root: an always-zero gradient moves nothing
// instead of producing 0/0.
TEST(RmsProp, ZeroGradientGivesZeroStep) {
  for (float momentum : {0.0f, 0.9f}) {
    RmsProp opt(0.9f, 1e-6f, momentum);
    std::vector<float> w = {1.0f, 2.0f}, g = {0.0f, 0.0f}, state(opt.StateFloats(2), 0.0f);
    const ParamRange range{0, 2, true};
    for (uint64_t t = 1; t <= 3; ++t)
      opt.Step(OptimizerStep{w.data(), g.data(), state.data(), 2, &range, 1, 0.01f, t});
    EXPECT_EQ(w[0], 1.0f);
    EXPECT_EQ(w[1], 2.0f);
  }
}

TEST(RmsProp, FrozenParametersNeverChange) {
  RmsProp plain(0.9f, 1e-6f, 0.0f), nesterov(0.9f, 1e-6f, 0.9f);
  ExpectFrozenUnchanged(plain, 0.01f);
  ExpectFrozenUnchanged(nesterov, 0.01f);
}

// Near the minimum RMSProp behaves like sign descent of size about epsilon, so
// the error shrinks with the learning rate: 0.01 for 1000 steps, then 0.001.
TEST(RmsProp, ConvergesOnQuadratic) {
  for (float momentum : {0.0f, 0.9f}) {
    RmsProp opt(0.9f, 1e-6f, momentum);
    FloatProblem p(opt);
    for (int k = 0; k < 1000; ++k) p.Step(opt, 0.01f, kAllRange, 1);
    for (int k = 0; k < 1000; ++k) p.Step(opt, 0.001f, kAllRange, 1);
    EXPECT_LT(p.MaxError(), 1e-2) << opt.type();
  }
}

TEST(RmsProp, AllocatesNothing) {
  RmsProp plain(0.9f, 1e-6f, 0.0f), nesterov(0.9f, 1e-6f, 0.9f);
  ExpectNoAllocation(plain, 0.01f);
  ExpectNoAllocation(nesterov, 0.01f);
}

}  // namespace
}  // namespace testing
}  // namespace mote
