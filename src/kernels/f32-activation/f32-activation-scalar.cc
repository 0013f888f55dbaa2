// Logistic sigmoid and tanh, elementwise: mote's portable math (src/core/math.cc)
// is the reference every SIMD backend reproduces.
#include "mote/math.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32Sigmoid(size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = SigmoidF(x[i]);
}
void F32Tanh(size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = TanhF(x[i]);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
