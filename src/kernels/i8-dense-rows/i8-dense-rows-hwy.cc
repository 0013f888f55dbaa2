// Highway build of I8DenseRows (i8-dense-rows-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-dense-rows/i8-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/dense-rows-hwy-inl.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-loop.h"

#if HWY_ONCE
namespace mote {
namespace kernels {
MOTE_HWY_DISPATCH(void, I8DenseRows,
                  (size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                   const I8Requant& requant, int8_t* c, size_t ldc),
                  (m, n, k, a, lda, w, ldw, requant, c, ldc))
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
