// Highway build of the reduce kernels (f32-reduce-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-reduce/f32-reduce-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-reduce/f32-reduce-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32ChannelSums,
                  (size_t rows, size_t channels, const float* x, float* sum, float* sum_sq),
                  (rows, channels, x, sum, sum_sq))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
