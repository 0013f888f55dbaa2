// The Winograd transforms written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-winograd-{hwy,xsimd}.cc after
// their adapter, once per target). Channels are the vector axis: each
// transform is Y = M X M^T on vectors of Lanes() channels, rows first, then
// columns, with the matrices' zero entries skipped at compile time (the
// loops over them are unrolled) and fused multiply-adds. A last block of
// fewer channels than lanes overlaps the one before it, or (fewer channels
// than lanes in all, or adding into the output) goes through zero-padded
// copies.
#include <string.h>


#include "src/kernels/f32-winograd/f32-winograd-matrices.h"

MOTE_SIMD_BEGIN
namespace {

// y(i, j, Y[i][j]) for Y = M X M^T, X [p][p] a vector each at x[k * p + l]
// and M = Mat [a][p]; tmp holds a * p vectors. One copy per kernel and tile:
// full and partial channel blocks differ only in the table x.
template <class Mat, class Y>
MOTE_SIMD_INLINE void Transform2D(const float* const* x, float* tmp, Y y) {
  constexpr size_t a = Mat::kRows, p = Mat::kCols;
  const size_t lanes = simd::Lanes();
  for (size_t l = 0; l < p; ++l) {
#pragma GCC unroll 8
    for (size_t i = 0; i < a; ++i) {
      simd::V acc = simd::Zero();
#pragma GCC unroll 8
      for (size_t k = 0; k < p; ++k)
        if (Mat::k[i][k] != 0.0f) acc = simd::MulAdd(simd::Set(Mat::k[i][k]), simd::Load(x[k * p + l]), acc);
      simd::Store(acc, tmp + (i * p + l) * lanes);
    }
  }
  for (size_t i = 0; i < a; ++i) {
#pragma GCC unroll 8
    for (size_t j = 0; j < a; ++j) {
      simd::V acc = simd::Zero();
#pragma GCC unroll 8
      for (size_t l = 0; l < p; ++l)
        if (Mat::k[j][l] != 0.0f)
          acc = simd::MulAdd(simd::Set(Mat::k[j][l]), simd::Load(tmp + (i * p + l) * lanes), acc);
      y(i, j, acc);
    }
  }
}

// Calls block(c0, n) for blocks of n <= Lanes() channels covering [0, c).
// With `overlap` (outputs that are overwritten, each channel computed alone)
// a last partial block of a c >= Lanes() is the whole vector ending at c,
// recomputing a few channels to the same values: cheaper than the padded
// copies a partial block takes (the seed network's 40 channels on 16 lanes).
template <class Block>
MOTE_SIMD_INLINE void ForChannelBlocks(size_t c, bool overlap, Block block) {
  const size_t lanes = simd::Lanes();
  const bool shift = overlap && c >= lanes;
  for (size_t c0 = 0; c0 < c; c0 += lanes) {  // one call of `block`, so one inlined copy
    const bool partial = c0 + lanes > c;
    block(partial && shift ? c - lanes : c0, partial && !shift ? c - c0 : lanes);
  }
}

// x[idx] = at(idx) for a whole block, else the idx-th vector of `padded`,
// which gets the block's n channels of at(idx) and zeros.
template <class At>
MOTE_SIMD_INLINE void SourceTable(size_t count, size_t n, At at, float* padded, const float** x) {
  const size_t lanes = simd::Lanes();
  for (size_t idx = 0; idx < count; ++idx) {
    x[idx] = at(idx);
    if (n == lanes) continue;
    memcpy(padded + idx * lanes, x[idx], n * sizeof(float));
    memset(padded + idx * lanes + n, 0, (lanes - n) * sizeof(float));
    x[idx] = padded + idx * lanes;
  }
}

// Stores the first n lanes of v at d (buf: one vector).
MOTE_SIMD_INLINE void StoreLanes(simd::V v, size_t n, float* d, float* buf) {
  if (n == simd::Lanes()) return simd::Store(v, d);
  simd::Store(v, buf);
  memcpy(d, buf, n * sizeof(float));
}

template <class Tile>
void FilterTiles(bool rotate, size_t a_count, size_t b_count, const float* w, size_t a_stride, size_t tap_stride,
                 float* u, size_t plane, size_t u_stride) {
  constexpr size_t r = Tile::kR, alpha = Tile::kAlpha;
  alignas(64) float tmp[alpha * r * simd::kMaxLanes];
  alignas(64) float padded[r * r * simd::kMaxLanes];
  alignas(64) float buf[simd::kMaxLanes];
  const float* x[r * r];
  for (size_t a = 0; a < a_count; ++a) {
    const float* g = w + a * a_stride;
    float* ua = u + a * u_stride;
    ForChannelBlocks(b_count, true, [&](size_t b0, size_t n) {
      SourceTable(
          r * r, n, [&](size_t k) { return g + (rotate ? r * r - 1 - k : k) * tap_stride + b0; }, padded, x);
      Transform2D<typename Tile::G>(x, tmp, [&](size_t i, size_t j, simd::V v) {
        StoreLanes(v, n, ua + (i * alpha + j) * plane + b0, buf);
      });
    });
  }
}

template <class Tile>
void InputTile(const float* image, size_t h, size_t w, size_t c, int64_t y0, int64_t x0, float* v, size_t plane) {
  constexpr size_t alpha = Tile::kAlpha;
  alignas(64) float tmp[alpha * alpha * simd::kMaxLanes];
  alignas(64) float padded[alpha * alpha * simd::kMaxLanes];
  alignas(64) float zeros[simd::kMaxLanes] = {};
  alignas(64) float buf[simd::kMaxLanes];
  // Each position's channels, or zeros (step 0) outside the image.
  const float* pixel[alpha * alpha];
  size_t step[alpha * alpha];
  for (size_t k = 0; k < alpha; ++k)
    for (size_t l = 0; l < alpha; ++l) {
      const int64_t y = y0 + int64_t(k), x = x0 + int64_t(l);
      const bool inside = y >= 0 && y < int64_t(h) && x >= 0 && x < int64_t(w);
      pixel[k * alpha + l] = inside ? image + (size_t(y) * w + size_t(x)) * c : zeros;
      step[k * alpha + l] = inside ? 1 : 0;
    }
  const float* x[alpha * alpha];
  ForChannelBlocks(c, true, [&](size_t c0, size_t n) {
    SourceTable(
        alpha * alpha, n, [&](size_t idx) { return pixel[idx] + c0 * step[idx]; }, padded, x);
    Transform2D<typename Tile::Bt>(x, tmp, [&](size_t i, size_t j, simd::V value) {
      StoreLanes(value, n, v + (i * alpha + j) * plane + c0, buf);
    });
  });
}

template <class Tile>
void OutputTile(const float* mt, size_t plane, size_t c, float* out, size_t h, size_t w, size_t y0, size_t x0,
                bool accumulate) {
  constexpr size_t alpha = Tile::kAlpha;
  const size_t lanes = simd::Lanes();
  alignas(64) float tmp[Tile::kM * alpha * simd::kMaxLanes];
  alignas(64) float padded[alpha * alpha * simd::kMaxLanes];
  alignas(64) float buf[simd::kMaxLanes];
  const float* x[alpha * alpha];
  ForChannelBlocks(c, !accumulate, [&](size_t c0, size_t n) {
    SourceTable(alpha * alpha, n, [&](size_t idx) { return mt + idx * plane + c0; }, padded, x);
    Transform2D<typename Tile::At>(x, tmp, [&](size_t i, size_t j, simd::V value) {
      if (y0 + i >= h || x0 + j >= w) return;
      float* o = out + ((y0 + i) * w + x0 + j) * c + c0;
      if (accumulate) {
        if (n == lanes) {
          value = simd::Add(simd::Load(o), value);
        } else {
          memcpy(buf, o, n * sizeof(float));
          memset(buf + n, 0, (lanes - n) * sizeof(float));
          value = simd::Add(simd::Load(buf), value);
        }
      }
      StoreLanes(value, n, o, buf);
    });
  });
}

}  // namespace

void F32WinogradFilter(WinogradTile t, bool rotate, size_t a_count, size_t b_count, const float* w, size_t a_stride,
                       size_t tap_stride, float* u, size_t plane, size_t u_stride) {
  winograd::WithTile(t, [&](auto tile) {
    FilterTiles<decltype(tile)>(rotate, a_count, b_count, w, a_stride, tap_stride, u, plane, u_stride);
  });
}

void F32WinogradInput(WinogradTile t, const float* image, size_t h, size_t w, size_t c, int64_t y0, int64_t x0,
                      float* v, size_t plane) {
  winograd::WithTile(t, [&](auto tile) { InputTile<decltype(tile)>(image, h, w, c, y0, x0, v, plane); });
}

void F32WinogradOutput(WinogradTile t, const float* mt, size_t plane, size_t c, float* out, size_t h, size_t w,
                       size_t y0, size_t x0, bool accumulate) {
  winograd::WithTile(t, [&](auto tile) {
    OutputTile<decltype(tile)>(mt, plane, c, out, h, w, y0, x0, accumulate);
  });
}

MOTE_SIMD_END
