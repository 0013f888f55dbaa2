#include "mote/augment.h"

#include <cmath>
#include <cstring>

namespace mote {
namespace {

constexpr float kPi = 3.14159265358979f;

// Bilinear sample of channel c at (y, x); `fill` outside the image.
float Sample(const float* img, size_t h, size_t w, size_t channels, float y, float x, size_t c, float fill) {
  const float fy = std::floor(y), fx = std::floor(x);
  const long y0 = long(fy), x0 = long(fx);
  const float ty = y - fy, tx = x - fx;
  auto at = [&](long yy, long xx) {
    if (yy < 0 || xx < 0 || yy >= long(h) || xx >= long(w)) return fill;
    return img[(size_t(yy) * w + size_t(xx)) * channels + c];
  };
  return (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x0 + 1)) +
         ty * ((1 - tx) * at(y0 + 1, x0) + tx * at(y0 + 1, x0 + 1));
}

}  // namespace

void Augmenter::SetRgbPca(const float eigenvectors[9], const float eigenvalues[3]) {
  std::memcpy(pca_vectors_, eigenvectors, sizeof pca_vectors_);
  std::memcpy(pca_values_, eigenvalues, sizeof pca_values_);
  has_pca_ = true;
}

Status Augmenter::Prepare(const Shape& item_shape) {
  if (item_shape.rank() != 3) return InvalidArgument("augment: images must be {H, W, C}");
  const size_t h = item_shape.dim(0), w = item_shape.dim(1), c = item_shape.dim(2);
  if (h == 0 || w == 0 || c == 0) return InvalidArgument("augment: empty image shape");
  size_t kernel = 0;
  for (const AugmentStep& s : steps_) {
    if (!(s.amount >= 0.0f) || !(s.amount2 >= 0.0f) || !(s.p >= 0.0f && s.p <= 1.0f))
      return InvalidArgument("augment: step amounts must be >= 0 and p in [0, 1]");
    if ((s.kind == AugmentStep::Kind::kColorJitter || s.kind == AugmentStep::Kind::kFancyPca) && c != 3)
      return InvalidArgument("augment: colour jitter and fancy PCA need RGB images (C = 3)");
    if (s.kind == AugmentStep::Kind::kFancyPca && !has_pca_)
      return InvalidArgument("augment: fancy PCA needs SetRgbPca first");
    if (s.kind == AugmentStep::Kind::kAffine && s.amount2 >= 1.0f)
      return InvalidArgument("augment: affine scale range must be below 1");
    if (s.kind == AugmentStep::Kind::kElastic) {
      if (!(s.amount2 > 0.0f)) return InvalidArgument("augment: elastic sigma must be > 0");
      const size_t radius = size_t(std::ceil(3.0f * s.amount2));
      kernel = kernel > 2 * radius + 1 ? kernel : 2 * radius + 1;
    }
  }
  shape_ = item_shape;
  const size_t e = h * w * c;
  a_.assign(e, 0.0f);
  b_.assign(e, 0.0f);
  dx_.assign(kernel ? h * w : 0, 0.0f);
  dy_.assign(kernel ? h * w : 0, 0.0f);
  kernel_.assign(kernel ? kernel + h * w : 0, 0.0f);  // weights, then a blur temporary
  return Status::Ok();
}

