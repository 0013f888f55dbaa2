// The GEMM kernels' tile choice and entry points, written once for both SIMD
// backends (included by f32-gemm-{hwy,xsimd}.cc once per target, after their
// microkernels): the backend supplies Tiles<MR>(max_vectors) and its row tiles
// kGemmMrWide, kGemmMrNarrow, kGemmMrSmall0 and kGemmMrSmall1; the blocking is
// f32-gemm-blocking.h.
#include <stddef.h>

#include "src/kernels/f32-gemm/f32-gemm-blocking.h"

MOTE_SIMD_BEGIN
namespace {

// Register tiles for this shape; the panel widths depend on n only, so
// PackB and PackedB agree for any m.
gemm::TileKernels ChooseTiles(size_t m, size_t n) {
  // One vector covers narrow outputs (e.g. 10 classes): taller tiles.
  if (n <= simd::Lanes()) return Tiles<kGemmMrNarrow>(1);
  switch (gemm::PickRowTile(m, kGemmMrWide, kGemmMrSmall0, kGemmMrSmall1)) {
    case 1: return Tiles<kGemmMrSmall0>(2);
    case 2: return Tiles<kGemmMrSmall1>(2);
    default: return Tiles<kGemmMrWide>(2);
  }
}

}  // namespace

void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b,
             size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace) {
  gemm::BlockedGemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace, ChooseTiles(m, n));
}

void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed) {
  gemm::PackWholeB(tb == Transpose::kYes, b, ldb, n, k, ChooseTiles(kGemmMrWide, n), packed);
}

void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* packed_b,
                    float* c, size_t ldc, bool accumulate, float* workspace) {
  gemm::BlockedGemm(ta, Transpose::kNo, m, n, k, a, lda, nullptr, 0, c, ldc, accumulate, workspace,
                    ChooseTiles(m, n), packed_b);
}

MOTE_SIMD_END
