// xsimd GEMM: the shared blocking (f32-gemm-blocking.h) around a
// register-blocked microkernel, compiled once per instruction set. Same tile
// scheme as the Highway version: MR rows x NV vectors of C in registers.
#include <type_traits>

#include "src/kernels/f32-gemm/f32-gemm-blocking.h"
#include "src/kernels/simd-adapter-xsimd.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// 32 vector registers on AVX-512 and NEON, 16 on AVX2 / SSE2.
constexpr bool kManyRegisters =
#if defined(__aarch64__)
    true;
#else
    std::is_same<Arch, xsimd::avx512bw>::value;
#endif
constexpr size_t kGemmMrWide = kManyRegisters ? 12 : 6;
constexpr size_t kGemmMrNarrow = kManyRegisters ? 16 : 12;
constexpr size_t kGemmMrSmall0 = kManyRegisters ? 10 : 5;
constexpr size_t kGemmMrSmall1 = kManyRegisters ? 8 : 4;

// xsimd 8.1 has no AVX-512 kernel for fma() (it falls back to x * y + z,
// which -ffp-contract=off keeps unfused): call the instruction directly.
inline Batch Fma(const Batch& x, const Batch& y, const Batch& z) {
#if defined(__AVX512F__)
  if constexpr (std::is_same<Arch, xsimd::avx512bw>::value) return Batch(_mm512_fmadd_ps(x, y, z));
#endif
  return xsimd::fma(x, y, z);
}

// kDirect: A is row-major with leading dimension lda; else a packed panel.
template <size_t MR, size_t NV, bool kDirect>
void GemmMicroKernel(size_t kc, const float* ap, size_t lda, const float* bp, size_t b_stride, float* c, size_t ldc,
                     size_t rows, size_t cols, bool load_c) {
  static_assert(NV <= 2, "tiles of one or two vectors");
  Batch acc[MR][NV];
#pragma GCC unroll 16
  for (size_t r = 0; r < MR; ++r)
#pragma GCC unroll 2
    for (size_t v = 0; v < NV; ++v) acc[r][v] = Batch(0.0f);
  for (size_t p = 0; p < kc; ++p) {
    Batch b[NV];
#pragma GCC unroll 2
    for (size_t v = 0; v < NV; ++v) b[v] = Batch::load_unaligned(bp + v * kLanes);
#pragma GCC unroll 16
    for (size_t r = 0; r < MR; ++r) {
      const Batch a(kDirect ? ap[r * lda] : ap[r]);
#pragma GCC unroll 2
      for (size_t v = 0; v < NV; ++v) acc[r][v] = Fma(a, b[v], acc[r][v]);
    }
    ap += kDirect ? 1 : MR;
    bp += b_stride;
  }
  if (rows == MR && cols == NV * kLanes) {
#pragma GCC unroll 16
    for (size_t r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (size_t v = 0; v < NV; ++v) {
        float* cv = c + r * ldc + v * kLanes;
        Batch out = acc[r][v];
        if (load_c) out += Batch::load_unaligned(cv);
        out.store_unaligned(cv);
      }
    return;
  }
  // Edge tile: spill to the stack and copy the part inside C.
  alignas(64) float tile[MR * NV * kLanes];
#pragma GCC unroll 16
  for (size_t r = 0; r < MR; ++r)
#pragma GCC unroll 2
    for (size_t v = 0; v < NV; ++v) acc[r][v].store_aligned(tile + (r * NV + v) * kLanes);
  for (size_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    const float* tr = tile + r * NV * kLanes;
    if (load_c) {
      for (size_t j = 0; j < cols; ++j) cr[j] += tr[j];
    } else {
      for (size_t j = 0; j < cols; ++j) cr[j] = tr[j];
    }
  }
}

// Tiles of MR rows, one to NV vectors wide (the narrower ones for the last panel).
template <size_t MR, size_t NV>
gemm::TileKernels Tiles() {
  gemm::TileKernels tiles;
  tiles.mr = MR;
  tiles.count = NV;
  tiles.width[0] = kLanes;
  tiles.packed[0] = &GemmMicroKernel<MR, 1, false>;
  tiles.direct[0] = &GemmMicroKernel<MR, 1, true>;
  if constexpr (NV == 2) {
    tiles.width[1] = 2 * kLanes;
    tiles.packed[1] = &GemmMicroKernel<MR, 2, false>;
    tiles.direct[1] = &GemmMicroKernel<MR, 2, true>;
  }
  return tiles;
}

// The register-tile families (f32-gemm-loop.h): the Highway backend's
// default shape, reading row-major A in place or packing it for wide column
// blocks.
#define MOTE_GEMM_TILE_FAMILIES(X)                                                                   \
  X(kManyRegisters ? "12x2" : "6x2", kGemmMrWide, kGemmMrSmall0, kGemmMrSmall1, 2, false)           \
  X(kManyRegisters ? "12x2-packa" : "6x2-packa", kGemmMrWide, kGemmMrSmall0, kGemmMrSmall1, 2, true)

}  // namespace

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote

#include "src/kernels/f32-gemm/f32-gemm-loop.h"
