#include "src/kernels/dense-rows-scalar.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& rq, int8_t* c, size_t ldc) {
  DenseRowsScalar<int32_t>(
      m, n, k, a, lda, w, ldw,
      [&rq](size_t j, int32_t dot) {
        return int8_t(I8RequantizeOne(rq.bias[j] + dot, rq.multiplier[j], rq.shift[j], rq.out_zero_point,
                                      rq.out_min, rq.out_max));
      },
      c, ldc);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
