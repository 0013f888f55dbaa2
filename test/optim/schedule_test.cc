#include "mote/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mote {
namespace {

// Rates are computed in double and rounded once to float.
void ExpectRate(float actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-7 * std::fabs(expected) + 1e-12);
}

TEST(Schedule, Constant) {
  Constant s(0.05f);
  EXPECT_STREQ(s.type(), "Constant");
  for (uint64_t k : {0ull, 1ull, 1000000ull}) EXPECT_EQ(s.LearningRate(k, 3), 0.05f);
  EXPECT_TRUE(s.Validate().ok());
  EXPECT_FALSE(Constant(-1.0f).Validate().ok());
  EXPECT_FALSE(Constant(NAN).Validate().ok());
}

// Inverse time: epsilon_k = a / (1 + b k); a = 0.1, b = 0.5:
// k = 2: 0.1 / (1 + 1) = 0.05; k = 10: 0.1 / 6 = 0.0166667.
TEST(Schedule, InverseTimeCountsSteps) {
  InverseTime s(0.1f, 0.5f);
  ExpectRate(s.LearningRate(0, 7), 0.1);
  ExpectRate(s.LearningRate(1, 7), 0.06666666666666667);
  ExpectRate(s.LearningRate(2, 7), 0.05);
  ExpectRate(s.LearningRate(10, 7), 0.016666666666666666);
  ExpectRate(s.LearningRate(1000, 7), 0.00019960079840319363);
  EXPECT_TRUE(s.Validate().ok());
  EXPECT_FALSE(InverseTime(0.1f, -1.0f).Validate().ok());
}

TEST(Schedule, InverseTimeCanCountEpochs) {
  InverseTime s(0.1f, 0.5f, ScheduleUnit::kEpoch);
  ExpectRate(s.LearningRate(12345, 2), 0.05);
}

// Exponential steps: epsilon_k = e0 gamma^floor(k / k0); e0 = 0.1, gamma = 0.5, k0 = 100:
// k = 99 -> 0.1; k = 100 -> 0.05; k = 350 -> 0.1 * 0.5^3 = 0.0125.
TEST(Schedule, ExponentialStepCountsSteps) {
  ExponentialStep s(0.1f, 0.5f, 100);
  const uint64_t ks[] = {0, 99, 100, 199, 200, 350, 1000};
  const double expected[] = {0.1, 0.1, 0.05, 0.05, 0.025, 0.0125, 9.765625e-05};
  for (size_t i = 0; i < 7; ++i) ExpectRate(s.LearningRate(ks[i], 0), expected[i]);
  EXPECT_TRUE(s.Validate().ok());
}

TEST(Schedule, ExponentialStepEpochsAndInvalid) {
  ExponentialStep per_epoch(0.1f, 0.1f, 2, ScheduleUnit::kEpoch);
  ExpectRate(per_epoch.LearningRate(999, 1), 0.1);
  ExpectRate(per_epoch.LearningRate(999, 2), 0.01);
  ExpectRate(per_epoch.LearningRate(999, 5), 0.001);
  ExponentialStep bad(0.1f, 0.5f, 0);
  EXPECT_FALSE(bad.Validate().ok());
  EXPECT_EQ(bad.LearningRate(1000, 0), 0.1f);  // no division by zero
  EXPECT_FALSE(ExponentialStep(0.1f, 0.0f, 10).Validate().ok());
}

// Linear decay: epsilon_k = (1 - alpha) e0 + alpha e_tau, alpha = k / tau, then
// e_tau; e0 = 0.1, e_tau = 0.001 (1% of e0), tau = 1000:
// k = 250: 0.75 * 0.1 + 0.25 * 0.001 = 0.07525; k >= 1000: 0.001.
TEST(Schedule, LinearDecayCountsSteps) {
  LinearDecay s(0.1f, 0.001f, 1000);
  const uint64_t ks[] = {0, 1, 250, 500, 999, 1000, 5000};
  const double expected[] = {0.1, 0.099901, 0.07525000000000001, 0.0505, 0.0010990000000000002, 0.001, 0.001};
  for (size_t i = 0; i < 7; ++i) ExpectRate(s.LearningRate(ks[i], 0), expected[i]);
  EXPECT_TRUE(s.Validate().ok());
  ExpectRate(LinearDecay(0.1f, 0.001f, 0).LearningRate(0, 0), 0.001);
  ExpectRate(LinearDecay(0.1f, 0.001f, 10, ScheduleUnit::kEpoch).LearningRate(99999, 5), 0.0505);
}

// patience 2, factor 0.5, min_delta 0.01, mode min.
TEST(Schedule, ReduceOnPlateauAfterPatienceEpochs) {
  ReduceOnPlateau s(0.1f, 0.5f, 2, 0.01f, 0.0f, PlateauMode::kMin);
  EXPECT_STREQ(s.type(), "ReduceOnPlateau");
  EXPECT_TRUE(s.Validate().ok());
  EXPECT_EQ(s.LearningRate(0, 0), 0.1f);
  s.OnEpochEnd(0, 1.0f);   // first value: improvement, best 1.0
  EXPECT_EQ(s.best(), 1.0f);
  s.OnEpochEnd(1, 0.9f);   // improves by 0.1 > min_delta
  EXPECT_EQ(s.bad_epochs(), 0u);
  s.OnEpochEnd(2, 0.895f);  // better, but by less than min_delta: bad epoch 1
  EXPECT_EQ(s.bad_epochs(), 1u);
  EXPECT_EQ(s.LearningRate(0, 3), 0.1f);
  EXPECT_EQ(s.best(), 0.9f);  // a non-improvement does not move best
  s.OnEpochEnd(3, 0.95f);  // bad epoch 2 == patience: reduce
  EXPECT_FLOAT_EQ(s.LearningRate(0, 4), 0.05f);
  EXPECT_EQ(s.reductions(), 1u);
  EXPECT_EQ(s.bad_epochs(), 0u);
  s.OnEpochEnd(4, 0.95f);  // bad 1
  EXPECT_FLOAT_EQ(s.LearningRate(0, 5), 0.05f);
  s.OnEpochEnd(5, 0.5f);   // improvement resets the count
  s.OnEpochEnd(6, 0.6f);   // bad 1
  EXPECT_FLOAT_EQ(s.LearningRate(0, 7), 0.05f);
  s.OnEpochEnd(7, 0.6f);   // bad 2: reduce
  EXPECT_FLOAT_EQ(s.LearningRate(0, 8), 0.025f);
  s.Reset();
  EXPECT_EQ(s.LearningRate(0, 0), 0.1f);
  EXPECT_EQ(s.reductions(), 0u);
}

