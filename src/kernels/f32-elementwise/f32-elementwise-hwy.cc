// Highway build of the elementwise kernels (f32-elementwise-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-elementwise/f32-elementwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-elementwise/f32-elementwise-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32Add, (size_t n, const float* a, const float* b, float* y), (n, a, b, y))
MOTE_HWY_DISPATCH(void, F32Mul, (size_t n, const float* a, const float* b, float* y), (n, a, b, y))
MOTE_HWY_DISPATCH(void, F32Axpy, (size_t n, float alpha, const float* x, float* y), (n, alpha, x, y))
MOTE_HWY_DISPATCH(void, F32Scale, (size_t n, float alpha, const float* x, float* y), (n, alpha, x, y))
MOTE_HWY_DISPATCH(void, F32ClampBackward, (size_t n, const float* y, const float* dy, float lo, float hi, float* dx),
                  (n, y, dy, lo, hi, dx))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
