// Highway build of the activation kernels (f32-activation-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-activation/f32-activation-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-activation/f32-activation-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32Sigmoid, (size_t n, const float* x, float* y), (n, x, y))
MOTE_HWY_DISPATCH(void, F32Tanh, (size_t n, const float* x, float* y), (n, x, y))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
