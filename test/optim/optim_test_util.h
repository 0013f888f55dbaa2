// Shared fixture of the optimizer tests: the quadratic
//   L(w) = 0.5 * sum_i a_i (w_i - c_i)^2,   dL/dw_i = a_i (w_i - c_i),
// over 5 parameters. Element 2 is frozen (in no range); range 0 = [0, 2)
// has decay, range 1 = [3, 5) has none. Expected values for the first three
// steps come from test/optim/expected_values.py (an independent double
// implementation of the textbook formulas) and are cross-checked by a double
// reference in each test.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "allocation_counter.h"
#include "mote/optimizer.h"

namespace mote {
namespace testing {

inline constexpr size_t kN = 5;
inline constexpr size_t kFrozen = 2;
inline constexpr std::array<double, kN> kW0 = {1.0, -2.0, 0.5, 3.0, -0.75};
inline constexpr std::array<double, kN> kA = {1.0, 2.0, 0.5, 4.0, 3.0};
inline constexpr std::array<double, kN> kC = {0.0, 1.0, -1.0, 2.0, 0.25};
inline constexpr ParamRange kRanges[2] = {{0, 2, true}, {3, 5, false}};
inline constexpr ParamRange kAllRange[1] = {{0, kN, true}};

using Trajectory = std::array<std::array<double, kN>, 3>;  // params after steps 1, 2, 3

inline bool Active(size_t i) { return i != kFrozen; }
inline bool Decayed(size_t i) { return i < 2; }

template <typename T>
std::array<T, kN> Gradient(const std::array<T, kN>& w) {
  std::array<T, kN> g{};
  for (size_t i = 0; i < kN; ++i) g[i] = static_cast<T>(kA[i]) * (w[i] - static_cast<T>(kC[i]));
  return g;
}

// Float problem driven through Optimizer::Step.
struct FloatProblem {
  std::vector<float> w, g, state;
  uint64_t t = 0;

  explicit FloatProblem(const Optimizer& opt) : w(kN), g(kN), state(opt.StateFloats(kN), 0.0f) {
    for (size_t i = 0; i < kN; ++i) w[i] = static_cast<float>(kW0[i]);
  }
  void ComputeGradient() {
    for (size_t i = 0; i < kN; ++i)
      g[i] = static_cast<float>(kA[i]) * (w[i] - static_cast<float>(kC[i]));
  }
  void Step(Optimizer& opt, float lr, const ParamRange* ranges = kRanges, size_t range_count = 2) {
    ComputeGradient();
    ++t;
    opt.Step(OptimizerStep{w.data(), g.data(), state.data(), kN, ranges, range_count, lr, t});
  }
  double MaxError() const {
    double e = 0.0;
    for (size_t i = 0; i < kN; ++i) e = std::fmax(e, std::fabs(w[i] - kC[i]));
    return e;
  }
};

// |actual - expected| <= tol * max(1, |expected|) for every element.
inline void ExpectRowNear(const float* actual, const std::array<double, kN>& expected, double tol, int step) {
  for (size_t i = 0; i < kN; ++i)
    EXPECT_NEAR(actual[i], expected[i], tol * std::fmax(1.0, std::fabs(expected[i])))
        << "step " << step << " element " << i;
}
inline void ExpectRowNear(const std::array<double, kN>& actual, const std::array<double, kN>& expected, double tol,
                          int step) {
  for (size_t i = 0; i < kN; ++i)
    EXPECT_NEAR(actual[i], expected[i], tol * std::fmax(1.0, std::fabs(expected[i])))
        << "step " << step << " element " << i;
}

// The first three float steps with learning rate lr match `expected`.
inline void ExpectFirstThreeSteps(Optimizer& opt, float lr, const Trajectory& expected, double tol = 2e-6) {
  FloatProblem p(opt);
  for (int k = 0; k < 3; ++k) {
    p.Step(opt, lr);
    ExpectRowNear(p.w.data(), expected[k], tol, k + 1);
  }
}

// Frozen element: bit-identical weights and untouched (zero) state after many
// steps although its gradient is nonzero.
inline void ExpectFrozenUnchanged(Optimizer& opt, float lr, int steps = 100) {
  FloatProblem p(opt);
  const float before = p.w[kFrozen];
  for (int k = 0; k < steps; ++k) p.Step(opt, lr);
  EXPECT_NE(p.g[kFrozen], 0.0f);
  EXPECT_EQ(std::memcmp(&before, &p.w[kFrozen], sizeof(float)), 0);
  for (size_t b = 0; b < p.state.size() / kN; ++b) EXPECT_EQ(p.state[b * kN + kFrozen], 0.0f) << "state block " << b;
}

// Every parameter in one range; after `steps` updates max |w - c| < tol.
inline void ExpectConverges(Optimizer& opt, float lr, int steps, double tol) {
  FloatProblem p(opt);
  for (int k = 0; k < steps; ++k) p.Step(opt, lr, kAllRange, 1);
  EXPECT_LT(p.MaxError(), tol) << opt.type() << " after " << steps << " steps";
}

// Step allocates nothing (the buffers are made before counting).
inline void ExpectNoAllocation(Optimizer& opt, float lr) {
  FloatProblem p(opt);
  p.ComputeGradient();
  AllocationScope scope;
  for (uint64_t t = 1; t <= 10; ++t)
    opt.Step(OptimizerStep{p.w.data(), p.g.data(), p.state.data(), kN, kRanges, 2, lr, t});
  EXPECT_EQ(scope.count(), 0u);
}

}  // namespace testing
}  // namespace mote
