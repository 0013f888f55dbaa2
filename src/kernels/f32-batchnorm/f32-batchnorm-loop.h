// Batch-norm training kernels, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-batchnorm-{hwy,xsimd}.cc after
// their adapter, once per target), on the shared per-channel row loops
// (channel-rows-loop.h): the sums keep one lane per channel and add rows in
// row order, and every lane does the scalar reference's operations in its
// order (Mul and Add separate, no fused multiply-add), so results match it bit
// for bit.
#include "src/kernels/channel-rows-loop.h"

MOTE_SIMD_BEGIN
namespace {
using V = simd::V;

// y = x - mean; s += y; t += y * y.
struct CenterOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 1;
  static constexpr bool kOutput = true, kSecond = true;
  MOTE_SIMD_INLINE V First(V x, V /*b*/, V mean, V /*q*/) const { return simd::Sub(x, mean); }
  MOTE_SIMD_INLINE V Second(V x, V /*b*/, V mean, V /*q*/) const {
    const V v = simd::Sub(x, mean);
    return simd::Mul(v, v);
  }
};

// s += dy; t += dy * ((x - mean) * invstd).
struct GradSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 3;
  static constexpr bool kOutput = false, kSecond = true;
  MOTE_SIMD_INLINE V First(V /*x*/, V dy, V /*mean*/, V /*invstd*/) const { return dy; }
  MOTE_SIMD_INLINE V Second(V x, V dy, V mean, V invstd) const {
    return simd::Mul(dy, simd::Mul(simd::Sub(x, mean), invstd));
  }
};

// dx = a * dy + b * (x - mean) + d.
struct InputGradOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 15;
  static constexpr bool kOutput = true;
  MOTE_SIMD_INLINE V Apply(V x, V dy, V mean, V a, V b, V d) const {
    return simd::Add(simd::Add(simd::Mul(a, dy), simd::Mul(b, simd::Sub(x, mean))), d);
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

MOTE_SIMD_END
