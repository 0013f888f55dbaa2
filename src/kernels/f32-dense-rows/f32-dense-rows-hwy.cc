// Highway build of F32DenseRows (f32-dense-rows-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-dense-rows/f32-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/dense-rows-hwy-inl.h"
#include "src/kernels/f32-dense-rows/f32-dense-rows-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, F32DenseRows,
                  (size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw, const float* bias,
             float lo, float hi, float* c, size_t ldc),
                  (m, n, k, a, lda, w, ldw, bias, lo, hi, c, ldc))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
