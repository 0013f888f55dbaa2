// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32Add(size_t n, const float* a, const float* b, float* y) { scalar_backend::F32Add(n, a, b, y); }
void F32Mul(size_t n, const float* a, const float* b, float* y) { scalar_backend::F32Mul(n, a, b, y); }
void F32Axpy(size_t n, float alpha, const float* x, float* y) { scalar_backend::F32Axpy(n, alpha, x, y); }
void F32Scale(size_t n, float alpha, const float* x, float* y) { scalar_backend::F32Scale(n, alpha, x, y); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
