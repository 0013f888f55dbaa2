// Highway F32DenseRows: the shared register blocking (dense-rows-hwy-inl.h)
// with MulAdd; bias and clamp per output as in scalar.
#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-dense-rows/f32-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "src/kernels/dense-rows-hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {

void F32DenseRowsImpl(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw, const float* bias, float lo, float hi, float* c, size_t ldc) {
  rows::DenseRows(m, n, k, a, lda, w, ldw, F32BiasClamp{bias, lo, hi}, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(F32DenseRowsImpl);
namespace hwy_backend {
void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw, const float* bias, float lo, float hi, float* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(F32DenseRowsImpl)(m, n, k, a, lda, w, ldw, bias, lo, hi, c, ldc);
}
}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
