// F32DenseRows, written once for both SIMD backends (included by
// f32-dense-rows-{hwy,xsimd}.cc after their adapter and dense-rows ops, once
// per target): the shared register blocking (dense-rows-loop.h) with fused
// multiply-adds; bias and clamp per output as in scalar.
#include "src/kernels/dense-rows-loop.h"
#include "src/kernels/dense-rows.h"

MOTE_SIMD_BEGIN
void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  rows::DenseRows(m, n, k, a, lda, w, ldw, F32BiasClamp{bias, lo, hi}, c, ldc);
}
MOTE_SIMD_END
