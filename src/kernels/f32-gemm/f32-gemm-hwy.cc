// Highway GEMM: the shared blocking (f32-gemm-blocking.h) around a
// register-blocked microkernel, compiled for every Highway target.
// The microkernel keeps an MR x (NV vectors) tile of C in registers; per depth
// step it loads NV vectors of packed B and broadcasts MR packed A values.
// Accumulators are named variables, not arrays: SVE vectors are sizeless.
#include "src/kernels/f32-gemm/f32-gemm-blocking.h"
#include "src/kernels/kernel-table.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-gemm/f32-gemm-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Rows per tile: 32-register ISAs hold 12 x 2 (or 16 x 1) accumulators,
// 16-register ISAs 6 x 2 (or 12 x 1), leaving room for B and the broadcast.
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_NEON || \
    HWY_TARGET == HWY_SVE || HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 ||  \
    HWY_TARGET == HWY_SVE2_128
constexpr size_t kGemmMrWide = 12, kGemmMrNarrow = 16;
constexpr size_t kGemmMrSmall0 = 10, kGemmMrSmall1 = 8;  // alternatives for small m
#elif HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
constexpr size_t kGemmMrWide = 6, kGemmMrNarrow = 12;
constexpr size_t kGemmMrSmall0 = 5, kGemmMrSmall1 = 4;
#else
constexpr size_t kGemmMrWide = 4, kGemmMrNarrow = 8;
constexpr size_t kGemmMrSmall0 = 3, kGemmMrSmall1 = 2;
#endif

#define MOTE_GEMM_ROWS(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

// Edge stores with native masks where the ISA has them (no access past C).
#undef MOTE_GEMM_NATIVE_MASKS
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX2 || \
    HWY_TARGET == HWY_SVE || HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 ||  \
    HWY_TARGET == HWY_SVE2_128
#define MOTE_GEMM_NATIVE_MASKS 1
#else
#define MOTE_GEMM_NATIVE_MASKS 0
#endif

// Half-width vectors for the last panel: on x86 (AVX2/AVX-512) a 256/128-bit
// FMA fills the same pipes per lane, so a 40-column output computes as
// 32 + 8 lanes instead of 32 + 16. Elsewhere DHalf is just the full tag and
// no half-width kernel is instantiated.
#undef MOTE_GEMM_HALF_VECTORS
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX2
#define MOTE_GEMM_HALF_VECTORS 1
using DHalf = hn::Half<hn::ScalableTag<float>>;
#else
#define MOTE_GEMM_HALF_VECTORS 0
using DHalf = hn::ScalableTag<float>;
#endif

