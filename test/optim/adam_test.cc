#include "mote/optim/adam.h"

#include "optim_test_util.h"

namespace mote {
namespace testing {
namespace {

// Deep Learning Algorithm 8.7, in double, with AdamW's decoupled
// decay lambda on the decay range only:
//   s <- rho1 s + (1 - rho1) g;  r <- rho2 r + (1 - rho2) g g;
//   s^ = s / (1 - rho1^t);  r^ = r / (1 - rho2^t);
//   theta <- theta - epsilon (s^ / (sqrt(r^) + delta) + lambda theta [decay only]).
Trajectory AdamReference(double lr, double rho1, double rho2, double delta, double lambda) {
  Trajectory out{};
  std::array<double, kN> w = kW0, s{}, r{};
  for (int t = 1; t <= 3; ++t) {
    const std::array<double, kN> g = Gradient(w);
    for (size_t i = 0; i < kN; ++i) {
      if (!Active(i)) continue;
      s[i] = rho1 * s[i] + (1.0 - rho1) * g[i];
      r[i] = rho2 * r[i] + (1.0 - rho2) * g[i] * g[i];
      const double s_hat = s[i] / (1.0 - std::pow(rho1, t));
      const double r_hat = r[i] / (1.0 - std::pow(rho2, t));
      const double decay = Decayed(i) ? lambda * w[i] : 0.0;
      w[i] -= lr * (s_hat / (std::sqrt(r_hat) + delta) + decay);
    }
    out[t - 1] = w;
  }
  return out;
}

// epsilon = 0.01, seed defaults rho1 0.9, rho2 0.999, delta 1e-8.
// Step 1, element 0: g = 1, s = 0.1, r = 0.001, s^ = 1, r^ = 1,
// w = 1 - 0.01 * 1 / (1 + 1e-8) = 0.9900000001.
// Step 2, element 0: g = 0.99, s = 0.09 + 0.099 = 0.189, s^ = 0.189 / 0.19 = 0.9947368,
// r = 0.000999 + 0.001 * 0.9801 = 0.0019791, r^ = 0.0019791 / 0.001999 = 0.9900450,
// w = 0.99 - 0.01 * 0.9947368 / 0.9950101 = 0.9800027.
constexpr Trajectory kAdam = {{
    {0.9900000001, -1.9900000000166667, 0.5, 2.9900000000250002, -0.74000000003333333},
    {0.98000274609636995, -1.9800008842741545, 0.5, 2.9800027459460363, -0.73000274596273995},
    {0.97001009952905004, -1.9700032439962902, 0.5, 2.9700100993030749, -0.72001009932818327},
}};

// AdamW, lambda = 0.1: step 1, element 0 also loses 0.01 * 0.1 * 1 = 0.001:
// 0.9890000001. Elements 3, 4 (range without decay) equal plain Adam.
constexpr Trajectory kAdamW = {{
    {0.9890000001, -1.9880000000166667, 0.5, 2.9900000000250002, -0.74000000003333333},
    {0.97801403616918148, -1.9760130648285201, 0.5, 2.9800027459460363, -0.73000274596273995},
    {0.96704415249604625, -1.9640398928311416, 0.5, 2.9700100993030749, -0.72001009932818327},
}};

TEST(Adam, ReferenceReproducesLiterals) {
  const Trajectory adam = AdamReference(0.01, 0.9, 0.999, 1e-8, 0.0);
  const Trajectory adamw = AdamReference(0.01, 0.9, 0.999, 1e-8, 0.1);
  for (int k = 0; k < 3; ++k) {
    ExpectRowNear(adam[k], kAdam[k], 1e-12, k + 1);
    ExpectRowNear(adamw[k], kAdamW[k], 1e-12, k + 1);
  }
}

TEST(Adam, SeedDefaults) {
  Adam opt;
  EXPECT_EQ(opt.rho1(), 0.9f);
  EXPECT_EQ(opt.rho2(), 0.999f);
  EXPECT_EQ(opt.delta(), 1e-8f);
  EXPECT_EQ(opt.weight_decay(), 0.0f);
}

TEST(Adam, FirstThreeStepsMatchSeedFormula) {
  Adam opt;
  EXPECT_STREQ(opt.type(), "Adam");
  EXPECT_EQ(opt.StateFloats(kN), 2 * kN);
  ExpectFirstThreeSteps(opt, 0.01f, kAdam);
}

TEST(Adam, AdamWFirstThreeStepsMatchSeedFormula) {
  Adam opt(0.9f, 0.999f, 1e-8f, 0.1f);
  EXPECT_STREQ(opt.type(), "AdamW");
  ExpectFirstThreeSteps(opt, 0.01f, kAdamW);
}

// Ranges with decay = false get no decay: bit-identical to plain Adam there.
TEST(Adam, NoDecayRangeGetsNoWeightDecay) {
  Adam plain, decayed(0.9f, 0.999f, 1e-8f, 0.1f);
  FloatProblem a(plain), b(decayed);
  for (int k = 0; k < 20; ++k) {
    a.Step(plain, 0.01f);
    b.Step(decayed, 0.01f);
  }
  for (size_t i = 3; i < kN; ++i) EXPECT_EQ(a.w[i], b.w[i]) << i;
  for (size_t i = 0; i < 2; ++i) EXPECT_NE(a.w[i], b.w[i]) << i;
}

// With zero gradients only the decoupled decay acts: w <- w (1 - epsilon lambda)
// on decay ranges, unchanged elsewhere.
TEST(Adam, DecoupledDecayAloneWithZeroGradient) {
  Adam opt(0.9f, 0.999f, 1e-8f, 0.5f);
  std::vector<float> w = {2.0f, -4.0f, 8.0f}, g(3, 0.0f), state(opt.StateFloats(3), 0.0f);
  const ParamRange ranges[2] = {{0, 2, true}, {2, 3, false}};
  opt.Step(OptimizerStep{w.data(), g.data(), state.data(), 3, ranges, 2, 0.1f, 1});
  EXPECT_FLOAT_EQ(w[0], 2.0f * (1.0f - 0.05f));
  EXPECT_FLOAT_EQ(w[1], -4.0f * (1.0f - 0.05f));
  EXPECT_EQ(w[2], 8.0f);
}

TEST(Adam, FrozenParametersNeverChange) {
  Adam plain, decayed(0.9f, 0.999f, 1e-8f, 0.1f);
  ExpectFrozenUnchanged(plain, 0.01f);
  ExpectFrozenUnchanged(decayed, 0.01f);
}

// Bias correction at large t stays finite and close to no correction.
TEST(Adam, LargeStepCount) {
  Adam opt;
  std::vector<float> w = {1.0f}, g = {1.0f}, state(opt.StateFloats(1), 0.0f);
  state[0] = 1.0f;  // s: a converged first moment
  state[1] = 1.0f;  // r
  const ParamRange range{0, 1, false};
  opt.Step(OptimizerStep{w.data(), g.data(), state.data(), 1, &range, 1, 0.01f, uint64_t{1} << 40});
  EXPECT_NEAR(w[0], 0.99f, 1e-6f);
}

// Like RMSProp, Adam ends in steps of about epsilon near the minimum: a
// smaller rate for the last part.
TEST(Adam, ConvergesOnQuadratic) {
  Adam opt;
  FloatProblem p(opt);
  for (int k = 0; k < 1000; ++k) p.Step(opt, 0.05f, kAllRange, 1);
  for (int k = 0; k < 1000; ++k) p.Step(opt, 0.001f, kAllRange, 1);
  EXPECT_LT(p.MaxError(), 1e-3);
}

TEST(Adam, AllocatesNothing) {
  Adam plain, decayed(0.9f, 0.999f, 1e-8f, 0.1f);
  ExpectNoAllocation(plain, 0.01f);
  ExpectNoAllocation(decayed, 0.01f);
}

}  // namespace
}  // namespace testing
}  // namespace mote
