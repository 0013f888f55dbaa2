// I8DenseRows with MVE integer vectors (Helium: Cortex-M55, M85;
// src/kernels/i8-variant.h selects it): the loop of dense-rows-mve.h,
// where one VMLADAVA multiplies 16 int8 pairs and adds them to an int32 sum.
// Integer sums are exact in any order, and the shared requantization
// (I8BiasRequantize) finishes each, so results are bit-identical to the
// scalar reference.
#include "src/kernels/i8-variant.h"

#if defined(__ARM_FEATURE_MVE)
#include "src/kernels/dense-rows-mve.h"
#include "src/kernels/dense-rows.h"

namespace mote {
namespace kernels {

void i8_mve::I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                         const I8Requant& requant, int8_t* c, size_t ldc) {
  mve::DenseRows(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
}

}  // namespace kernels
}  // namespace mote
#endif  // __ARM_FEATURE_MVE
