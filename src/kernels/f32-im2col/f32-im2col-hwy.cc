// Highway build of the im2col / col2im kernels (f32-im2col-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-im2col/f32-im2col-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-im2col/f32-im2col-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32Im2Col,
                  (const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end, float* columns),
                  (g, input, row_begin, row_end, columns))
MOTE_HWY_DISPATCH(void, F32Col2Im, (const Conv2DGeometry& g, const float* columns, float* input_grad),
                  (g, columns, input_grad))
MOTE_HWY_DISPATCH(void, F32Col2ImAccumulate,
                  (const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                   float* input_grad),
                  (g, columns, row_begin, row_end, input_grad))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
