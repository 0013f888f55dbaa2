// xsimd batch-norm training kernels on the shared per-channel row loops
// (channel-rows-xsimd.h): the sums keep one lane per channel and add rows in
// row order, and every lane does the scalar reference's operations in its
// order (mul and add separate, no fma), so results match it bit for bit.
#include "src/kernels/channel-rows-xsimd.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// y = x - mean; s += y; t += y * y.
struct CenterOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 1;
  static constexpr bool kOutput = true, kSecond = true;
  Batch First(Batch x, Batch /*b*/, Batch mean, Batch /*q*/) const { return x - mean; }
  Batch Second(Batch x, Batch /*b*/, Batch mean, Batch /*q*/) const {
    const Batch v = x - mean;
    return v * v;
  }
};

// s += dy; t += dy * ((x - mean) * invstd).
struct GradSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 3;
  static constexpr bool kOutput = false, kSecond = true;
  Batch First(Batch /*x*/, Batch dy, Batch /*mean*/, Batch /*invstd*/) const { return dy; }
  Batch Second(Batch x, Batch dy, Batch mean, Batch invstd) const { return dy * ((x - mean) * invstd); }
};

// dx = a * dy + b * (x - mean) + d.
struct InputGradOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 15;
  static constexpr bool kOutput = true;
  Batch Apply(Batch x, Batch dy, Batch mean, Batch a, Batch b, Batch d) const {
    return a * dy + b * (x - mean) + d;
  }
};

}  // namespace

void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                        float* sum_sq) {
  channel_rows::ReduceChannelRows(CenterOp{{x, nullptr, {mean}, y}}, rows, channels, sum, sum_sq);
}

void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                          const float* invstd, float* sum_dy, float* sum_dy_xhat) {
  channel_rows::ReduceChannelRows(GradSumsOp{{x, dy, {mean, invstd}, nullptr}}, rows, channels, sum_dy, sum_dy_xhat);
}

void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* a, const float* b, const float* d, float* dx) {
  channel_rows::MapChannelRows(InputGradOp{{x, dy, {mean, a, b, d}, dx}}, rows, channels);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