TEST(Schedule, ReduceOnPlateauRespectsMinLr) {
  ReduceOnPlateau s(0.1f, 0.1f, 1, 0.0f, 0.005f, PlateauMode::kMin);
  s.OnEpochEnd(0, 1.0f);
  s.OnEpochEnd(1, 1.0f);  // equal is not an improvement: 0.01
  EXPECT_FLOAT_EQ(s.LearningRate(0, 2), 0.01f);
  s.OnEpochEnd(2, 1.0f);  // 0.001 < min_lr: clamped
  EXPECT_EQ(s.LearningRate(0, 3), 0.005f);
  s.OnEpochEnd(3, 1.0f);  // already at min_lr: stays, no new reduction counted
  EXPECT_EQ(s.LearningRate(0, 4), 0.005f);
  EXPECT_EQ(s.reductions(), 2u);
}

TEST(Schedule, ReduceOnPlateauMaxModeAndNaN) {
  ReduceOnPlateau s(1.0f, 0.5f, 1, 0.01f, 0.0f, PlateauMode::kMax);
  s.OnEpochEnd(0, 0.5f);      // accuracy 0.5: improvement
  s.OnEpochEnd(1, 0.6f);      // improvement
  EXPECT_EQ(s.LearningRate(0, 2), 1.0f);
  s.OnEpochEnd(2, 0.605f);    // < best + min_delta: reduce (patience 1)
  EXPECT_FLOAT_EQ(s.LearningRate(0, 3), 0.5f);
  s.OnEpochEnd(3, NAN);       // NaN never improves
  EXPECT_FLOAT_EQ(s.LearningRate(0, 4), 0.25f);
  EXPECT_EQ(s.best(), 0.6f);
}

TEST(Schedule, ReduceOnPlateauValidate) {
  EXPECT_FALSE(ReduceOnPlateau(0.1f, 1.0f).Validate().ok());
  EXPECT_FALSE(ReduceOnPlateau(0.1f, 0.0f).Validate().ok());
  EXPECT_FALSE(ReduceOnPlateau(0.1f, 0.5f, 2, -1.0f).Validate().ok());
  EXPECT_FALSE(ReduceOnPlateau(0.1f, 0.5f, 2, 0.0f, -1.0f).Validate().ok());
}

struct Calls {
  int count = 0;
  uint32_t last_epoch = 0;
};

// Halves the rate every epoch from epoch 2 on, like a Keras scheduler.
float HalveFromEpoch2(uint32_t epoch, float lr, void* user) {
  Calls* calls = static_cast<Calls*>(user);
  ++calls->count;
  calls->last_epoch = epoch;
  return epoch < 2 ? lr : lr * 0.5f;
}

TEST(Schedule, FunctionScheduleCalledOncePerEpoch) {
  Calls calls;
  FunctionSchedule s(0.2f, &HalveFromEpoch2, &calls);
  EXPECT_TRUE(s.Validate().ok());
  EXPECT_EQ(calls.count, 1);  // epoch 0, by the constructor
  EXPECT_EQ(s.LearningRate(0, 0), 0.2f);
  EXPECT_EQ(s.LearningRate(50, 0), 0.2f);  // not called per step
  EXPECT_EQ(calls.count, 1);
  s.OnEpochEnd(0, 0.0f);  // -> epoch 1
  EXPECT_EQ(calls.last_epoch, 1u);
  EXPECT_EQ(s.LearningRate(0, 1), 0.2f);
  s.OnEpochEnd(1, 0.0f);  // -> epoch 2
  EXPECT_EQ(s.LearningRate(0, 2), 0.1f);
  s.OnEpochEnd(2, 0.0f);  // -> epoch 3
  EXPECT_EQ(s.LearningRate(0, 3), 0.05f);
  EXPECT_EQ(calls.count, 4);
  s.Reset();
  EXPECT_EQ(s.LearningRate(0, 0), 0.2f);
  EXPECT_EQ(calls.last_epoch, 0u);
}

TEST(Schedule, FunctionScheduleNull) {
  FunctionSchedule s(0.3f, nullptr);
  EXPECT_FALSE(s.Validate().ok());
  s.OnEpochEnd(0, 1.0f);
  EXPECT_EQ(s.LearningRate(0, 1), 0.3f);
}

// Through the interface, as a trainer uses it.
TEST(Schedule, Polymorphic) {
  LinearDecay linear(0.1f, 0.001f, 100);
  Schedule& s = linear;
  s.OnEpochEnd(0, 1.0f);  // no-op for a pure schedule
  s.Reset();
  ExpectRate(s.LearningRate(50, 0), 0.0505);
}

}  // namespace
}  // namespace mote
