// xsimd elementwise kernels: full batches with unaligned loads/stores, then a
// scalar tail. Each output element depends only on the same index of the
// inputs, so in-place calls (y == a, b or x) are safe. Mul and add stay
// separate (no fma) to round exactly like the scalar reference.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32Add(size_t n, const float* a, const float* b, float* y) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    (Batch::load_unaligned(a + i) + Batch::load_unaligned(b + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = a[i] + b[i];
}

void F32Mul(size_t n, const float* a, const float* b, float* y) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    (Batch::load_unaligned(a + i) * Batch::load_unaligned(b + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = a[i] * b[i];
}

void F32Axpy(size_t n, float alpha, const float* x, float* y) {
  const Batch va(alpha);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    (Batch::load_unaligned(y + i) + va * Batch::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += alpha * x[i];
}

void F32Scale(size_t n, float alpha, const float* x, float* y) {
  const Batch va(alpha);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) (va * Batch::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = alpha * x[i];
}

void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  const Batch vlo(lo), vhi(hi), zero(0.0f);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const Batch v = Batch::load_unaligned(y + i);
    xsimd::select((v > vlo) && (v < vhi), Batch::load_unaligned(dy + i), zero).store_unaligned(dx + i);
  }
  for (; i < n; ++i) dx[i] = (y[i] > lo && y[i] < hi) ? dy[i] : 0.0f;
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
