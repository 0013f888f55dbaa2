#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32Add(size_t n, const float* a, const float* b, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}
void F32Mul(size_t n, const float* a, const float* b, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = a[i] * b[i];
}
void F32Axpy(size_t n, float alpha, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}
void F32Scale(size_t n, float alpha, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = alpha * x[i];
}
void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  for (size_t i = 0; i < n; ++i) dx[i] = (y[i] > lo && y[i] < hi) ? dy[i] : 0.0f;
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
