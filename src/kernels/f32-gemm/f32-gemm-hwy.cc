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
constexpr char kGemmDefaultTileName[] = "12x2";
#elif HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
constexpr size_t kGemmMrWide = 6, kGemmMrNarrow = 12;
constexpr size_t kGemmMrSmall0 = 5, kGemmMrSmall1 = 4;
constexpr char kGemmDefaultTileName[] = "6x2";
#else
constexpr size_t kGemmMrWide = 4, kGemmMrNarrow = 8;
constexpr size_t kGemmMrSmall0 = 3, kGemmMrSmall1 = 2;
constexpr char kGemmDefaultTileName[] = "4x2";
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
// Each element of C sums its kc products in depth order from zero, then adds
// the sum to C: the same order for every MR, NV and kHalf, so every tile
// family gives bit-identical results.
template <size_t MR, size_t NV, bool kHalf, bool kDirect>
HWY_NOINLINE void GemmMicroKernel(size_t kc, const float* HWY_RESTRICT ap, size_t lda,
                                  const float* HWY_RESTRICT bp, size_t b_stride, float* HWY_RESTRICT c, size_t ldc,
                                  size_t rows, size_t cols, bool load_c) {
  static_assert(MR <= gemm::kMrMax && NV <= 4 && (NV > 0 || kHalf), "unsupported tile");
  const hn::ScalableTag<float> d;
  const DHalf dh;
  const size_t N = hn::Lanes(d);
  const size_t width = NV * N + (kHalf ? hn::Lanes(dh) : 0);
#define MOTE_DECLARE_ACC(r)        \
  auto acc##r##_0 = hn::Zero(d);   \
  auto acc##r##_1 = hn::Zero(d);   \
  auto acc##r##_2 = hn::Zero(d);   \
  auto acc##r##_3 = hn::Zero(d);   \
  auto acc##r##_h = hn::Zero(dh);
  MOTE_GEMM_ROWS(MOTE_DECLARE_ACC)
#undef MOTE_DECLARE_ACC
  for (size_t p = 0; p < kc; ++p) {
    // Panels of 1.5 vectors leave rows unaligned: LoadU costs the same when aligned.
    // Only the vectors of the tile are loaded: B read in place ends at its last column.
    const auto b0 = NV >= 1 ? hn::LoadU(d, bp) : hn::Zero(d);
    const auto b1 = NV >= 2 ? hn::LoadU(d, bp + N) : b0;
    const auto b2 = NV >= 3 ? hn::LoadU(d, bp + 2 * N) : b0;
    const auto b3 = NV >= 4 ? hn::LoadU(d, bp + 3 * N) : b0;
    const auto bh = kHalf ? hn::LoadU(dh, bp + NV * N) : hn::Zero(dh);
#define MOTE_FMA_ROW(r)                                                                    \
  if constexpr (r < MR) {                                                                  \
    const auto a = hn::Set(d, kDirect ? ap[r * lda] : ap[r]);                              \
    if constexpr (NV >= 1) acc##r##_0 = hn::MulAdd(a, b0, acc##r##_0);                     \
    if constexpr (NV >= 2) acc##r##_1 = hn::MulAdd(a, b1, acc##r##_1);                     \
    if constexpr (NV >= 3) acc##r##_2 = hn::MulAdd(a, b2, acc##r##_2);                     \
    if constexpr (NV >= 4) acc##r##_3 = hn::MulAdd(a, b3, acc##r##_3);                     \
    if constexpr (kHalf) acc##r##_h = hn::MulAdd(hn::Set(dh, kDirect ? ap[r * lda] : ap[r]), bh, acc##r##_h); \
  }
    MOTE_GEMM_ROWS(MOTE_FMA_ROW)
#undef MOTE_FMA_ROW
    ap += kDirect ? 1 : MR;
    bp += b_stride;
  }
  if (rows == MR && cols == width) {
#define MOTE_STORE_VECTOR(r, v)                                                     \
  if constexpr (NV > v) {                                                           \
    if (load_c) acc##r##_##v = hn::Add(acc##r##_##v, hn::LoadU(d, cr + v * N));     \
    hn::StoreU(acc##r##_##v, d, cr + v * N);                                        \
  }
#define MOTE_STORE_ROW(r)                                                           \
  if constexpr (r < MR) {                                                           \
    float* cr = c + r * ldc;                                                        \
    MOTE_STORE_VECTOR(r, 0)                                                         \
    MOTE_STORE_VECTOR(r, 1)                                                         \
    MOTE_STORE_VECTOR(r, 2)                                                         \
    MOTE_STORE_VECTOR(r, 3)                                                         \
    if constexpr (kHalf) {                                                          \
      if (load_c) acc##r##_h = hn::Add(acc##r##_h, hn::LoadU(dh, cr + NV * N));     \
      hn::StoreU(acc##r##_h, dh, cr + NV * N);                                      \
    }                                                                               \
  }
    MOTE_GEMM_ROWS(MOTE_STORE_ROW)
#undef MOTE_STORE_ROW
#undef MOTE_STORE_VECTOR
    return;
  }
#if MOTE_GEMM_NATIVE_MASKS
  // Edge tile: masked columns, rows cut by a branch per row.
  const auto mask0 = hn::FirstN(d, cols);
  const auto mask1 = hn::FirstN(d, cols > N ? cols - N : 0);
  const auto mask2 = hn::FirstN(d, cols > 2 * N ? cols - 2 * N : 0);
  const auto mask3 = hn::FirstN(d, cols > 3 * N ? cols - 3 * N : 0);
  const auto mask_h = hn::FirstN(dh, cols > NV * N ? cols - NV * N : 0);
  (void)mask1, (void)mask2, (void)mask3, (void)mask_h;
#define MOTE_STORE_EDGE_VECTOR(r, v)                                                              \
  if constexpr (NV > v) {                                                                         \
    if (load_c) acc##r##_##v = hn::Add(acc##r##_##v, hn::MaskedLoad(mask##v, d, cr + v * N));     \
    hn::BlendedStore(acc##r##_##v, mask##v, d, cr + v * N);                                       \
  }
#define MOTE_STORE_EDGE_ROW(r)                                                                    \
  if constexpr (r < MR) {                                                                         \
    if (r < rows) {                                                                               \
      float* cr = c + r * ldc;                                                                    \
      MOTE_STORE_EDGE_VECTOR(r, 0)                                                                \
      MOTE_STORE_EDGE_VECTOR(r, 1)                                                                \
      MOTE_STORE_EDGE_VECTOR(r, 2)                                                                \
      MOTE_STORE_EDGE_VECTOR(r, 3)                                                                \
      if constexpr (kHalf) {                                                                      \
        if (load_c) acc##r##_h = hn::Add(acc##r##_h, hn::MaskedLoad(mask_h, dh, cr + NV * N));    \
        hn::BlendedStore(acc##r##_h, mask_h, dh, cr + NV * N);                                    \
      }                                                                                           \
    }                                                                                             \
  }
  MOTE_GEMM_ROWS(MOTE_STORE_EDGE_ROW)
#undef MOTE_STORE_EDGE_ROW
#undef MOTE_STORE_EDGE_VECTOR
#else
  // Edge tile: spill to the stack and copy the part inside C, so no vector
  // access crosses the end of C (masked stores are emulated on SSE4/NEON).
  HWY_ALIGN float tile[MR * 5 * (HWY_MAX_BYTES / sizeof(float))];
#define MOTE_SPILL_ROW(r)                                                          \
  if constexpr (r < MR) {                                                          \
    if constexpr (NV >= 1) hn::StoreU(acc##r##_0, d, tile + r * width);            \
    if constexpr (NV >= 2) hn::StoreU(acc##r##_1, d, tile + r * width + N);        \
    if constexpr (NV >= 3) hn::StoreU(acc##r##_2, d, tile + r * width + 2 * N);    \
    if constexpr (NV >= 4) hn::StoreU(acc##r##_3, d, tile + r * width + 3 * N);    \
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

// Tiles of MR rows up to NV full vectors wide, with narrower ones (half
// vectors on x86) for the last panel.
template <size_t MR, size_t NV>
gemm::TileKernels Tiles() {
  gemm::TileKernels tiles;
  tiles.mr = MR;
#if MOTE_GEMM_HALF_VECTORS
  AddWidth<MR, 0, true>(&tiles);
#endif
  AddWidth<MR, 1, false>(&tiles);
  if constexpr (NV >= 2) {
#if MOTE_GEMM_HALF_VECTORS
    if constexpr (NV == 2) AddWidth<MR, 1, true>(&tiles);
#endif
    AddWidth<MR, 2, false>(&tiles);
  }
  if constexpr (NV >= 3) {
#if MOTE_GEMM_HALF_VECTORS
    AddWidth<MR, 2, true>(&tiles);
#endif
    AddWidth<MR, 3, false>(&tiles);
  }
  if constexpr (NV >= 4) AddWidth<MR, 4, false>(&tiles);
  return tiles;
}

// The register-tile families of this target (f32-gemm-loop.h):
// X(name, wide rows, two shorter row counts for small m, vectors, pack A).
// 32-register ISAs: 12 x 2 keeps 24 accumulators, 2 B vectors and the
// broadcast; the others trade rows for vectors (fewer broadcasts and A
// streams per FMA, more B traffic) or pack A for wide column blocks. 16-register ISAs:
// 6 x 2 (or 12 x 1 for one-vector outputs).
#undef MOTE_GEMM_TILE_FAMILIES
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
#define MOTE_GEMM_TILE_FAMILIES(X)         \
  X("12x2", 12, 10, 8, 2, false)            \
  X("12x2-packa", 12, 10, 8, 2, true)       \
  X("14x2", 14, 12, 10, 2, false)           \
  X("8x3", 8, 7, 6, 3, false)               \
  X("6x4", 6, 5, 4, 4, false)
#elif HWY_TARGET == HWY_AVX2
#define MOTE_GEMM_TILE_FAMILIES(X) \
  X("6x2", 6, 5, 4, 2, false)      \
  X("6x2-packa", 6, 5, 4, 2, true)
#else
#define MOTE_GEMM_TILE_FAMILIES(X) \
  X(kGemmDefaultTileName, kGemmMrWide, kGemmMrSmall0, kGemmMrSmall1, 2, false)
#endif

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#include "src/kernels/f32-gemm/f32-gemm-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_gemm 1
#include "src/kernels/hwy-dispatch.inc"
