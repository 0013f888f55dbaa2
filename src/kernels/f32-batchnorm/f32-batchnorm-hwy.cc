// Highway batch-norm training kernels on the shared per-channel row loops
// (channel-rows-hwy-inl.h): the sums keep one lane per channel and add rows in
// row order, and every lane does the scalar reference's operations in its
// order (Mul and Add separate, no MulAdd), so results match it bit for bit.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-batchnorm/f32-batchnorm-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "src/kernels/channel-rows-hwy-inl.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// y = x - mean; s += y; t += y * y.
struct CenterOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 1;
  static constexpr bool kOutput = true, kSecond = true;
  template <class D, class V>
  HWY_INLINE V First(D /*d*/, V x, V /*b*/, V mean, V /*q*/) const {
    return hn::Sub(x, mean);
  }
  template <class D, class V>
  HWY_INLINE V Second(D /*d*/, V x, V /*b*/, V mean, V /*q*/) const {
    const V v = hn::Sub(x, mean);
    return hn::Mul(v, v);
  }
};

// s += dy; t += dy * ((x - mean) * invstd).
struct GradSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 3;
  static constexpr bool kOutput = false, kSecond = true;
  template <class D, class V>
  HWY_INLINE V First(D /*d*/, V /*x*/, V dy, V /*mean*/, V /*invstd*/) const {
    return dy;
  }
  template <class D, class V>
  HWY_INLINE V Second(D /*d*/, V x, V dy, V mean, V invstd) const {
    return hn::Mul(dy, hn::Mul(hn::Sub(x, mean), invstd));
  }
};

// dx = a * dy + b * (x - mean) + d.
struct InputGradOp : channel_rows::OpBase {
  static constexpr int kInputs = 2;
  static constexpr unsigned kParams = 15;
  static constexpr bool kOutput = true;
  template <class D, class V>
  HWY_INLINE V Apply(D /*d*/, V x, V dy, V mean, V a, V b, V d) const {
    return hn::Add(hn::Add(hn::Mul(a, dy), hn::Mul(b, hn::Sub(x, mean))), d);
  }
};

void BatchNormCenterImpl(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                         float* sum_sq) {
  channel_rows::ReduceChannelRows(CenterOp{{x, nullptr, {mean}, y}}, rows, channels, sum, sum_sq);
}

void BatchNormGradSumsImpl(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* invstd, float* sum_dy, float* sum_dy_xhat) {
  channel_rows::ReduceChannelRows(GradSumsOp{{x, dy, {mean, invstd}, nullptr}}, rows, channels, sum_dy, sum_dy_xhat);
}

void BatchNormInputGradImpl(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                            const float* a, const float* b, const float* d, float* dx) {
  channel_rows::MapChannelRows(InputGradOp{{x, dy, {mean, a, b, d}, dx}}, rows, channels);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(BatchNormCenterImpl);
HWY_EXPORT(BatchNormGradSumsImpl);
HWY_EXPORT(BatchNormInputGradImpl);

namespace hwy_backend {
void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                        float* sum_sq) {
  HWY_DYNAMIC_DISPATCH(BatchNormCenterImpl)(rows, channels, x, mean, y, sum, sum_sq);
}
void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                          const float* invstd, float* sum_dy, float* sum_dy_xhat) {
  HWY_DYNAMIC_DISPATCH(BatchNormGradSumsImpl)(rows, channels, x, dy, mean, invstd, sum_dy, sum_dy_xhat);
}
void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* a, const float* b, const float* d, float* dx) {
  HWY_DYNAMIC_DISPATCH(BatchNormInputGradImpl)(rows, channels, x, dy, mean, a, b, d, dx);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
