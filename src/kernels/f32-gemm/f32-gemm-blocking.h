// Cache blocking and packing shared by the SIMD GEMM backends (plain C++, no
// SIMD library): each backend supplies only its register-blocked microkernel.
//
// Loop nest (Goto/BLIS style, with M as the broadcast side):
//   for each k block of kKc:            pack op(B)[kc x nc] into panels of nr columns
//     for each n block of kNc:            (the packed block lives in L2)
//       for each mr rows of op(A):        pack an [mr x kc] micro-panel (stays in L1)
//         for each nr columns:            microkernel: C tile [mr x nr] in registers
// The microkernel adds into C after the first k block (or when accumulating).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace gemm {
// Internal linkage: this header is compiled into per-ISA translation units
// (e.g. with -mavx512f); shared inline symbols could let the linker pick an
// ISA-specific copy for everyone.
namespace {

inline constexpr size_t kKc = 256;   // depth of one packed block
inline constexpr size_t kNc = 512;   // columns of one packed B block
inline constexpr size_t kMrMax = 16; // largest microkernel row count of any backend
inline constexpr size_t kNrMax = 128;  // largest microkernel width (2 x 2048-bit SVE)
// Read row-major B in place (no packing) when m is at most kDirectBMaxRows
// and B spans at most kDirectBMaxFloats (cache-resident, e.g. a conv tile):
// strided in-place reads from DRAM are slower than one sequential packing pass.
inline constexpr size_t kDirectBMaxRows = 128;
inline constexpr size_t kDirectBMaxFloats = size_t(1) << 18;

inline size_t RoundUp(size_t v, size_t m) { return (v + m - 1) / m * m; }
inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }

// Scratch floats for any backend: one packed B block, one A micro-panel and
// 64 bytes to align the start.
inline size_t WorkspaceFloats(size_t m, size_t n, size_t k) {
  (void)m;
  const size_t kc = Min(k, kKc);
  return kc * RoundUp(Min(n, kNc), kNrMax) + kc * kMrMax + 16;
}

// Which of a backend's three wide tile heights to use for m rows: a shorter
// tile that divides m (e.g. 10 for a batch of 50) beats the widest when it
// pads fewer rows. Returns 0 for `wide`, 1 for `small0`, 2 for `small1`.
inline int PickRowTile(size_t m, size_t wide, size_t small0, size_t small1) {
  const auto waste = [m](size_t mr) { return (m + mr - 1) / mr * mr - m; };
  if (waste(small0) < waste(wide) && waste(small0) <= waste(small1)) return 1;
  if (waste(small1) < waste(wide)) return 2;
  return 0;
}

// Floats of a whole op(B) [k x n] packed by PackWholeB, for any backend.
inline size_t PackedBFloats(size_t n, size_t k) { return k * RoundUp(n, kNrMax) + 16; }

// Microkernel contract: C[rows x cols] (+)= A[mr x kc] * B[kc x nr] where
// B holds (p, j) at bp[p * b_stride + j] (a packed panel: b_stride = the
// panel width; or rows of the caller's B read in place) and A is either a packed micro-panel,
// element (r, p) at a[p * mr + r] (lda ignored), or, for a "direct" kernel,
// rows of the caller's row-major A, element (r, p) at a[r * lda + p], which
// saves packing when the tile has all mr rows. rows <= mr and cols <= nr say
// how much of the tile is inside C; `load_c` adds the existing C values.
using MicroKernel = void (*)(size_t kc, const float* a, size_t lda, const float* bp, size_t b_stride, float* c,
                             size_t ldc, size_t rows, size_t cols, bool load_c);

// Packs rows [i0, i0 + rows) x depth [p0, p0 + kc) of op(A) as ap[p * mr + r],
// zero-filling rows rows..mr-1.
inline void PackA(bool a_trans, const float* a, size_t lda, size_t i0, size_t rows, size_t p0, size_t kc,
                  size_t mr, float* ap) {
  if (a_trans) {  // op(A)(i, p) = A[p][i]: each depth step is a contiguous run
    for (size_t p = 0; p < kc; ++p) {
      const float* src = a + (p0 + p) * lda + i0;
      float* dst = ap + p * mr;
      size_t r = 0;
      for (; r < rows; ++r) dst[r] = src[r];
      for (; r < mr; ++r) dst[r] = 0.0f;
    }
  } else {
    for (size_t r = 0; r < rows; ++r) {
      const float* src = a + (i0 + r) * lda + p0;
      for (size_t p = 0; p < kc; ++p) ap[p * mr + r] = src[p];
    }
    for (size_t r = rows; r < mr; ++r)
      for (size_t p = 0; p < kc; ++p) ap[p * mr + r] = 0.0f;
  }
}

