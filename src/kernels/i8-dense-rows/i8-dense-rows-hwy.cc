// Highway I8DenseRows: the shared register blocking (dense-rows-hwy-inl.h)
// with int16 widening multiply-adds into exact int32 sums, then the scalar
// requantization per output: bit-identical to the scalar kernel.
#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-dense-rows/i8-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "src/kernels/dense-rows-hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {

void I8DenseRowsImpl(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw, const I8Requant& requant, int8_t* c, size_t ldc) {
  rows::DenseRows(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(I8DenseRowsImpl);
namespace hwy_backend {
void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw, const I8Requant& requant, int8_t* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(I8DenseRowsImpl)(m, n, k, a, lda, w, ldw, requant, c, ldc);
}
}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