// Tile of MR rows x (NV full vectors + one half vector if kHalf) columns.
// kDirect: A is row-major with leading dimension lda; else a packed panel.
template <size_t MR, size_t NV, bool kHalf, bool kDirect>
HWY_NOINLINE void GemmMicroKernel(size_t kc, const float* HWY_RESTRICT ap, size_t lda,
                                  const float* HWY_RESTRICT bp, size_t b_stride, float* HWY_RESTRICT c, size_t ldc,
                                  size_t rows, size_t cols, bool load_c) {
  static_assert(MR <= gemm::kMrMax && NV <= 2 && (NV > 0 || kHalf), "unsupported tile");
  const hn::ScalableTag<float> d;
  const DHalf dh;
  const size_t N = hn::Lanes(d);
  const size_t width = NV * N + (kHalf ? hn::Lanes(dh) : 0);
#define MOTE_DECLARE_ACC(r)        \
  auto acc##r##_0 = hn::Zero(d);   \
  auto acc##r##_1 = hn::Zero(d);   \
  auto acc##r##_h = hn::Zero(dh);
  MOTE_GEMM_ROWS(MOTE_DECLARE_ACC)
#undef MOTE_DECLARE_ACC
  for (size_t p = 0; p < kc; ++p) {
    // Panels of 1.5 vectors leave rows unaligned: LoadU costs the same when aligned.
    // Only the vectors of the tile are loaded: B read in place ends at its last column.
    const auto b0 = NV >= 1 ? hn::LoadU(d, bp) : hn::Zero(d);
    const auto b1 = NV == 2 ? hn::LoadU(d, bp + N) : b0;
    const auto bh = kHalf ? hn::LoadU(dh, bp + NV * N) : hn::Zero(dh);
#define MOTE_FMA_ROW(r)                                                                    \
  if constexpr (r < MR) {                                                                  \
    const auto a = hn::Set(d, kDirect ? ap[r * lda] : ap[r]);                              \
    if constexpr (NV >= 1) acc##r##_0 = hn::MulAdd(a, b0, acc##r##_0);                     \
    if constexpr (NV == 2) acc##r##_1 = hn::MulAdd(a, b1, acc##r##_1);                     \
    if constexpr (kHalf) acc##r##_h = hn::MulAdd(hn::Set(dh, kDirect ? ap[r * lda] : ap[r]), bh, acc##r##_h); \
  }
    MOTE_GEMM_ROWS(MOTE_FMA_ROW)
#undef MOTE_FMA_ROW
    ap += kDirect ? 1 : MR;
    bp += b_stride;
  }
  if (rows == MR && cols == width) {
#define MOTE_STORE_ROW(r)                                                           \
  if constexpr (r < MR) {                                                           \
    float* cr = c + r * ldc;                                                        \
    if constexpr (NV >= 1) {                                                        \
      if (load_c) acc##r##_0 = hn::Add(acc##r##_0, hn::LoadU(d, cr));               \
      hn::StoreU(acc##r##_0, d, cr);                                                \
    }                                                                               \
    if constexpr (NV == 2) {                                                        \
      if (load_c) acc##r##_1 = hn::Add(acc##r##_1, hn::LoadU(d, cr + N));           \
      hn::StoreU(acc##r##_1, d, cr + N);                                            \
    }                                                                               \
    if constexpr (kHalf) {                                                          \
      if (load_c) acc##r##_h = hn::Add(acc##r##_h, hn::LoadU(dh, cr + NV * N));     \
      hn::StoreU(acc##r##_h, dh, cr + NV * N);                                      \
    }                                                                               \
  }
    MOTE_GEMM_ROWS(MOTE_STORE_ROW)
#undef MOTE_STORE_ROW
    return;
  }
#if MOTE_GEMM_NATIVE_MASKS
  // Edge tile: masked columns, rows cut by a branch per row.
  const auto mask0 = hn::FirstN(d, cols);
  const auto mask1 = hn::FirstN(d, cols > N ? cols - N : 0);
  const auto mask_h = hn::FirstN(dh, cols > NV * N ? cols - NV * N : 0);
#define MOTE_STORE_EDGE_ROW(r)                                                                    \
  if constexpr (r < MR) {                                                                         \
    if (r < rows) {                                                                               \
      float* cr = c + r * ldc;                                                                    \
      if constexpr (NV >= 1) {                                                                    \
        if (load_c) acc##r##_0 = hn::Add(acc##r##_0, hn::MaskedLoad(mask0, d, cr));               \
        hn::BlendedStore(acc##r##_0, mask0, d, cr);                                               \
      }                                                                                           \
      if constexpr (NV == 2) {                                                                    \
        if (load_c) acc##r##_1 = hn::Add(acc##r##_1, hn::MaskedLoad(mask1, d, cr + N));           \
        hn::BlendedStore(acc##r##_1, mask1, d, cr + N);                                           \
      }                                                                                           \
      if constexpr (kHalf) {                                                                      \
        if (load_c) acc##r##_h = hn::Add(acc##r##_h, hn::MaskedLoad(mask_h, dh, cr + NV * N));    \
        hn::BlendedStore(acc##r##_h, mask_h, dh, cr + NV * N);                                    \
      }                                                                                           \
    }                                                                                             \
  }
  MOTE_GEMM_ROWS(MOTE_STORE_EDGE_ROW)
#undef MOTE_STORE_EDGE_ROW
#else
  // Edge tile: spill to the stack and copy the part inside C, so no vector
  // access crosses the end of C (masked stores are emulated on SSE4/NEON).
  HWY_ALIGN float tile[MR * 3 * (HWY_MAX_BYTES / sizeof(float))];
#define MOTE_SPILL_ROW(r)                                                          \
  if constexpr (r < MR) {                                                          \
    if constexpr (NV >= 1) hn::StoreU(acc##r##_0, d, tile + r * width);            \
    if constexpr (NV == 2) hn::StoreU(acc##r##_1, d, tile + r * width + N);        \
    if constexpr (kHalf) hn::StoreU(acc##r##_h, dh, tile + r * width + NV * N);    \
  }
  MOTE_GEMM_ROWS(MOTE_SPILL_ROW)
#undef MOTE_SPILL_ROW
  for (size_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    const float* tr = tile + r * width;
    if (load_c) {
      for (size_t j = 0; j < cols; ++j) cr[j] += tr[j];
    } else {
      for (size_t j = 0; j < cols; ++j) cr[j] = tr[j];
    }
  }
#endif
}
#undef MOTE_GEMM_ROWS

// Adds the tile of NV full vectors (+ a half one) and MR rows to `tiles`.
template <size_t MR, size_t NV, bool kHalf>
void AddWidth(gemm::TileKernels* tiles) {
  const size_t N = hn::Lanes(hn::ScalableTag<float>());
  tiles->width[tiles->count] = NV * N + (kHalf ? hn::Lanes(DHalf()) : 0);
  tiles->packed[tiles->count] = &GemmMicroKernel<MR, NV, kHalf, false>;
  tiles->direct[tiles->count] = &GemmMicroKernel<MR, NV, kHalf, true>;
  ++tiles->count;
}

// Tiles of MR rows up to `max_vectors` full vectors wide (1 or 2), with
// narrower ones for the last panel.
template <size_t MR>
gemm::TileKernels Tiles(size_t max_vectors) {
  gemm::TileKernels tiles;
  tiles.mr = MR;
#if MOTE_GEMM_HALF_VECTORS
  AddWidth<MR, 0, true>(&tiles);
#endif
  AddWidth<MR, 1, false>(&tiles);
  if (max_vectors == 2) {
#if MOTE_GEMM_HALF_VECTORS
    AddWidth<MR, 1, true>(&tiles);
#endif
    AddWidth<MR, 2, false>(&tiles);
  }
  return tiles;
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#include "src/kernels/f32-gemm/f32-gemm-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_gemm 1
#include "src/kernels/hwy-dispatch.inc"
