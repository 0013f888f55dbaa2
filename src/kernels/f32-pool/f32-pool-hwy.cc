// Highway build of the pooling kernels (f32-pool-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-pool/f32-pool-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-pool/f32-pool-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32MaxPool, (const Pool2DGeometry& g, const float* x, float* y), (g, x, y))
MOTE_HWY_DISPATCH(void, F32MaxPoolBackward, (const Pool2DGeometry& g, const float* x, const float* dy, float* dx),
                  (g, x, dy, dx))
MOTE_HWY_DISPATCH(void, F32AvgPool, (const Pool2DGeometry& g, const float* x, float* y), (g, x, y))
MOTE_HWY_DISPATCH(void, F32AvgPoolBackward, (const Pool2DGeometry& g, const float* dy, float* dx), (g, dy, dx))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