// A register tile family: microkernels of mr rows for up to kMaxWidths panel
// widths (ascending; the last is the full width nr). The last panel of a block
// takes the narrowest width that covers it, which cuts zero padding for
// channel counts such as 10, 40 or 50. `direct[i]` reads row-major A in place
// (null: always pack).
inline constexpr size_t kMaxWidths = 6;
// A family with pack_a_wide packs row-major A too once a column block has
// this many full panels to reuse each micro-panel (contiguous broadcasts and
// no strided A rows in L1); narrower blocks (conv layers: 10-80 output
// channels) would pay the packing pass for one or two panels.
inline constexpr size_t kPackAMinPanels = 4;
struct TileKernels {
  size_t mr = 0;
  size_t count = 0;
  bool pack_a_wide = false;
  size_t width[kMaxWidths] = {};
  MicroKernel packed[kMaxWidths] = {};
  MicroKernel direct[kMaxWidths] = {};

  size_t nr() const { return width[count - 1]; }
  // Index of the kernel for a panel with `remaining` columns left.
  size_t Pick(size_t remaining) const {
    for (size_t i = 0; i < count; ++i)
      if (width[i] >= remaining) return i;
    return count - 1;
  }
  // Floats per depth step of nc columns packed by PackB: full panels and the
  // last one's width. At most RoundUp(nc, kNrMax) for every family (each
  // has a width for every multiple of 16 floats up to nr, or nr divides
  // kNrMax), which WorkspaceFloats and PackedBFloats rely on.
  size_t PackedWidth(size_t nc) const {
    const size_t full = nc / nr() * nr();
    return full + (nc > full ? width[Pick(nc - full)] : 0);
  }
};

// Packs op(B)[p0:p0+kc, j0:j0+nc] into consecutive panels (widths from
// TileKernels::Pick), each kc x width with zero-filled columns past nc:
// panel starting at column jp sits at bp + jp * kc, element (p, j) at p * width + j.
inline void PackB(bool b_trans, const float* b, size_t ldb, size_t p0, size_t kc, size_t j0, size_t nc,
                  const TileKernels& tiles, float* bp) {
  const size_t nr = tiles.nr();
  if (b_trans) {  // op(B)(p, j) = B[j][p]: read each B row once, along p
    for (size_t jp = 0; jp < nc; jp += nr) {
      const size_t width = tiles.width[tiles.Pick(nc - jp)];
      const size_t cols = Min(width, nc - jp);
      float* panel = bp + jp * kc;
      for (size_t j = 0; j < cols; ++j) {
        const float* src = b + (j0 + jp + j) * ldb + p0;
        for (size_t p = 0; p < kc; ++p) panel[p * width + j] = src[p];
      }
      for (size_t p = 0; p < kc; ++p)
        for (size_t j = cols; j < width; ++j) panel[p * width + j] = 0.0f;
    }
    return;
  }
  // A few rows at a time, panel by panel: each B row segment is read once
  // and each panel is written as one contiguous run. (Walking a whole panel
  // down B strides a page per row; writing every panel per row keeps 16+
  // write streams whose addresses are kc * nr floats apart, so they all hit
  // the same L1 set. Both made packing cost as much as the multiplication.)
  constexpr size_t kRowsPerChunk = 8;
  for (size_t p_chunk = 0; p_chunk < kc; p_chunk += kRowsPerChunk) {
    const size_t p_end = Min(kc, p_chunk + kRowsPerChunk);
    for (size_t jp = 0; jp < nc; jp += nr) {
      const size_t width = tiles.width[tiles.Pick(nc - jp)];
      const size_t cols = Min(width, nc - jp);
      for (size_t p = p_chunk; p < p_end; ++p) {
        const float* src = b + (p0 + p) * ldb + j0 + jp;
        float* dst = bp + jp * kc + p * width;
        size_t j = 0;
        for (; j < cols; ++j) dst[j] = src[j];
        for (; j < width; ++j) dst[j] = 0.0f;
      }
    }
  }
}

// Where the block of columns [j0, j0 + kNc) and depths [p0, p0 + kKc) of a
// whole packed op(B) starts (PackWholeB layout: column blocks one after the
// other, each holding its depth blocks in order).
inline size_t PackedBBlockOffset(size_t j0, size_t p0, size_t n, size_t k, const TileKernels& tiles) {
  return (j0 / kNc) * k * tiles.PackedWidth(kNc) + p0 * tiles.PackedWidth(Min(kNc, n - j0));
}

