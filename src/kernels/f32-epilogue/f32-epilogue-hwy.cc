// Highway build of the epilogue kernels (f32-epilogue-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-epilogue/f32-epilogue-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-epilogue/f32-epilogue-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32ChannelAffineClamp,
                  (size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float lo,
             float hi, float* y),
                  (rows, channels, x, scale, shift, lo, hi, y))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
