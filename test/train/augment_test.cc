#include "mote/augment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "allocation_counter.h"

namespace mote {
namespace {

using Kind = AugmentStep::Kind;

std::vector<float> Ramp(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = float(i) * 0.1f;
  return v;
}

std::vector<float> Augment(Augmenter& a, const std::vector<float>& in, size_t count, uint64_t seed) {
  std::vector<float> out(in.size());
  Rng rng(seed);
  a.Apply(in.data(), out.data(), count, rng);
  return out;
}

TEST(Augment, HorizontalFlipKnownOutputAndInvolution) {
  Augmenter a;
  a.Add({Kind::kHorizontalFlip, 1.0f});
  ASSERT_TRUE(a.Prepare(Shape(2, 3, 1)).ok());
  const std::vector<float> in = {1, 2, 3, 4, 5, 6};
  const std::vector<float> out = Augment(a, in, 1, 1);
  EXPECT_EQ(out, (std::vector<float>{3, 2, 1, 6, 5, 4}));
  EXPECT_EQ(Augment(a, out, 1, 1), in);
}

TEST(Augment, TranslateIsAShiftWithZeroFillAndReproducible) {
  Augmenter a;
  a.Add({Kind::kTranslate, 0.5f, 2.0f});
  const size_t h = 6, w = 7;
  ASSERT_TRUE(a.Prepare(Shape(h, w, 1)).ok());
  const std::vector<float> in = Ramp(h * w);
  const std::vector<float> out = Augment(a, in, 1, 9);
  EXPECT_EQ(out, Augment(a, in, 1, 9));  // same seed, same image
  // Find the shift from the RNG draws the step makes, then check every pixel.
  Rng rng(9);
  const long sx = long(rng.Below(5)) - 2, sy = long(rng.Below(5)) - 2;
  for (long y = 0; y < long(h); ++y)
    for (long x = 0; x < long(w); ++x) {
      const long ys = y - sy, xs = x - sx;
      const float want = (ys >= 0 && xs >= 0 && ys < long(h) && xs < long(w)) ? in[size_t(ys) * w + size_t(xs)] : 0.0f;
      EXPECT_EQ(out[size_t(y) * w + size_t(x)], want);
    }
}

// Independent double-precision bilinear resampling at (ys, xs), 0 outside.
double Bilinear(const std::vector<float>& img, long h, long w, double ys, double xs) {
  const long y0 = long(std::floor(ys)), x0 = long(std::floor(xs));
  double sum = 0;
  for (long dy = 0; dy <= 1; ++dy)
    for (long dx = 0; dx <= 1; ++dx) {
      const long yy = y0 + dy, xx = x0 + dx;
      const double wy = dy ? ys - y0 : 1 - (ys - y0), wx = dx ? xs - x0 : 1 - (xs - x0);
      if (yy >= 0 && xx >= 0 && yy < h && xx < w) sum += wy * wx * img[size_t(yy * w + xx)];
    }
  return sum;
}

TEST(Augment, AffineMatchesAReferenceRotationAndScale) {
  Augmenter a;
  a.Add({Kind::kAffine, 0.5f, 30.0f, 0.2f});
  const long h = 9, w = 8;
  ASSERT_TRUE(a.Prepare(Shape(size_t(h), size_t(w), size_t(1))).ok());
  const std::vector<float> in = Ramp(size_t(h * w));
  const std::vector<float> out = Augment(a, in, 1, 4);
  Rng rng(4);  // the same draws: angle, then scale
  const double angle = double(rng.Uniform(-30.0f, 30.0f)) * M_PI / 180.0, scale = rng.Uniform(0.8f, 1.2f);
  const double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
  for (long y = 0; y < h; ++y)
    for (long x = 0; x < w; ++x) {
      // Output (y, x) is the input at the point that rotating by +angle and scaling maps onto it.
      const double u = x - cx, v = y - cy;
      const double xs = (std::cos(angle) * u + std::sin(angle) * v) / scale + cx;
      const double ys = (-std::sin(angle) * u + std::cos(angle) * v) / scale + cy;
      EXPECT_NEAR(out[size_t(y * w + x)], Bilinear(in, h, w, ys, xs), 1e-4) << y << "," << x;
    }
  Augmenter identity;  // no rotation, no scaling
  identity.Add({Kind::kAffine, 0.5f, 0.0f, 0.0f});
  ASSERT_TRUE(identity.Prepare(Shape(size_t(h), size_t(w), size_t(1))).ok());
  EXPECT_EQ(Augment(identity, in, 1, 4), in);
}

TEST(Augment, ElasticMatchesAReferenceAndIsTheIdentityWithoutDisplacement) {
  const size_t h = 7, w = 6;
  const float alpha = 2.0f, sigma = 1.5f;
  Augmenter a;
  a.Add({Kind::kElastic, 0.5f, alpha, sigma});
  ASSERT_TRUE(a.Prepare(Shape(h, w, 1)).ok());
  const std::vector<float> in = Ramp(h * w);
  const std::vector<float> out = Augment(a, in, 1, 5);
  // Reference (Simard et al.): fields U(-1, 1), Gaussian blur (radius 3 sigma,
  // zero outside), times alpha, then bilinear sampling at (y + dy, x + dx).
  Rng rng(5);
  const long radius = long(std::ceil(3 * sigma));
  std::vector<double> kernel;
  double total = 0;
  for (long t = -radius; t <= radius; ++t) kernel.push_back(std::exp(-0.5 * double(t * t) / (sigma * sigma)));
  for (double k : kernel) total += k;
  std::vector<double> fields[2];
  for (auto& f : fields) {
    std::vector<double> raw(h * w), blur(h * w);
    for (double& r : raw) r = rng.Uniform(-1.0f, 1.0f);
    f.assign(h * w, 0.0);
    for (long y = 0; y < long(h); ++y)
      for (long x = 0; x < long(w); ++x)
        for (long t = -radius; t <= radius; ++t)
          if (x + t >= 0 && x + t < long(w)) blur[size_t(y) * w + size_t(x)] += kernel[size_t(t + radius)] / total * raw[size_t(y) * w + size_t(x + t)];
    for (long y = 0; y < long(h); ++y)
      for (long x = 0; x < long(w); ++x)
        for (long t = -radius; t <= radius; ++t)
          if (y + t >= 0 && y + t < long(h)) f[size_t(y) * w + size_t(x)] += alpha * kernel[size_t(t + radius)] / total * blur[size_t(y + t) * w + size_t(x)];
  }
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      EXPECT_NEAR(out[y * w + x],
                  Bilinear(in, long(h), long(w), double(y) + fields[1][y * w + x], double(x) + fields[0][y * w + x]),
                  1e-3)
          << y << "," << x;
  Augmenter still;
  still.Add({Kind::kElastic, 0.5f, 0.0f, sigma});
  ASSERT_TRUE(still.Prepare(Shape(h, w, 1)).ok());
  EXPECT_EQ(Augment(still, in, 1, 5), in);
}

TEST(Augment, PipelineIsReproducibleAndAllocatesNothingPerBatch) {
  Augmenter a;
  a.Add({Kind::kHorizontalFlip, 0.5f});
  a.Add({Kind::kTranslate, 0.5f, 2.0f});
  a.Add({Kind::kAffine, 0.5f, 10.0f, 0.1f});
  a.Add({Kind::kBrightnessContrast, 0.5f, 0.1f, 0.2f});
  a.Add({Kind::kGaussianNoise, 0.5f, 0.05f});
  a.Add({Kind::kElastic, 0.5f, 1.0f, 2.0f});
  a.Add({Kind::kColorJitter, 0.5f, 0.1f});
  const float vectors[9] = {0.577f, 0.577f, 0.577f, 0.707f, 0.0f, -0.707f, 0.408f, -0.816f, 0.408f};
  const float values[3] = {0.2f, 0.02f, 0.002f};
  a.SetRgbPca(vectors, values);
  a.Add({Kind::kFancyPca, 0.5f, 0.1f});
  ASSERT_TRUE(a.Prepare(Shape(8, 8, 3)).ok());
  const std::vector<float> in = Ramp(4 * 8 * 8 * 3);
  std::vector<float> out(in.size()), again(in.size());
  Rng rng(21), same(21);
  {
    testing::AllocationScope scope;
    a.Apply(in.data(), out.data(), 4, rng);
    a.Apply(in.data(), again.data(), 4, same);
    EXPECT_EQ(scope.count(), 0u);
  }
  EXPECT_EQ(out, again);
  EXPECT_NE(out, in);
  Augmenter gray;
  gray.Add({Kind::kColorJitter, 0.5f, 0.1f});
  EXPECT_EQ(gray.Prepare(Shape(8, 8, 1)).code(), StatusCode::kInvalidArgument);
  Augmenter no_pca;
  no_pca.Add({Kind::kFancyPca, 0.5f, 0.1f});
  EXPECT_EQ(no_pca.Prepare(Shape(8, 8, 3)).code(), StatusCode::kInvalidArgument);
}

TEST(Augment, RgbPcaFindsTheDominantDirection) {
  // Pixels spread along (1, 1, 1) with variance 0.09, a little noise elsewhere.
  Rng rng(2);
  std::vector<float> images;
  for (int i = 0; i < 4000; ++i) {
    const float t = rng.Normal(0.0f, 0.3f);
    for (int k = 0; k < 3; ++k) images.push_back(0.5f + t + rng.Normal(0.0f, 0.01f));
  }
  float vectors[9], values[3];
  ASSERT_TRUE(ComputeRgbPca(images.data(), 1, Shape(40, 100, 3), vectors, values).ok());
  int top = 0;
  for (int i = 1; i < 3; ++i)
    if (values[i] > values[top]) top = i;
  EXPECT_NEAR(values[top], 3 * 0.09, 0.02);  // variance along the unit vector (1,1,1)/sqrt(3)
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(std::fabs(vectors[top * 3 + k]), 1 / std::sqrt(3.0), 0.01);
}

}  // namespace
}  // namespace mote