// Packs all of op(B) [k x n] once, for repeated BlockedGemm calls with
// `packed_b` (e.g. a layer's weights against many tiles of activations).
inline void PackWholeB(bool b_trans, const float* b, size_t ldb, size_t n, size_t k, const TileKernels& tiles,
                       float* packed) {
  packed = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(packed) + 63) & ~uintptr_t(63));
  for (size_t j0 = 0; j0 < n; j0 += kNc)
    for (size_t p0 = 0; p0 < k; p0 += kKc)
      PackB(b_trans, b, ldb, p0, Min(kKc, k - p0), j0, Min(kNc, n - j0), tiles,
            packed + PackedBBlockOffset(j0, p0, n, k, tiles));
}

// The whole blocked GEMM around one family of microkernels. With packed_b
// (from PackWholeB with the same n, k and tiles) B is not read or packed.
inline void BlockedGemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a,
                        size_t lda, const float* b, size_t ldb, float* c, size_t ldc, bool accumulate,
                        float* workspace, const TileKernels& tiles, const float* packed_b = nullptr) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate)
      for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j) c[i * ldc + j] = 0.0f;
    return;
  }
  const size_t mr = tiles.mr, nr = tiles.nr();
  // 64-byte aligned scratch: packed B block first, then the A micro-panel.
  float* bp = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(workspace) + 63) & ~uintptr_t(63));
  const size_t kc_max = Min(k, kKc);
  float* ap = bp + kc_max * RoundUp(Min(n, kNc), kNrMax);  // past any family's packed block
  if (packed_b) packed_b = reinterpret_cast<const float*>((reinterpret_cast<uintptr_t>(packed_b) + 63) & ~uintptr_t(63));
  const bool a_trans = ta == Transpose::kYes, b_trans = tb == Transpose::kYes;
  for (size_t p0 = 0; p0 < k; p0 += kKc) {
    const size_t kc = Min(kKc, k - p0);
    const bool load_c = accumulate || p0 > 0;
    for (size_t j0 = 0; j0 < n; j0 += kNc) {
      const size_t nc = Min(kNc, n - j0);
      // Few rows of A (e.g. a weight gradient, m = output channels) reuse each
      // B panel only m / mr times: then read a cache-resident row-major B in
      // place and pack only a last panel that is narrower than its kernel.
      const bool direct_b =
          packed_b == nullptr && !b_trans && m <= kDirectBMaxRows && k * ldb <= kDirectBMaxFloats;
      const float* b_block = bp;
      if (packed_b) {
        b_block = packed_b + PackedBBlockOffset(j0, p0, n, k, tiles);
      } else if (direct_b) {
        const size_t last = nc - nc % nr == nc ? nc : nc - nc % nr;  // start of a partial last panel
        if (last < nc) PackB(false, b, ldb, p0, kc, j0 + last, nc - last, tiles, bp);
      } else {
        PackB(b_trans, b, ldb, p0, kc, j0, nc, tiles, bp);
      }
      for (size_t i0 = 0; i0 < m; i0 += mr) {
        const size_t rows = Min(mr, m - i0);
        // Full tiles of row-major A are read in place: packing would cost a
        // pass over A for little reuse when n is small (conv layers).
        const bool direct = !a_trans && rows == mr && tiles.direct[0] != nullptr &&
                            !(tiles.pack_a_wide && nc >= kPackAMinPanels * nr);
        const float* a_tile = a + i0 * lda + p0;
        if (!direct) {
          PackA(a_trans, a, lda, i0, rows, p0, kc, mr, ap);
          a_tile = ap;
        }
        for (size_t jp = 0; jp < nc; jp += nr) {
          const size_t pick = tiles.Pick(nc - jp);
          const MicroKernel kernel = direct ? tiles.direct[pick] : tiles.packed[pick];
          const bool in_place = direct_b && nc - jp >= nr;  // a full panel of the caller's B
          const float* panel = in_place ? b + p0 * ldb + j0 + jp : (direct_b ? bp : b_block + jp * kc);
          kernel(kc, a_tile, lda, panel, in_place ? ldb : tiles.width[pick], c + i0 * ldc + j0 + jp, ldc, rows,
                 Min(nr, nc - jp), load_c);
        }
      }
    }
  }
}

}  // namespace
}  // namespace gemm
}  // namespace kernels
}  // namespace mote