void Augmenter::Apply(const float* in, float* out, size_t count, Rng& rng) {
  const size_t h = shape_.dim(0), w = shape_.dim(1), c = shape_.dim(2), e = h * w * c;
  for (size_t i = 0; i < count; ++i) {
    float* cur = a_.data();
    float* next = b_.data();
    std::memcpy(cur, in + i * e, e * sizeof(float));
    for (const AugmentStep& s : steps_) {
      switch (s.kind) {
        case AugmentStep::Kind::kHorizontalFlip: {
          const bool flip = rng.Bernoulli(s.p);
          for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x)
              std::memcpy(next + (y * w + x) * c, cur + (y * w + (flip ? w - 1 - x : x)) * c, c * sizeof(float));
          break;
        }
        case AugmentStep::Kind::kTranslate: {
          const long m = long(s.amount);
          const long sx = long(rng.Below(uint32_t(2 * m + 1))) - m, sy = long(rng.Below(uint32_t(2 * m + 1))) - m;
          for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x) {
              const long ys = long(y) - sy, xs = long(x) - sx;
              const bool inside = ys >= 0 && xs >= 0 && ys < long(h) && xs < long(w);
              for (size_t k = 0; k < c; ++k)
                next[(y * w + x) * c + k] = inside ? cur[(size_t(ys) * w + size_t(xs)) * c + k] : s.fill;
            }
          break;
        }
        case AugmentStep::Kind::kAffine: {
          const float angle = rng.Uniform(-s.amount, s.amount) * kPi / 180.0f;
          const float scale = rng.Uniform(1.0f - s.amount2, 1.0f + s.amount2);
          const float cs = std::cos(angle) / scale, sn = std::sin(angle) / scale;
          const float cy = 0.5f * float(h - 1), cx = 0.5f * float(w - 1);
          for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x) {
              // Inverse map: where in the source does output pixel (y, x) come from.
              const float u = float(x) - cx, v = float(y) - cy;
              const float xs = cs * u + sn * v + cx, ys = -sn * u + cs * v + cy;
              for (size_t k = 0; k < c; ++k) next[(y * w + x) * c + k] = Sample(cur, h, w, c, ys, xs, k, s.fill);
            }
          break;
        }
        case AugmentStep::Kind::kBrightnessContrast: {
          const float contrast = rng.Uniform(1.0f - s.amount2, 1.0f + s.amount2);
          const float brightness = rng.Uniform(-s.amount, s.amount);
          double mean = 0;
          for (size_t j = 0; j < e; ++j) mean += cur[j];
          const float mu = float(mean / double(e));
          for (size_t j = 0; j < e; ++j) next[j] = (cur[j] - mu) * contrast + mu + brightness;
          break;
        }
        case AugmentStep::Kind::kGaussianNoise:
          for (size_t j = 0; j < e; ++j) next[j] = cur[j] + rng.Normal(0.0f, s.amount);
          break;
        case AugmentStep::Kind::kElastic: {
          const long radius = long(std::ceil(3.0f * s.amount2));
          float* weights = kernel_.data();
          float* blur = kernel_.data() + (2 * radius + 1);
          double total = 0;
          for (long t = -radius; t <= radius; ++t) {
            weights[t + radius] = std::exp(-0.5f * float(t * t) / (s.amount2 * s.amount2));
            total += weights[t + radius];
          }
          for (long t = 0; t <= 2 * radius; ++t) weights[t] = float(weights[t] / total);
          // Two random fields in [-1, 1], Gaussian-smoothed (separable, zero outside), scaled by alpha.
          for (float* field : {dx_.data(), dy_.data()}) {
            for (size_t j = 0; j < h * w; ++j) field[j] = rng.Uniform(-1.0f, 1.0f);
            for (size_t y = 0; y < h; ++y)
              for (size_t x = 0; x < w; ++x) {
                float acc = 0;
                for (long t = -radius; t <= radius; ++t) {
                  const long xx = long(x) + t;
                  if (xx >= 0 && xx < long(w)) acc += weights[t + radius] * field[y * w + size_t(xx)];
                }
                blur[y * w + x] = acc;
              }
            for (size_t y = 0; y < h; ++y)
              for (size_t x = 0; x < w; ++x) {
                float acc = 0;
                for (long t = -radius; t <= radius; ++t) {
                  const long yy = long(y) + t;
                  if (yy >= 0 && yy < long(h)) acc += weights[t + radius] * blur[size_t(yy) * w + x];
                }
                field[y * w + x] = s.amount * acc;
              }
          }
          for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x)
              for (size_t k = 0; k < c; ++k)
                next[(y * w + x) * c + k] = Sample(cur, h, w, c, float(y) + dy_[y * w + x],
                                                   float(x) + dx_[y * w + x], k, s.fill);
          break;
        }
        case AugmentStep::Kind::kColorJitter: {
          float factor[3];
          for (float& f : factor) f = rng.Uniform(1.0f - s.amount, 1.0f + s.amount);
          for (size_t j = 0; j < e; ++j) next[j] = cur[j] * factor[j % 3];
          break;
        }
        case AugmentStep::Kind::kFancyPca: {
          // AlexNet: add sum_i p_i * alpha_i * lambda_i to every RGB pixel.
          float delta[3] = {0, 0, 0};
          for (int i = 0; i < 3; ++i) {
            const float a = rng.Normal(0.0f, s.amount) * pca_values_[i];
            for (int k = 0; k < 3; ++k) delta[k] += pca_vectors_[i * 3 + k] * a;
          }
          for (size_t j = 0; j < e; ++j) next[j] = cur[j] + delta[j % 3];
          break;
        }
      }
      float* t = cur;
      cur = next;
      next = t;
    }
    std::memcpy(out + i * e, cur, e * sizeof(float));
  }
}

