// Scalar reference of the Winograd transforms: each channel by itself, every
// product of the dense matrices (zeros included), a multiply then an add.
#include "src/kernels/f32-winograd/f32-winograd-matrices.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {
namespace {

// y(i, j, M X M^T [i][j]) for X [p][p] read by x(k, l) and M = Mat [a][p].
template <class Mat, class X, class Y>
void Transform2D(X x, Y y) {
  constexpr size_t a = Mat::kRows, p = Mat::kCols;
  float t[a][p];
  for (size_t i = 0; i < a; ++i)
    for (size_t l = 0; l < p; ++l) {
      float s = 0.0f;
      for (size_t k = 0; k < p; ++k) s += Mat::k[i][k] * x(k, l);
      t[i][l] = s;
    }
  for (size_t i = 0; i < a; ++i)
    for (size_t j = 0; j < a; ++j) {
      float s = 0.0f;
      for (size_t l = 0; l < p; ++l) s += t[i][l] * Mat::k[j][l];
      y(i, j, s);
    }
}

}  // namespace

void F32WinogradFilter(WinogradTile t, bool rotate, size_t a_count, size_t b_count, const float* w, size_t a_stride,
                       size_t tap_stride, float* u, size_t plane, size_t u_stride) {
  winograd::WithTile(t, [&](auto tile) {
    using Tile = decltype(tile);
    constexpr size_t r = Tile::kR, alpha = Tile::kAlpha;
    for (size_t a = 0; a < a_count; ++a)
      for (size_t b = 0; b < b_count; ++b)
        Transform2D<typename Tile::G>(
            [&](size_t ky, size_t kx) {
              const size_t tap = ky * r + kx;
              return w[a * a_stride + (rotate ? r * r - 1 - tap : tap) * tap_stride + b];
            },
            [&](size_t i, size_t j, float v) { u[(i * alpha + j) * plane + a * u_stride + b] = v; });
  });
}

void F32WinogradInput(WinogradTile t, const float* image, size_t h, size_t w, size_t c, int64_t y0, int64_t x0,
                      float* v, size_t plane) {
  winograd::WithTile(t, [&](auto tile) {
    using Tile = decltype(tile);
    constexpr size_t alpha = Tile::kAlpha;
    for (size_t ch = 0; ch < c; ++ch)
      Transform2D<typename Tile::Bt>(
          [&](size_t k, size_t l) {
            const int64_t y = y0 + int64_t(k), x = x0 + int64_t(l);
            const bool inside = y >= 0 && y < int64_t(h) && x >= 0 && x < int64_t(w);
            return inside ? image[(size_t(y) * w + size_t(x)) * c + ch] : 0.0f;
          },
          [&](size_t i, size_t j, float value) { v[(i * alpha + j) * plane + ch] = value; });
  });
}

void F32WinogradOutput(WinogradTile t, const float* mt, size_t plane, size_t c, float* out, size_t h, size_t w,
                       size_t y0, size_t x0, bool accumulate) {
  winograd::WithTile(t, [&](auto tile) {
    using Tile = decltype(tile);
    constexpr size_t alpha = Tile::kAlpha;
    for (size_t ch = 0; ch < c; ++ch)
      Transform2D<typename Tile::At>([&](size_t k, size_t l) { return mt[(k * alpha + l) * plane + ch]; },
                                     [&](size_t i, size_t j, float value) {
                                       if (y0 + i >= h || x0 + j >= w) return;
                                       float* o = out + ((y0 + i) * w + x0 + j) * c + ch;
                                       *o = accumulate ? *o + value : value;
                                     });
  });
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
