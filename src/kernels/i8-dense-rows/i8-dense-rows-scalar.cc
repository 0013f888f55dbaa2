#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
  DenseRowsScalar<int32_t>(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
