// I8DenseRows: the portable reference (exact int32 sums, the shared scalar
// loop of dense-rows.h), and the scalar backend's kernel, the variant chosen
// for the target (src/kernels/i8-variant.h); I8DenseBlocks: its reference
// (dense-rows.h).
#include "src/kernels/dense-rows.h"
#include "src/kernels/i8-variant.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {

void i8_reference::I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w,
                               size_t ldw, const I8Requant& requant, int8_t* c, size_t ldc) {
  DenseRowsScalar<int32_t>(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
}

void scalar_backend::I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w,
                                 size_t ldw, const I8Requant& requant, int8_t* c, size_t ldc) {
  MOTE_I8_VARIANT::I8DenseRows(m, n, k, a, lda, w, ldw, requant, c, ldc);
}

void scalar_backend::I8DenseBlocks(size_t n, size_t k, const int8_t* a, const int8_t* w, const I8Requant& requant,
                                   int8_t* c) {
  I8DenseBlocksReference(n, k, a, w, requant, c);
}

}  // namespace kernels
}  // namespace mote
