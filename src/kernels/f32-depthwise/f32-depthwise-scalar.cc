// Scalar depthwise convolution: per output pixel, every in-bounds tap adds
// x * w to a row of C values, channels innermost (contiguous in x, w and y).
#include "src/kernels/depthwise-window.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    DepthwiseForwardChannels(g, win, x, w, bias, lo, hi, 0, y + out_pixel * g.in_c);
  });
}

void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  const size_t C = g.in_c;
  const size_t total = g.batch * g.in_h * g.in_w * C;
  for (size_t i = 0; i < total; ++i) dx[i] = 0.0f;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    const float* dyp = dy + out_pixel * C;
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx) {
        float* dxp = dx + win.Pixel(g, ky, kx) * C;
        const float* wp = w + (ky * g.kernel_w + kx) * C;
        for (size_t c = 0; c < C; ++c) dxp[c] += dyp[c] * wp[c];
      }
  });
}

void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  const size_t C = g.in_c;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    const float* dyp = dy + out_pixel * C;
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx) {
        const float* xp = x + win.Pixel(g, ky, kx) * C;
        float* dwp = dw + (ky * g.kernel_w + kx) * C;
        for (size_t c = 0; c < C; ++c) dwp[c] += dyp[c] * xp[c];
      }
  });
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
