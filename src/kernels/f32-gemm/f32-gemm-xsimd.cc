// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b, size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace) { scalar_backend::F32Gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
