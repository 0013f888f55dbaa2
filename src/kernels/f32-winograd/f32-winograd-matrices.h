// The Winograd transforms of the f32-winograd kernels (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016), built by the
// Toom-Cook construction from the interpolation points named at each tile:
// for points p_0 .. p_{alpha-2} and infinity,
//   A^T[i][j] = p_j^i (last column: 1 in the last row),
//   G[j][k]   = p_j^k / prod_{l != j} (p_j - p_l) (last row: 1 at k = r - 1),
//   B^T row j = the coefficients of prod_{l != j} (x - p_l) (last row: of
//               prod_l (x - p_l)),
// so that the 1-D correlation y_i = sum_k d_{i+k} g_k is A^T [(G g) . (B^T d)]
// and the 2-D one A^T [(G g G^T) . (B^T d B)] A. Constants, so the loops skip
// the zero entries at compile time. Shared by the scalar reference and the
// SIMD loop (f32-winograd-loop.h).
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace winograd {

// F(4x4, 3x3), alpha 6: points 0, 1, -1, 2, -2 and infinity.
struct F4x4_3x3 {
  static constexpr size_t kM = 4, kR = 3, kAlpha = 6;
  struct Bt {
    static constexpr size_t kRows = 6, kCols = 6;
    static constexpr float k[6][6] = {
      {4.0f, 0.0f, -5.0f, 0.0f, 1.0f, 0.0f},
      {0.0f, -4.0f, -4.0f, 1.0f, 1.0f, 0.0f},
      {0.0f, 4.0f, -4.0f, -1.0f, 1.0f, 0.0f},
      {0.0f, -2.0f, -1.0f, 2.0f, 1.0f, 0.0f},
      {0.0f, 2.0f, -1.0f, -2.0f, 1.0f, 0.0f},
      {0.0f, 4.0f, 0.0f, -5.0f, 0.0f, 1.0f}};
  };
  struct G {
    static constexpr size_t kRows = 6, kCols = 3;
    static constexpr float k[6][3] = {
      {1.0f / 4, 0.0f, 0.0f},
      {-1.0f / 6, -1.0f / 6, -1.0f / 6},
      {-1.0f / 6, 1.0f / 6, -1.0f / 6},
      {1.0f / 24, 1.0f / 12, 1.0f / 6},
      {1.0f / 24, -1.0f / 12, 1.0f / 6},
      {0.0f, 0.0f, 1.0f}};
  };
  struct At {
    static constexpr size_t kRows = 4, kCols = 6;
    static constexpr float k[4][6] = {
      {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.0f},
      {0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 0.0f},
      {0.0f, 1.0f, 1.0f, 4.0f, 4.0f, 0.0f},
      {0.0f, 1.0f, -1.0f, 8.0f, -8.0f, 1.0f}};
  };
};

// F(4x4, 5x5), alpha 8: points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity.
struct F4x4_5x5 {
  static constexpr size_t kM = 4, kR = 5, kAlpha = 8;
  struct Bt {
    static constexpr size_t kRows = 8, kCols = 8;
    static constexpr float k[8][8] = {
      {-1.0f, 0.0f, 21.0f / 4, 0.0f, -21.0f / 4, 0.0f, 1.0f, 0.0f},
      {0.0f, 1.0f, 1.0f, -17.0f / 4, -17.0f / 4, 1.0f, 1.0f, 0.0f},
      {0.0f, -1.0f, 1.0f, 17.0f / 4, -17.0f / 4, -1.0f, 1.0f, 0.0f},
      {0.0f, 1.0f / 2, 1.0f / 4, -5.0f / 2, -5.0f / 4, 2.0f, 1.0f, 0.0f},
      {0.0f, -1.0f / 2, 1.0f / 4, 5.0f / 2, -5.0f / 4, -2.0f, 1.0f, 0.0f},
      {0.0f, 2.0f, 4.0f, -5.0f / 2, -5.0f, 1.0f / 2, 1.0f, 0.0f},
      {0.0f, -2.0f, 4.0f, 5.0f / 2, -5.0f, -1.0f / 2, 1.0f, 0.0f},
      {0.0f, -1.0f, 0.0f, 21.0f / 4, 0.0f, -21.0f / 4, 0.0f, 1.0f}};
  };
  struct G {
    static constexpr size_t kRows = 8, kCols = 5;
    static constexpr float k[8][5] = {
      {-1.0f, 0.0f, 0.0f, 0.0f, 0.0f},
      {-2.0f / 9, -2.0f / 9, -2.0f / 9, -2.0f / 9, -2.0f / 9},
      {-2.0f / 9, 2.0f / 9, -2.0f / 9, 2.0f / 9, -2.0f / 9},
      {1.0f / 90, 1.0f / 45, 2.0f / 45, 4.0f / 45, 8.0f / 45},
      {1.0f / 90, -1.0f / 45, 2.0f / 45, -4.0f / 45, 8.0f / 45},
      {32.0f / 45, 16.0f / 45, 8.0f / 45, 4.0f / 45, 2.0f / 45},
      {32.0f / 45, -16.0f / 45, 8.0f / 45, -4.0f / 45, 2.0f / 45},
      {0.0f, 0.0f, 0.0f, 0.0f, 1.0f}};
  };
  struct At {
    static constexpr size_t kRows = 4, kCols = 8;
    static constexpr float k[4][8] = {
      {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.0f},
      {0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 1.0f / 2, -1.0f / 2, 0.0f},
      {0.0f, 1.0f, 1.0f, 4.0f, 4.0f, 1.0f / 4, 1.0f / 4, 0.0f},
      {0.0f, 1.0f, -1.0f, 8.0f, -8.0f, 1.0f / 8, -1.0f / 8, 1.0f}};
  };
};

// Calls f(Tile{}) with the tile type of t (a supported WinogradTile).
template <class F>
inline void WithTile(WinogradTile t, F f) {
  if (t.r == 3)
    f(F4x4_3x3{});
  else
    f(F4x4_5x5{});
}

}  // namespace winograd
}  // namespace kernels
}  // namespace mote
