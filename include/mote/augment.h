// Data augmentation: random transforms of NHWC images,
// applied per minibatch into a preallocated buffer, reproducible from the
// RNG passed in. Labels are untouched (every transform keeps the class).
//
// An Augmenter is a pipeline of steps run in order on each image. Prepare()
// sizes its scratch for one image shape (allocates once); Apply() then
// allocates nothing. Geometric steps resample with bilinear interpolation
// and fill outside the image with `fill`.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "mote/rng.h"
#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

struct AugmentStep {
  enum class Kind : uint8_t {
    kHorizontalFlip,  // with probability p
    kTranslate,       // shift by up to max_shift pixels in x and y (crop with zero padding)
    kAffine,          // rotate by U(-max_degrees, max_degrees), scale by U(1 - s, 1 + s) about the centre
    kBrightnessContrast,  // x' = (x - mean) * U(1 - c, 1 + c) + mean + U(-b, b)
    kGaussianNoise,   // x' = x + N(0, stddev^2)
    kElastic,         // Simard et al. 2003: displacement fields U(-1, 1) smoothed by a Gaussian (sigma), scaled by alpha
    kColorJitter,     // RGB: each channel scaled by U(1 - j, 1 + j)
    kFancyPca,        // RGB (AlexNet): x' = x + eigvec * (alpha * eigval), alpha ~ N(0, stddev^2) per image
  };
  Kind kind;
  float p = 0.5f;           // flip probability
  float amount = 0.0f;      // max_shift / max_degrees / brightness b / stddev / alpha / jitter j
  float amount2 = 0.0f;     // scale s / contrast c / elastic sigma
  float fill = 0.0f;        // value outside the image
};

class Augmenter {
 public:
  void Add(const AugmentStep& step) { steps_.push_back(step); }
  // Principal components of RGB pixels for kFancyPca (eigenvectors as rows,
  // eigenvalues), e.g. from ComputeRgbPca.
  void SetRgbPca(const float eigenvectors[9], const float eigenvalues[3]);

  // Plans scratch for images of `item_shape` = {H, W, C}. Errors: rank not 3,
  // an RGB-only step with C != 3, or bad step amounts (kInvalidArgument).
  Status Prepare(const Shape& item_shape);
  // Transforms `count` images from `in` into `out` (no aliasing), drawing from `rng`.
  void Apply(const float* in, float* out, size_t count, Rng& rng);
  const Shape& item_shape() const { return shape_; }

 private:
  std::vector<AugmentStep> steps_;
  Shape shape_;
  std::vector<float> a_, b_, dx_, dy_, kernel_;  // ping-pong images, elastic fields, Gaussian kernel
  float pca_vectors_[9] = {};
  float pca_values_[3] = {};
  bool has_pca_ = false;
};

// PCA of the RGB values of `count` images of `item_shape` {H, W, 3}:
// eigenvectors (rows) and eigenvalues of the 3x3 covariance (Jacobi).
Status ComputeRgbPca(const float* images, size_t count, const Shape& item_shape, float eigenvectors[9],
                     float eigenvalues[3]);

}  // namespace mote
