#include "mote/layers/gaussian_noise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "layer_test_util.h"

namespace mote {
namespace {

TEST(GaussianNoise, AddsZeroMeanNoiseOfTheGivenSpreadOnlyWhenTraining) {
  GaussianNoise layer(0.5f);
  testing::LayerHarness h(layer, {Shape(size_t(200), size_t(50))});
  ASSERT_TRUE(h.status().ok());
  h.Forward(/*training=*/true);
  double sum = 0, sum_sq = 0;
  for (size_t i = 0; i < h.output.size(); ++i) {
    const double d = h.output[i] - h.inputs[0][i];
    sum += d;
    sum_sq += d * d;
  }
  const double n = double(h.output.size());
  EXPECT_NEAR(sum / n, 0.0, 0.02);                 // 5 sigma of the mean of 10000 draws
  EXPECT_NEAR(std::sqrt(sum_sq / n), 0.5, 0.02);
  h.Forward(/*training=*/false);
  for (size_t i = 0; i < h.output.size(); ++i) ASSERT_EQ(h.output[i], h.inputs[0][i]);
}

TEST(GaussianNoise, GradientPassesThroughAndBadStddevFails) {
  GaussianNoise layer(0.1f);
  testing::LayerHarness h(layer, {Shape(size_t(3), size_t(4))});
  const auto check = h.CheckGradients(/*training=*/true);  // the RNG repeats per pass
  EXPECT_LT(check.max_input_error, 1e-3) << check.worst;
  GaussianNoise negative(-1.0f), nan_stddev(std::nanf(""));
  EXPECT_EQ(testing::LayerHarness(negative, {Shape(size_t(2), size_t(2))}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::LayerHarness(nan_stddev, {Shape(size_t(2), size_t(2))}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
