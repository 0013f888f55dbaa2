#include "mote/math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace mote {
namespace {

double RelErr(double got, double want) { return std::fabs(got - want) / std::fmax(std::fabs(want), 1e-30); }

TEST(Math, ExpMatchesLibmOverItsRange) {
  double worst = 0;
  for (float x = -87.0f; x <= 88.0f; x += 0.0137f) worst = std::fmax(worst, RelErr(ExpF(x), std::exp(double(x))));
  EXPECT_LT(worst, 3e-7);
  EXPECT_EQ(ExpF(0.0f), 1.0f);
  EXPECT_EQ(ExpF(-100.0f), 0.0f);
  EXPECT_TRUE(std::isinf(ExpF(89.0f)));
  EXPECT_TRUE(std::isnan(ExpF(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_NEAR(ExpF(88.7f), std::exp(double(88.7f)), std::exp(double(88.7f)) * 3e-7);  // n = 128 path
}

TEST(Math, LogMatchesLibm) {
  double worst = 0;
  for (float x = 1e-30f; x < 1e30f; x *= 1.0173f) worst = std::fmax(worst, std::fabs(LogF(x) - std::log(double(x))));
  EXPECT_LT(worst, 1e-5);  // absolute: values reach |69|
  worst = 0;
  for (float x = 0.05f; x < 20.0f; x += 0.0031f) worst = std::fmax(worst, RelErr(LogF(x), std::log(double(x))) * (std::fabs(x - 1.0f) > 1e-3f));
  EXPECT_LT(worst, 3e-7);
  EXPECT_NEAR(LogF(1e-40f), std::log(1e-40), 1e-4);  // subnormal input
  EXPECT_TRUE(std::isinf(LogF(0.0f)));
  EXPECT_TRUE(std::isnan(LogF(-1.0f)));
}

TEST(Math, LogDoubleMatchesLibm) {
  double worst = 0;
  for (double x = 1e-300; x < 1e300; x *= 1.37) worst = std::fmax(worst, RelErr(LogD(x), std::log(x)) * (std::fabs(x - 1.0) > 1e-2));
  EXPECT_LT(worst, 1e-15);
  EXPECT_NEAR(LogD(1.001), std::log(1.001), 1e-18);
}

TEST(Math, TanhAndSigmoid) {
  double worst_tanh = 0, worst_sigmoid = 0;
  for (float x = -12.0f; x <= 12.0f; x += 0.001f) {
    worst_tanh = std::fmax(worst_tanh, std::fabs(TanhF(x) - std::tanh(double(x))));
    worst_sigmoid = std::fmax(worst_sigmoid, std::fabs(SigmoidF(x) - 1.0 / (1.0 + std::exp(-double(x)))));
  }
  EXPECT_LT(worst_tanh, 3e-7);
  EXPECT_LT(worst_sigmoid, 2e-7);
  EXPECT_EQ(TanhF(0.0f), 0.0f);
  EXPECT_EQ(SigmoidF(0.0f), 0.5f);
  EXPECT_EQ(TanhF(20.0f), 1.0f);
  EXPECT_EQ(SigmoidF(-200.0f), 0.0f);
}

TEST(Math, SoftwareDoubleSqrtIsCorrectlyRounded) {
  // The Cortex-M4 path must match the host's hardware sqrt bit for bit.
  uint64_t state = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t bits = state & 0x7fffffffffffffffull;  // any positive double, subnormals included
    double x;
    std::memcpy(&x, &bits, 8);
    if (std::isnan(x)) continue;
    const double want = std::sqrt(x), got = detail::SoftSqrtD(x);
    ASSERT_EQ(std::memcmp(&want, &got, 8), 0) << x;
  }
  for (const double x : {0.0, 1.0, 2.0, 4.0, 0.25, 1e-310, 1e308, 5e-324}) EXPECT_EQ(detail::SoftSqrtD(x), std::sqrt(x)) << x;
  EXPECT_TRUE(std::isnan(detail::SoftSqrtD(-1.0)));
  EXPECT_TRUE(std::isinf(detail::SoftSqrtD(INFINITY)));
  EXPECT_EQ(SqrtD(2.0), std::sqrt(2.0));
}

TEST(Math, AllFiniteFindsNaNAndInfinityAnywhere) {
  std::vector<float> x(37, 1.0f);
  x[3] = 3.4e38f;
  x[4] = -1e-45f;  // subnormal
  x[5] = -0.0f;
  EXPECT_TRUE(AllFinite(x.data(), x.size()));
  EXPECT_TRUE(AllFinite(nullptr, 0));
  for (const float bad : {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY})
    for (const size_t at : {size_t(0), size_t(17), x.size() - 1}) {
      std::vector<float> y = x;
      y[at] = bad;
      EXPECT_FALSE(AllFinite(y.data(), y.size())) << bad << " at " << at;
      EXPECT_TRUE(AllFinite(y.data(), at)) << "only the first " << at;
    }
}

}  // namespace
}  // namespace mote
