// xsimd I8DenseRows: the shared register blocking (dense-rows-xsimd.h) with
// exact int32 sums, then the scalar requantization per output: bit-identical
// to the scalar kernel.
#include "src/kernels/dense-rows-xsimd.h"
#include "src/kernels/dense-rows.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
  DenseRowsBlocked(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
