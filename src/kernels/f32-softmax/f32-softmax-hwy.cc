// Highway build of the softmax kernels (f32-softmax-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-softmax/f32-softmax-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-softmax/f32-softmax-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32Softmax, (size_t rows, size_t cols, const float* x, float* y), (rows, cols, x, y))
MOTE_HWY_DISPATCH(void, F32LogSoftmax, (size_t rows, size_t cols, const float* x, float* y), (rows, cols, x, y))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
