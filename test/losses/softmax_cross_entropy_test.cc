#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mote/loss.h"

namespace mote {
namespace {

// Reference in double, straight from the definition.
double Reference(size_t batch, size_t k, const std::vector<float>& z, const std::vector<int32_t>& labels, double eps) {
  double total = 0;
  for (size_t i = 0; i < batch; ++i) {
    double m = z[i * k];
    for (size_t j = 0; j < k; ++j) m = std::max(m, double(z[i * k + j]));
    double s = 0;
    for (size_t j = 0; j < k; ++j) s += std::exp(double(z[i * k + j]) - m);
    for (size_t j = 0; j < k; ++j) {
      const double t = size_t(labels[i]) == j ? 1 - eps : eps / double(k - 1);
      total -= t * (double(z[i * k + j]) - m - std::log(s));
    }
  }
  return total / double(batch);
}

TEST(SoftmaxCrossEntropy, KnownValueByHand) {
  // Logits (0, ln 2, ln 3): softmax (1/6, 2/6, 3/6). Label 2: loss ln 2.
  // Label 0: loss ln 6. Mean: (ln 2 + ln 6) / 2 = ln(12) / 2.
  SoftmaxCrossEntropy loss;
  const std::vector<float> z = {0.0f, std::log(2.0f), std::log(3.0f), 0.0f, std::log(2.0f), std::log(3.0f)};
  const std::vector<int32_t> labels = {2, 0};
  std::vector<float> grad(6);
  Targets t;
  t.labels = labels.data();
  ASSERT_TRUE(loss.CheckTargets(2, 3, t).ok());
  EXPECT_NEAR(loss.Compute(2, 3, z.data(), t, grad.data()), std::log(12.0) / 2, 1e-6);
  // (softmax - onehot) / batch
  const float expected[6] = {1 / 12.f, 2 / 12.f, (3 / 6.f - 1) / 2, (1 / 6.f - 1) / 2, 2 / 12.f, 3 / 12.f};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(grad[i], expected[i], 1e-6) << i;
  // Without a gradient buffer the value is the same.
  EXPECT_NEAR(loss.Compute(2, 3, z.data(), t, nullptr), std::log(12.0) / 2, 1e-6);
}

TEST(SoftmaxCrossEntropy, LabelSmoothingTargets) {
  // eps = 0.3, K = 4: targets 0.7 on the label, 0.1 elsewhere. With equal
  // logits the softmax is 1/4, so the gradient is (0.25 - t) / batch and the
  // loss is ln 4 whatever the targets.
  SoftmaxCrossEntropy loss(0.3f);
  EXPECT_FLOAT_EQ(loss.label_smoothing(), 0.3f);
  const std::vector<float> z(4, 0.5f);
  const std::vector<int32_t> labels = {1};
  std::vector<float> grad(4);
  Targets t;
  t.labels = labels.data();
  EXPECT_NEAR(loss.Compute(1, 4, z.data(), t, grad.data()), std::log(4.0), 1e-6);
  EXPECT_NEAR(grad[0], 0.25f - 0.1f, 1e-6);
  EXPECT_NEAR(grad[1], 0.25f - 0.7f, 1e-6);
  EXPECT_NEAR(grad[2], 0.25f - 0.1f, 1e-6);
  EXPECT_NEAR(grad[3], 0.25f - 0.1f, 1e-6);
  // The targets sum to 1, so the gradient of each row sums to 0.
  EXPECT_NEAR(grad[0] + grad[1] + grad[2] + grad[3], 0.0f, 1e-6);
}

TEST(SoftmaxCrossEntropy, MatchesReferenceWithAndWithoutSmoothing) {
  const size_t batch = 5, k = 7;
  std::vector<float> z(batch * k);
  for (size_t i = 0; i < z.size(); ++i) z[i] = std::sin(float(i) * 1.7f) * 4.0f;
  const std::vector<int32_t> labels = {0, 6, 3, 3, 1};
  Targets t;
  t.labels = labels.data();
  for (float eps : {0.0f, 0.1f, 0.5f}) {
    SoftmaxCrossEntropy loss(eps);
    EXPECT_NEAR(loss.Compute(batch, k, z.data(), t, nullptr), Reference(batch, k, z, labels, eps), 1e-5) << eps;
  }
}

TEST(SoftmaxCrossEntropy, GradientMatchesFiniteDifferences) {
  const size_t batch = 3, k = 5;
  std::vector<float> z(batch * k);
  for (size_t i = 0; i < z.size(); ++i) z[i] = std::cos(float(i) * 2.3f) * 2.0f;
  const std::vector<int32_t> labels = {4, 0, 2};
  Targets t;
  t.labels = labels.data();
  for (float eps : {0.0f, 0.2f}) {
    SoftmaxCrossEntropy loss(eps);
    std::vector<float> grad(z.size());
    loss.Compute(batch, k, z.data(), t, grad.data());
    for (size_t i = 0; i < z.size(); ++i) {
      const float h = 1e-2f;
      std::vector<float> zp = z, zm = z;
      zp[i] += h;
      zm[i] -= h;
      const double numeric = (Reference(batch, k, zp, labels, eps) - Reference(batch, k, zm, labels, eps)) / (2 * h);
      EXPECT_NEAR(grad[i], numeric, 1e-4) << "eps " << eps << " i " << i;
    }
  }
}

TEST(SoftmaxCrossEntropy, ExtremeLogitsStayFinite) {
  SoftmaxCrossEntropy loss(0.1f);
  const std::vector<float> z = {1000.0f, -1000.0f, 0.0f, -1000.0f, 1000.0f, 1000.0f};
  const std::vector<int32_t> labels = {0, 0};
  std::vector<float> grad(6);
  Targets t;
  t.labels = labels.data();
  const float l = loss.Compute(2, 3, z.data(), t, grad.data());
  ASSERT_TRUE(std::isfinite(l));
  // Row 0: lse = 1000 (others underflow); loss = 0.9 * 0 + 0.05 * 2000 + 0.05 * 1000 = 150.
  // Row 1: lse = 1000 + ln 2; loss = 0.9 * (2000 + ln 2) + 0.05 * 2 * ln 2.
  const double row1 = 0.9 * (2000 + std::log(2.0)) + 0.1 * std::log(2.0);
  EXPECT_NEAR(l, (150.0 + row1) / 2, 1e-3);
  for (float g : grad) EXPECT_TRUE(std::isfinite(g));
  EXPECT_NEAR(grad[0], (1.0f - 0.9f) / 2, 1e-6);
  EXPECT_NEAR(grad[4], (0.5f - 0.05f) / 2, 1e-6);
  // Confident and right: loss ~0.
  SoftmaxCrossEntropy plain;
  EXPECT_NEAR(plain.Compute(1, 3, z.data(), t, nullptr), 0.0f, 1e-6);
}

TEST(SoftmaxCrossEntropy, RejectsBadTargetsAndShapes) {
  SoftmaxCrossEntropy loss;
  Targets none;
  EXPECT_EQ(loss.CheckTargets(2, 3, none).code(), StatusCode::kInvalidArgument);
  const std::vector<int32_t> bad_high = {0, 3}, bad_low = {-1, 0}, good = {0, 2};
  Targets t;
  t.labels = bad_high.data();
  const Status s = loss.CheckTargets(2, 3, t);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("label"), std::string::npos);
  t.labels = bad_low.data();
  EXPECT_EQ(loss.CheckTargets(2, 3, t).code(), StatusCode::kInvalidArgument);
  t.labels = good.data();
  EXPECT_TRUE(loss.CheckTargets(2, 3, t).ok());
  EXPECT_EQ(loss.CheckTargets(0, 3, t).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(loss.Check(3).ok());
  EXPECT_EQ(loss.Check(1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(loss.Check(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SoftmaxCrossEntropy(-0.1f).Check(3).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SoftmaxCrossEntropy(1.0f).Check(3).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SoftmaxCrossEntropy(std::nanf("")).Check(3).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(loss.uses_labels());
  EXPECT_STREQ(loss.type(), "SoftmaxCrossEntropy");
}

}  // namespace
}  // namespace mote
