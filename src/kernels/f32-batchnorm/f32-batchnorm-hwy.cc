// Highway build of the batchnorm kernels (f32-batchnorm-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-batchnorm/f32-batchnorm-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-batchnorm/f32-batchnorm-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32BatchNormCenter,
                  (size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum, float* sum_sq),
                  (rows, channels, x, mean, y, sum, sum_sq))
MOTE_HWY_DISPATCH(void, F32BatchNormGradSums,
                  (size_t rows, size_t channels, const float* x, const float* dy, const float* mean, const float* invstd,
             float* sum_dy, float* sum_dy_xhat),
                  (rows, channels, x, dy, mean, invstd, sum_dy, sum_dy_xhat))
MOTE_HWY_DISPATCH(void, F32BatchNormInputGrad,
                  (size_t rows, size_t channels, const float* x, const float* dy, const float* mean, const float* a,
             const float* b, const float* d, float* dx),
                  (rows, channels, x, dy, mean, a, b, d, dx))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
