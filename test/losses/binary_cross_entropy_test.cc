#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mote/loss.h"

namespace mote {
namespace {

double Reference(const std::vector<float>& z, const std::vector<float>& y) {
  double total = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const double s = 1 / (1 + std::exp(-double(z[i])));
    total -= y[i] * std::log(s) + (1 - y[i]) * std::log(1 - s);
  }
  return total / double(z.size());
}

TEST(BinaryCrossEntropy, KnownValuesByHand) {
  // z = 0: s = 1/2, loss ln 2 for any t. z = ln 3, t = 1: s = 3/4, loss ln(4/3).
  // z = ln 3, t = 0: loss ln 4. Mean over the four elements.
  BinaryCrossEntropy loss;
  const std::vector<float> z = {0.0f, 0.0f, std::log(3.0f), std::log(3.0f)}, y = {1.0f, 0.25f, 1.0f, 0.0f};
  Targets t;
  t.values = y.data();
  std::vector<float> grad(4);
  ASSERT_TRUE(loss.CheckTargets(2, 2, t).ok());
  const double expected = (std::log(2.0) * 2 + std::log(4.0 / 3.0) + std::log(4.0)) / 4;
  EXPECT_NEAR(loss.Compute(2, 2, z.data(), t, grad.data()), expected, 1e-6);
  EXPECT_NEAR(grad[0], (0.5f - 1.0f) / 4, 1e-7);
  EXPECT_NEAR(grad[1], (0.5f - 0.25f) / 4, 1e-7);
  EXPECT_NEAR(grad[2], (0.75f - 1.0f) / 4, 1e-7);
  EXPECT_NEAR(grad[3], 0.75f / 4, 1e-7);
}

TEST(BinaryCrossEntropy, MatchesReferenceAndFiniteDifferences) {
  BinaryCrossEntropy loss;
  std::vector<float> z(10), y(10), grad(10);
  for (size_t i = 0; i < z.size(); ++i) {
    z[i] = std::sin(float(i) * 1.3f) * 5.0f;
    y[i] = float(i % 3) / 2.0f;
  }
  Targets t;
  t.values = y.data();
  EXPECT_NEAR(loss.Compute(5, 2, z.data(), t, grad.data()), Reference(z, y), 1e-6);
  for (size_t i = 0; i < z.size(); ++i) {
    const float h = 1e-2f;
    std::vector<float> zp = z, zm = z;
    zp[i] += h;
    zm[i] -= h;
    EXPECT_NEAR(grad[i], (Reference(zp, y) - Reference(zm, y)) / (2 * h), 1e-5) << i;
  }
}

TEST(BinaryCrossEntropy, ExtremeLogitsStayFinite) {
  BinaryCrossEntropy loss;
  const std::vector<float> z = {1000.0f, -1000.0f, 1000.0f, -1000.0f, 30.0f, -30.0f};
  const std::vector<float> y = {1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 0.0f};
  Targets t;
  t.values = y.data();
  std::vector<float> grad(6);
  const float l = loss.Compute(1, 6, z.data(), t, grad.data());
  ASSERT_TRUE(std::isfinite(l));
  // Right and confident: ~0 (e^-1000 underflows; e^-30 ~ 9.4e-14); wrong: 1000 each.
  EXPECT_NEAR(l, 2000.0f / 6, 1e-3);
  const float expected[6] = {0, 0, 1.0f / 6, -1.0f / 6, 0, 0};
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(std::isfinite(grad[i]));
    EXPECT_NEAR(grad[i], expected[i], 1e-7) << i;
  }
  // A tiny loss keeps its relative precision (log(1 + e) for small e).
  const std::vector<float> z1 = {20.0f}, y1 = {1.0f};
  t.values = y1.data();
  EXPECT_NEAR(loss.Compute(1, 1, z1.data(), t, nullptr), std::exp(-20.0), 1e-3 * std::exp(-20.0));
}

TEST(BinaryCrossEntropy, RejectsBadTargets) {
  BinaryCrossEntropy loss;
  Targets none;
  EXPECT_EQ(loss.CheckTargets(1, 1, none).code(), StatusCode::kInvalidArgument);
  const std::vector<float> y = {0.5f, 1.5f, -0.1f, std::nanf("")};
  Targets t;
  t.values = y.data();
  EXPECT_TRUE(loss.CheckTargets(1, 1, t).ok());
  EXPECT_EQ(loss.CheckTargets(1, 2, t).code(), StatusCode::kInvalidArgument);
  t.values = y.data() + 2;
  EXPECT_EQ(loss.CheckTargets(1, 1, t).code(), StatusCode::kInvalidArgument);
  t.values = y.data() + 3;
  EXPECT_EQ(loss.CheckTargets(1, 1, t).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(loss.Check(0).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(loss.uses_labels());
}

}  // namespace
}  // namespace mote