#include <memory>

#include "mote/layers.h"
#include "mote/optim/sgd.h"
#include "mote/trainer.h"

namespace mote {
namespace {

void BuildImageModel(Model& m) {
  m.Input(Shape(4, 4, 1), "image");
  m.Add(std::make_unique<Flatten>(), {}, "flatten");
  m.Add(std::make_unique<Dense>(3), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Sgd>());
}

Dataset Images(size_t n) {
  Dataset d;
  d.item_shape = Shape(4, 4, 1);
  Rng rng(8);
  for (size_t i = 0; i < n * 16; ++i) d.x.push_back(rng.Uniform(0, 1));
  for (size_t i = 0; i < n; ++i) d.labels.push_back(int32_t(i % 3));
  return d;
}

TEST(Augment, FitAugmentsTrainingBatchesAndTtaAveragesPasses) {
  const Dataset data = Images(24);
  Augmenter flip;
  flip.Add({AugmentStep::Kind::kHorizontalFlip, 1.0f});  // always: every batch differs from the data
  ASSERT_TRUE(flip.Prepare(data.item_shape).ok());
  Model plain, augmented;
  BuildImageModel(plain);
  BuildImageModel(augmented);
  FitOptions fit;
  fit.epochs = 2;
  fit.batch_size = 6;
  fit.learning_rate = 0.1f;
  fit.verbose = false;
  ASSERT_TRUE(Fit(plain, data, fit, nullptr).ok());
  fit.augment = &flip;
  ASSERT_TRUE(Fit(augmented, data, fit, nullptr).ok());
  // Same seed and data: only the flipped inputs can make the weights differ.
  EXPECT_NE(std::vector<float>(plain.params(), plain.params() + plain.param_buffer_floats()),
            std::vector<float>(augmented.params(), augmented.params() + augmented.param_buffer_floats()));

  // TTA: one pass is Predict; with an augmenter that changes nothing, any number of passes too.
  std::vector<float> predicted(6 * 3), tta(6 * 3), scratch(6 * 16);
  ASSERT_TRUE(plain.Predict(data.x.data(), data.x.size(), 6, predicted.data(), predicted.size()).ok());
  Augmenter nothing;
  ASSERT_TRUE(nothing.Prepare(data.item_shape).ok());
  Rng rng(1);
  ASSERT_TRUE(PredictAugmented(plain, nothing, data.x.data(), 6, 4, rng, scratch.data(), tta.data()).ok());
  for (size_t i = 0; i < tta.size(); ++i) EXPECT_NEAR(tta[i], predicted[i], 1e-6f);
  ASSERT_TRUE(PredictAugmented(plain, flip, data.x.data(), 6, 2, rng, scratch.data(), tta.data()).ok());
  std::vector<float> flipped(6 * 16), flipped_out(6 * 3);
  flip.Apply(data.x.data(), flipped.data(), 6, rng);
  ASSERT_TRUE(plain.Predict(flipped.data(), flipped.size(), 6, flipped_out.data(), flipped_out.size()).ok());
  for (size_t i = 0; i < tta.size(); ++i) EXPECT_NEAR(tta[i], 0.5f * (predicted[i] + flipped_out[i]), 1e-5f);
  Augmenter wrong;
  ASSERT_TRUE(wrong.Prepare(Shape(2, 2, 1)).ok());
  fit.augment = &wrong;
  EXPECT_EQ(Fit(augmented, data, fit, nullptr).code(), StatusCode::kShapeMismatch);
}

}  // namespace
}  // namespace mote
