// xsimd depthwise convolution, vectorized over channels (contiguous in x, w
// and y): forward keeps each channel batch's sum in a register across the
// window's taps; the backward passes add dy * w (input) and dy * x (weights)
// into their rows per tap. Tail channels run the scalar code.
#include "src/kernels/xsimd-arch.h"  // first: it silences GCC bug 105593 in the intrinsics headers
#include "src/kernels/depthwise-window.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// row[c] += a[c] * b[c] for c < C.
void MulAddRow(size_t C, const float* a, const float* b, float* row) {
  size_t c = 0;
  for (; c + kLanes <= C; c += kLanes)
    xsimd::fma(Batch::load_unaligned(a + c), Batch::load_unaligned(b + c), Batch::load_unaligned(row + c))
        .store_unaligned(row + c);
  for (; c < C; ++c) row[c] += a[c] * b[c];
}

}  // namespace

void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  const size_t C = g.in_c;
  const Batch vlo(lo), vhi(hi);
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    float* yp = y + out_pixel * C;
    size_t c = 0;
    for (; c + kLanes <= C; c += kLanes) {
      Batch acc = bias ? Batch::load_unaligned(bias + c) : Batch(0.0f);
      for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
        for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
          acc = xsimd::fma(Batch::load_unaligned(x + win.Pixel(g, ky, kx) * C + c),
                           Batch::load_unaligned(w + (ky * g.kernel_w + kx) * C + c), acc);
      xsimd::min(xsimd::max(acc, vlo), vhi).store_unaligned(yp + c);
    }
    DepthwiseForwardChannels(g, win, x, w, bias, lo, hi, c, yp);
  });
}

void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  const size_t C = g.in_c, total = g.batch * g.in_h * g.in_w * C;
  size_t i = 0;
  for (; i + kLanes <= total; i += kLanes) Batch(0.0f).store_unaligned(dx + i);
  for (; i < total; ++i) dx[i] = 0.0f;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        MulAddRow(C, dy + out_pixel * C, w + (ky * g.kernel_w + kx) * C, dx + win.Pixel(g, ky, kx) * C);
  });
}

void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  const size_t C = g.in_c;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        MulAddRow(C, dy + out_pixel * C, x + win.Pixel(g, ky, kx) * C, dw + (ky * g.kernel_w + kx) * C);
  });
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
