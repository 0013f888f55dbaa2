#include "mote/optim/momentum.h"

#include "optim_test_util.h"

namespace mote {
namespace testing {
namespace {

// Deep Learning Algorithms 8.2 / 8.3, in the book's own variables theta and v, in double.
// Momentum: v <- alpha v - epsilon g(theta); theta <- theta + v. Returns theta.
// Nesterov (Algorithm 3): theta~ = theta + alpha v; v <- alpha v - epsilon
// g(theta~); theta <- theta + v. Returns theta + alpha v, the point the
// optimizer's buffer holds (mote/optim/momentum.h), and the velocities.
Trajectory MomentumReference(double lr, double alpha, bool nesterov, Trajectory* velocities = nullptr) {
  Trajectory out{};
  std::array<double, kN> theta = kW0, v{};
  for (int k = 0; k < 3; ++k) {
    std::array<double, kN> at = theta;
    if (nesterov)
      for (size_t i = 0; i < kN; ++i) at[i] = theta[i] + alpha * v[i];
    const std::array<double, kN> g = Gradient(at);
    for (size_t i = 0; i < kN; ++i) {
      if (!Active(i)) continue;
      v[i] = alpha * v[i] - lr * g[i];
      theta[i] += v[i];
    }
    for (size_t i = 0; i < kN; ++i) out[k][i] = nesterov ? theta[i] + alpha * v[i] : theta[i];
    if (velocities) (*velocities)[k] = v;
  }
  return out;
}

// Momentum, alpha = 0.9, epsilon = 0.1. Step 1: v = -0.1 g = -0.1 (1, -6, ., 4, -3),
// theta = (0.9, -1.4, 0.5, 2.6, -0.45). Step 2, element 0: g = 0.9,
// v = 0.9 (-0.1) - 0.1 (0.9) = -0.18, theta = 0.9 - 0.18 = 0.72.
constexpr Trajectory kMomentum = {{
    {0.90000000000000002, -1.3999999999999999, 0.5, 2.6000000000000001, -0.44999999999999996},
    {0.71999999999999997, -0.37999999999999989, 0.5, 2, 0.030000000000000082},
    {0.48599999999999993, 0.81400000000000006, 0.5, 1.46, 0.52800000000000002},
}};

// Nesterov, alpha = 0.9, epsilon = 0.1, buffer = theta + alpha v. Element 0:
// step 1: v = 0, theta~ = 1, g = 1, v = -0.1, theta = 0.9, buffer 0.9 + 0.9 (-0.1) = 0.81.
//   (Look-ahead form: v' = -0.1, Theta' = 1 + 0.9 (-0.1) - 0.1 = 0.81.)
// step 2: theta~ = 0.81, g = 0.81, v = -0.09 - 0.081 = -0.171, theta = 0.729,
//   buffer = 0.729 - 0.1539 = 0.5751.
constexpr Trajectory kNesterov = {{
    {0.81000000000000005, -0.85999999999999976, 0.5, 2.2400000000000002, -0.17999999999999988},
    {0.57509999999999994, 0.33280000000000043, 0.5, 1.7336, 0.3081000000000001},
    {0.32732099999999997, 1.3250560000000005, 0.5, 1.5667039999999999, 0.59817300000000007},
}};

TEST(Momentum, ReferenceReproducesLiterals) {
  const Trajectory m = MomentumReference(0.1, 0.9, false);
  const Trajectory n = MomentumReference(0.1, 0.9, true);
  for (int k = 0; k < 3; ++k) {
    ExpectRowNear(m[k], kMomentum[k], 1e-12, k + 1);
    ExpectRowNear(n[k], kNesterov[k], 1e-12, k + 1);
  }
}

TEST(Momentum, FirstThreeStepsMatchSeedFormula) {
  Momentum opt(0.9f, false);
  EXPECT_STREQ(opt.type(), "Momentum");
  EXPECT_EQ(opt.StateFloats(kN), kN);
  ExpectFirstThreeSteps(opt, 0.1f, kMomentum);
}

TEST(Momentum, NesterovFirstThreeStepsMatchSeedFormula) {
  Momentum opt(0.9f, true);
  EXPECT_STREQ(opt.type(), "Nesterov");
  ExpectFirstThreeSteps(opt, 0.1f, kNesterov);
}

// The state buffer holds the algorithm's velocity v_k exactly, so theta_k is
// recoverable as buffer - alpha v.
TEST(Momentum, NesterovStateIsSeedVelocity) {
  Trajectory v{};
  const Trajectory look = MomentumReference(0.1, 0.9, true, &v);
  Momentum opt(0.9f, true);
  FloatProblem p(opt);
  for (int k = 0; k < 3; ++k) {
    p.Step(opt, 0.1f);
    ExpectRowNear(p.state.data(), v[k], 2e-6, k + 1);
    std::array<double, kN> theta{};
    for (size_t i = 0; i < kN; ++i) theta[i] = p.w[i] - 0.9 * p.state[i];
    std::array<double, kN> ref_theta{};
    for (size_t i = 0; i < kN; ++i) ref_theta[i] = look[k][i] - 0.9 * v[k][i];
    ExpectRowNear(theta, ref_theta, 4e-6, k + 1);
  }
}

TEST(Momentum, ZeroMomentumIsSgd) {
  Momentum a(0.0f, false), b(0.0f, true);
  const Trajectory sgd = {{
      {0.90000000000000002, -1.3999999999999999, 0.5, 2.6000000000000001, -0.44999999999999996},
      {0.81000000000000005, -0.91999999999999993, 0.5, 2.3599999999999999, -0.23999999999999999},
      {0.72900000000000009, -0.53599999999999992, 0.5, 2.2159999999999997, -0.092999999999999999},
  }};
  ExpectFirstThreeSteps(a, 0.1f, sgd);
  ExpectFirstThreeSteps(b, 0.1f, sgd);
}

TEST(Momentum, FrozenParametersNeverChange) {
  Momentum m(0.9f, false), n(0.9f, true);
  ExpectFrozenUnchanged(m, 0.1f);
  ExpectFrozenUnchanged(n, 0.1f);
}

TEST(Momentum, ConvergesOnQuadratic) {
  Momentum m(0.9f, false), n(0.9f, true);
  ExpectConverges(m, 0.1f, 500, 1e-5);
  ExpectConverges(n, 0.1f, 500, 1e-5);
}

TEST(Momentum, AllocatesNothing) {
  Momentum m(0.9f, false), n(0.9f, true);
  ExpectNoAllocation(m, 0.1f);
  ExpectNoAllocation(n, 0.1f);
}

}  // namespace
}  // namespace testing
}  // namespace mote
