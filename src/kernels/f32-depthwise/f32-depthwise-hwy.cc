// Highway build of the depthwise kernels (f32-depthwise-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-depthwise/f32-depthwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-depthwise/f32-depthwise-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32DepthwiseConv2D,
                  (const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo, float hi,
                   float* y),
                  (g, x, w, bias, lo, hi, y))
MOTE_HWY_DISPATCH(void, F32DepthwiseConv2DBackwardInput,
                  (const Conv2DGeometry& g, const float* dy, const float* w, float* dx), (g, dy, w, dx))
MOTE_HWY_DISPATCH(void, F32DepthwiseConv2DBackwardWeights,
                  (const Conv2DGeometry& g, const float* x, const float* dy, float* dw), (g, x, dy, dw))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
