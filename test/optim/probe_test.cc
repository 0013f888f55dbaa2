// Optimizer::ProbeStep of every optimizer: it writes nothing and answers
// kFinite exactly when Step leaves every parameter and state element finite,
// over random parameters, gradients and state of growing magnitude (so some
// updates overflow), with a frozen element and a decayed range; an empty
// step answers kFinite.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "mote/math.h"
#include "mote/optimizers.h"
#include "mote/rng.h"

namespace mote {
namespace {

std::vector<std::unique_ptr<Optimizer>> AllOptimizers() {
  std::vector<std::unique_ptr<Optimizer>> all;
  all.emplace_back(new Sgd());
  all.emplace_back(new Momentum(0.9f, false));
  all.emplace_back(new Momentum(0.9f, true));
  all.emplace_back(new AdaGrad());
  all.emplace_back(new RmsProp());
  all.emplace_back(new RmsProp(0.9f, 1e-6f, 0.5f));
  all.emplace_back(new Adam());
  all.emplace_back(new Adam(0.9f, 0.999f, 1e-8f, 0.1f));
  return all;
}

TEST(OptimizerProbe, AgreesWithStepAndWritesNothing) {
  constexpr size_t kCount = 67;
  const ParamRange ranges[2] = {{0, 30, true}, {31, kCount, false}};  // element 30 frozen
  for (const auto& optimizer : AllOptimizers()) {
    SCOPED_TRACE(optimizer->type());
    const size_t state_floats = optimizer->StateFloats(kCount);
    int finite_cases = 0, non_finite_cases = 0;
    for (int trial = 0; trial < 40; ++trial) {
      Rng rng(uint64_t(trial) + 1);
      const float scale = std::ldexp(1.0f, trial * 3);  // up to 2^117
      std::vector<float> params(kCount), grads(kCount), state(state_floats);
      for (float& p : params) p = rng.Uniform(-1.0f, 1.0f) * scale;
      for (float& g : grads) g = rng.Uniform(-1.0f, 1.0f) * scale;
      // Non-negative: valid for squared-gradient accumulators and velocities alike.
      for (float& v : state) v = rng.Uniform(0.0f, 1.0f) * scale;
      const float learning_rate = trial % 2 ? 0.5f : 1e30f;
      OptimizerStep step{params.data(), grads.data(), state.data(), kCount, ranges, 2, learning_rate,
                         uint64_t(trial % 5) + 1};
      const std::vector<float> params_before = params, state_before = state;
      const Optimizer::Probe probe = optimizer->ProbeStep(step);
      ASSERT_EQ(std::memcmp(params.data(), params_before.data(), kCount * sizeof(float)), 0);
      // SGD has no state: an empty vector's data() may be null, which memcmp must not get.
      if (state_floats > 0) ASSERT_EQ(std::memcmp(state.data(), state_before.data(), state_floats * sizeof(float)), 0);
      optimizer->Step(step);
      const bool finite = AllFinite(params.data(), kCount) && AllFinite(state.data(), state_floats);
      EXPECT_EQ(probe, finite ? Optimizer::Probe::kFinite : Optimizer::Probe::kNonFinite) << "trial " << trial;
      (finite ? finite_cases : non_finite_cases)++;
    }
    EXPECT_GT(finite_cases, 0);
    EXPECT_GT(non_finite_cases, 0);
    const OptimizerStep empty{nullptr, nullptr, nullptr, 0, nullptr, 0, 0.1f, 1};
    EXPECT_EQ(optimizer->ProbeStep(empty), Optimizer::Probe::kFinite);
  }
}

}  // namespace
}  // namespace mote