Status ComputeRgbPca(const float* images, size_t count, const Shape& item_shape, float eigenvectors[9],
                     float eigenvalues[3]) {
  if (images == nullptr || item_shape.rank() != 3 || item_shape.dim(2) != 3 || count == 0)
    return InvalidArgument("augment: PCA needs RGB images {H, W, 3}");
  const size_t pixels = count * item_shape.dim(0) * item_shape.dim(1);
  double mean[3] = {0, 0, 0}, cov[3][3] = {};
  for (size_t p = 0; p < pixels; ++p)
    for (int k = 0; k < 3; ++k) mean[k] += images[p * 3 + k];
  for (double& m : mean) m /= double(pixels);
  for (size_t p = 0; p < pixels; ++p)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) cov[a][b] += (images[p * 3 + a] - mean[a]) * (images[p * 3 + b] - mean[b]);
  double v[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (auto& row : cov)
    for (double& x : row) x /= double(pixels);
  // Cyclic Jacobi rotations zero the off-diagonal of the symmetric 3x3 matrix.
  for (int sweep = 0; sweep < 50; ++sweep) {
    const double off = cov[0][1] * cov[0][1] + cov[0][2] * cov[0][2] + cov[1][2] * cov[1][2];
    if (off < 1e-30) break;
    for (int p = 0; p < 2; ++p)
      for (int q = p + 1; q < 3; ++q) {
        if (std::fabs(cov[p][q]) < 1e-300) continue;
        const double theta = 0.5 * std::atan2(2 * cov[p][q], cov[q][q] - cov[p][p]);
        const double cs = std::cos(theta), sn = std::sin(theta);
        for (int k = 0; k < 3; ++k) {  // columns p, q of A * J
          const double akp = cov[k][p], akq = cov[k][q];
          cov[k][p] = cs * akp - sn * akq;
          cov[k][q] = sn * akp + cs * akq;
        }
        for (int k = 0; k < 3; ++k) {  // rows p, q of J^T * A
          const double apk = cov[p][k], aqk = cov[q][k];
          cov[p][k] = cs * apk - sn * aqk;
          cov[q][k] = sn * apk + cs * aqk;
        }
        for (int k = 0; k < 3; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = cs * vkp - sn * vkq;
          v[k][q] = sn * vkp + cs * vkq;
        }
      }
  }
  for (int i = 0; i < 3; ++i) {
    eigenvalues[i] = float(cov[i][i]);
    for (int k = 0; k < 3; ++k) eigenvectors[i * 3 + k] = float(v[k][i]);  // column i of V as row i
  }
  return Status::Ok();
}

}  // namespace mote
