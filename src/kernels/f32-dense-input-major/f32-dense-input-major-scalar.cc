#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

// y as the running sums, one weight row per nonzero input, in p order.
void F32DenseInputMajor(size_t n, size_t k, const float* x, const float* w, size_t ldw, const float* bias, float lo,
                        float hi, float* y) {
  for (size_t j = 0; j < n; ++j) y[j] = 0.0f;
  for (size_t p = 0; p < k; ++p) {
    const float xp = x[p];
    if (xp == 0.0f) continue;
    const float* row = w + p * ldw;
    for (size_t j = 0; j < n; ++j) y[j] += xp * row[j];
  }
  const F32BiasClamp finish{bias, lo, hi};
  for (size_t j = 0; j < n; ++j) y[j] = finish(j, y[j]);
}

size_t F32DenseInputMajorLanes() { return 1; }

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
