// I8DenseRows, written once for both SIMD backends (included by
// i8-dense-rows-{hwy,xsimd}.cc after their adapter and dense-rows ops, once
// per target): the shared register blocking (dense-rows-loop.h) with exact
// int32 sums, then the scalar requantization per output: bit-identical to the
// scalar kernel. Targets with int8 dot-product instructions define
// MOTE_I8_DENSE_ROWS_VNNI and their own blocking (i8-dense-rows-vnni-hwy-inl.h);
// I8DenseBlocks runs there, elsewhere its reference loop (dense-rows.h).
#include "src/kernels/dense-rows-loop.h"
#include "src/kernels/dense-rows.h"

MOTE_SIMD_BEGIN
void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
#ifdef MOTE_I8_DENSE_ROWS_VNNI
  rows::VnniDenseRows(m, n, k, a, lda, w, ldw, requant, c, ldc);
#else
  rows::DenseRows(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
#endif
}
void I8DenseBlocks(size_t n, size_t k, const int8_t* a, const int8_t* w, const I8Requant& requant, int8_t* c) {
#ifdef MOTE_I8_DENSE_ROWS_VNNI
  rows::VnniDenseBlocks(n, k, a, w, requant, c);
#else
  I8DenseBlocksReference(n, k, a, w, requant, c);  // compiled for the target
#endif
}
MOTE_SIMD_END
