// The GEMM kernels' tile choice and entry points, written once for both SIMD
// backends (included by f32-gemm-{hwy,xsimd}.cc once per target, after their
// microkernels): the backend supplies Tiles<MR, NV>(), kGemmMrNarrow and its
// register-tile families MOTE_GEMM_TILE_FAMILIES(X), each
// X(name, wide rows, shorter rows 0, shorter rows 1, vectors, pack A);
// the first is the default. The blocking is f32-gemm-blocking.h, the
// process-wide choice of family f32-gemm-tiles.h.
#include <stddef.h>
#include <string.h>

#include "src/kernels/f32-gemm/f32-gemm-blocking.h"
#include "src/kernels/f32-gemm/f32-gemm-tiles.h"

MOTE_SIMD_BEGIN
namespace {

// Register tiles of one family for this shape; the panel widths depend on n
// only, so PackB and PackedB agree for any m.
template <size_t kWide, size_t kSmall0, size_t kSmall1, size_t kVectors, bool kPackA>
gemm::TileKernels FamilyTiles(size_t m, size_t n) {
  gemm::TileKernels tiles;
  if (n <= simd::Lanes()) {
    // One vector covers narrow outputs (e.g. 10 classes): taller tiles.
    tiles = Tiles<kGemmMrNarrow, 1>();
  } else {
    switch (gemm::PickRowTile(m, kWide, kSmall0, kSmall1)) {
      case 1: tiles = Tiles<kSmall0, kVectors>(); break;
      case 2: tiles = Tiles<kSmall1, kVectors>(); break;
      default: tiles = Tiles<kWide, kVectors>(); break;
    }
  }
  tiles.pack_a_wide = kPackA;
  return tiles;
}

struct TileFamily {
  const char* name;
  gemm::TileKernels (*tiles)(size_t m, size_t n);
};

#define MOTE_GEMM_FAMILY_ENTRY(name, wide, small0, small1, vectors, pack_a) \
  {name, &FamilyTiles<wide, small0, small1, vectors, pack_a>},
constexpr TileFamily kTileFamilies[] = {MOTE_GEMM_TILE_FAMILIES(MOTE_GEMM_FAMILY_ENTRY)};
#undef MOTE_GEMM_FAMILY_ENTRY
constexpr size_t kTileFamilyCount = sizeof(kTileFamilies) / sizeof(kTileFamilies[0]);

size_t FamilyIndex(const char* name) {
  for (size_t i = 0; name != nullptr && i < kTileFamilyCount; ++i)
    if (strcmp(kTileFamilies[i].name, name) == 0) return i;
  return kTileFamilyCount;
}

void RunCalibration(size_t family, const float* a, const float* b, float* c, float* workspace) {
  gemm::BlockedGemm(Transpose::kNo, Transpose::kNo, gemm::kCalibrateM, gemm::kCalibrateN, gemm::kCalibrateK, a,
                    gemm::kCalibrateLda, b, gemm::kCalibrateN, c, gemm::kCalibrateN, false, workspace,
                    kTileFamilies[family].tiles(gemm::kCalibrateM, gemm::kCalibrateN));
}

// This target's fastest family on this machine, timed once per process.
size_t CalibratedFamily() {
  static const size_t fastest = gemm::CalibrateTile(kTileFamilyCount, &RunCalibration);
  return fastest;
}

bool IsCalibrate(const char* name) { return name != nullptr && strcmp(name, gemm::kCalibrate) == 0; }

// The family in use: the forced one if this target has it, else this CPU's
// default (either may be "calibrate"), else the target's first.
const TileFamily& ActiveFamily() {
  const char* forced = gemm::ForcedTile();
  const size_t forced_index = FamilyIndex(forced);
  if (forced_index < kTileFamilyCount) return kTileFamilies[forced_index];
  if (IsCalibrate(forced)) return kTileFamilies[CalibratedFamily()];
  const char* preferred = gemm::DefaultTile();
  if (IsCalibrate(preferred)) return kTileFamilies[CalibratedFamily()];
  const size_t preferred_index = FamilyIndex(preferred);
  return kTileFamilies[preferred_index < kTileFamilyCount ? preferred_index : 0];
}

gemm::TileKernels ChooseTiles(size_t m, size_t n) { return ActiveFamily().tiles(m, n); }

}  // namespace

void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b,
             size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace) {
  gemm::BlockedGemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace, ChooseTiles(m, n));
}

void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed) {
  gemm::PackWholeB(tb == Transpose::kYes, b, ldb, n, k, ChooseTiles(0, n), packed);  // widths depend on n only
}

void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* packed_b,
                    float* c, size_t ldc, bool accumulate, float* workspace) {
  gemm::BlockedGemm(ta, Transpose::kNo, m, n, k, a, lda, nullptr, 0, c, ldc, accumulate, workspace,
                    ChooseTiles(m, n), packed_b);
}

size_t F32GemmRowTile(size_t m, size_t n) { return ChooseTiles(m, n).mr; }

size_t F32GemmTiles(const char** names, size_t capacity) {
  const char* active = ActiveFamily().name;
  size_t count = 0;
  if (count < capacity) names[count] = active;
  ++count;
  for (const TileFamily& family : kTileFamilies) {
    if (family.name == active) continue;
    if (count < capacity) names[count] = family.name;
    ++count;
  }
  return count;
}

MOTE_SIMD_END
