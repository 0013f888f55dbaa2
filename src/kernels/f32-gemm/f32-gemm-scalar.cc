// Scalar reference GEMM (also the Cortex-M path). Loop order keeps the
// innermost loop on contiguous memory for each transpose case.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda,
             const float* b, size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace) {
  (void)workspace;
  const bool a_t = ta == Transpose::kYes;
  const bool b_t = tb == Transpose::kYes;
  for (size_t i = 0; i < m; ++i) {
    float* c_row = c + i * ldc;
    if (!accumulate)
      for (size_t j = 0; j < n; ++j) c_row[j] = 0.0f;
    if (!b_t) {
      // C[i, :] += A(i, p) * B[p, :]
      for (size_t p = 0; p < k; ++p) {
        const float a_ip = a_t ? a[p * lda + i] : a[i * lda + p];
        const float* b_row = b + p * ldb;
        for (size_t j = 0; j < n; ++j) c_row[j] += a_ip * b_row[j];
      }
    } else {
      // C[i, j] += dot(A(i, :), B[j, :])
      for (size_t j = 0; j < n; ++j) {
        const float* b_row = b + j * ldb;
        float sum = 0.0f;
        if (a_t) {
          for (size_t p = 0; p < k; ++p) sum += a[p * lda + i] * b_row[p];
        } else {
          const float* a_row = a + i * lda;
          for (size_t p = 0; p < k; ++p) sum += a_row[p] * b_row[p];
        }
        c_row[j] += sum;
      }
    }
  }
}

// The scalar path has no panels: "packed" B is op(B) as a row-major k x n matrix.
void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed) {
  for (size_t p = 0; p < k; ++p)
    for (size_t j = 0; j < n; ++j) packed[p * n + j] = tb == Transpose::kYes ? b[j * ldb + p] : b[p * ldb + j];
}

void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* packed_b,
                    float* c, size_t ldc, bool accumulate, float* workspace) {
  scalar_backend::F32Gemm(ta, Transpose::kNo, m, n, k, a, lda, packed_b, n, c, ldc, accumulate, workspace);
}

size_t F32GemmRowTile(size_t m, size_t n) {
  (void)m;
  (void)n;
  return 1;
}

size_t F32GemmTiles(const char** names, size_t capacity) {
  if (capacity > 0) names[0] = "scalar";  // one loop nest, no register tile
  return 1;
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
