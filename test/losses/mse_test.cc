#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mote/loss.h"

namespace mote {
namespace {

TEST(MeanSquaredError, MeanOverEveryElementByHand) {
  // Differences (1, -2, 0.5, 0): squares 1 + 4 + 0.25 + 0 = 5.25 over 4 elements.
  MeanSquaredError loss;
  const std::vector<float> p = {2.0f, 0.0f, 1.5f, -1.0f}, y = {1.0f, 2.0f, 1.0f, -1.0f};
  Targets t;
  t.values = y.data();
  std::vector<float> grad(4);
  ASSERT_TRUE(loss.CheckTargets(2, 2, t).ok());
  EXPECT_NEAR(loss.Compute(2, 2, p.data(), t, grad.data()), 5.25f / 4, 1e-7);
  // 2 (p - t) / 4
  EXPECT_NEAR(grad[0], 0.5f, 1e-7);
  EXPECT_NEAR(grad[1], -1.0f, 1e-7);
  EXPECT_NEAR(grad[2], 0.25f, 1e-7);
  EXPECT_NEAR(grad[3], 0.0f, 1e-7);
  // The scale does not depend on how elements split into batch x per_item.
  EXPECT_NEAR(loss.Compute(4, 1, p.data(), t, nullptr), 5.25f / 4, 1e-7);
  EXPECT_NEAR(loss.Compute(1, 4, p.data(), t, nullptr), 5.25f / 4, 1e-7);
}

TEST(MeanSquaredError, GradientMatchesFiniteDifferences) {
  MeanSquaredError loss;
  std::vector<float> p(12), y(12), grad(12);
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] = std::sin(float(i));
    y[i] = std::cos(float(i) * 0.3f);
  }
  Targets t;
  t.values = y.data();
  loss.Compute(3, 4, p.data(), t, grad.data());
  for (size_t i = 0; i < p.size(); ++i) {
    const float h = 1e-2f;
    std::vector<float> pp = p, pm = p;
    pp[i] += h;
    pm[i] -= h;
    const double numeric =
        (double(loss.Compute(3, 4, pp.data(), t, nullptr)) - loss.Compute(3, 4, pm.data(), t, nullptr)) / (2 * h);
    EXPECT_NEAR(grad[i], numeric, 1e-4) << i;
  }
}

TEST(MeanSquaredError, RejectsBadTargets) {
  MeanSquaredError loss;
  Targets none;
  EXPECT_EQ(loss.CheckTargets(1, 2, none).code(), StatusCode::kInvalidArgument);
  const std::vector<float> y = {1.0f, std::nanf("")};
  Targets t;
  t.values = y.data();
  EXPECT_EQ(loss.CheckTargets(1, 2, t).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(loss.CheckTargets(1, 1, t).ok());
  EXPECT_EQ(loss.CheckTargets(0, 1, t).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(loss.Check(0).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(loss.Check(1).ok());
  EXPECT_FALSE(loss.uses_labels());
}

}  // namespace
}  // namespace mote
