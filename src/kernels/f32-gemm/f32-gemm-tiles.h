// The process-wide choice of the f32 GEMM's register-tile family (plain C++,
// shared by every backend and target; f32-gemm-tiles.cc). Each SIMD target
// lists its families by name (f32-gemm-loop.h) and uses the forced one when
// it has it, else the default for this CPU, else its first.
#pragma once
#include <stddef.h>

namespace mote {
namespace kernels {
namespace gemm {

// The family forced by SetF32GemmTile or, until then, the environment
// variable MOTE_GEMM_TILE (read once); null when none is.
const char* ForcedTile();
// Forces a family (null: none, the CPU's default); `name` must stay valid.
void ForceTile(const char* name);
// Back to the choice at start-up: MOTE_GEMM_TILE's, else none.
void ResetTile();
// The default family for this CPU from its vendor, family and model
// (f32-gemm-tiles.cc has the table); null: the target's first family.
const char* DefaultTile();
// Why the family in use was chosen, e.g. "table: AMD Zen (family 0x1a)".
const char* TileReason();

// The choice "calibrate" (from the table, MOTE_GEMM_TILE or SetF32GemmTile):
// each target times its families once, at its first GEMM, and keeps the
// fastest for the rest of the process.
inline constexpr char kCalibrate[] = "calibrate";
// The calibration product: m x n x k with A's rows lda apart, the shape of
// one of a 512^3 GEMM's inner blocks (B block in L2, A rows 2 KB apart).
inline constexpr size_t kCalibrateM = 48, kCalibrateN = 192, kCalibrateK = 256, kCalibrateLda = 512;
// Computes the calibration product with family `family` (row-major A, B, C;
// `workspace` holds WorkspaceFloats(m, n, k)).
using CalibrationRun = void (*)(size_t family, const float* a, const float* b, float* c, float* workspace);
// Times `run` for families 0..count-1, three interleaved rounds, and returns
// the fastest, or 0 unless one beats family 0 by 3 % (a few hundred microseconds). Its buffers are static (no
// allocation) and shared: calibrations take turns.
size_t CalibrateTile(size_t count, CalibrationRun run);

}  // namespace gemm
}  // namespace kernels
}  // namespace mote
