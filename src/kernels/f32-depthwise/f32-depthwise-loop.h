// Depthwise convolution, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-depthwise-{hwy,xsimd}.cc after
// their adapter, once per target), vectorized over channels (contiguous in x,
// w and y): forward keeps each channel vector's sum in a register across the
// window's taps (full vectors, then 4-lane ones where the backend has them:
// Highway); the backward passes add dy * w (input) and dy * x (weights) into
// their rows per tap. Tail channels run the scalar code.
#include <stddef.h>

#include "src/kernels/depthwise-window.h"

MOTE_SIMD_BEGIN
namespace {

// Channels [c, ...) of one output pixel in whole vectors of S, each vector's
// sum kept in a register across the window's taps; returns the first channel
// not done.
template <class S>
MOTE_SIMD_INLINE size_t DepthwiseVectors(const Conv2DGeometry& g, const DepthwiseWindow& win, const float* x,
                                         const float* w, const float* bias, float lo, float hi, size_t c,
                                         float* yp) {
  using V = typename S::V;
  const size_t N = S::Lanes(), C = g.in_c;
  const V vlo = S::Set(lo), vhi = S::Set(hi);
  for (; c + N <= C; c += N) {
    V acc = bias ? S::Load(bias + c) : S::Zero();
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        acc = S::MulAdd(S::Load(x + win.Pixel(g, ky, kx) * C + c), S::Load(w + (ky * g.kernel_w + kx) * C + c), acc);
    S::Store(S::Min(S::Max(acc, vlo), vhi), yp + c);
  }
  return c;
}

// row[c] += a[c] * b[c] for c < C.
MOTE_SIMD_INLINE void DepthwiseMulAddRow(size_t C, const float* a, const float* b, float* row) {
  const size_t N = simd::Lanes();
  size_t c = 0;
  for (; c + N <= C; c += N) simd::Store(simd::MulAdd(simd::Load(a + c), simd::Load(b + c), simd::Load(row + c)), row + c);
  for (; c < C; ++c) row[c] += a[c] * b[c];
}

}  // namespace

void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  // The window callback inlined where the backend can (xsimd, whose loop was
  // inlined before the loops were shared): a call per output pixel cost 6 %.
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) MOTE_SIMD_INLINE_CALLBACK {
    float* yp = y + out_pixel * g.in_c;
    size_t c = DepthwiseVectors<simd>(g, win, x, w, bias, lo, hi, 0, yp);
#ifdef MOTE_SIMD_HAS_SIMD4
    // Narrow channel counts (e.g. 10 on 16-lane AVX-512): 4-lane vectors next.
    c = DepthwiseVectors<simd4>(g, win, x, w, bias, lo, hi, c, yp);
#endif
    DepthwiseForwardChannels(g, win, x, w, bias, lo, hi, c, yp);
  });
}

void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  const size_t C = g.in_c, N = simd::Lanes(), total = g.batch * g.in_h * g.in_w * C;
  size_t i = 0;
  for (; i + N <= total; i += N) simd::Store(simd::Zero(), dx + i);
  for (; i < total; ++i) dx[i] = 0.0f;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        DepthwiseMulAddRow(C, dy + out_pixel * C, w + (ky * g.kernel_w + kx) * C, dx + win.Pixel(g, ky, kx) * C);
  });
}

void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  const size_t C = g.in_c;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        DepthwiseMulAddRow(C, dy + out_pixel * C, x + win.Pixel(g, ky, kx) * C, dw + (ky * g.kernel_w + kx) * C);
  });
}

MOTE_SIMD_END
