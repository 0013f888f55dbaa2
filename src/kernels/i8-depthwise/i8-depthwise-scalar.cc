// int8 depthwise convolution, one implementation for every backend: per
// output pixel and channel an exact int32 sum over the window (padding taps
// read the input zero point), then the shared requantization. Needs no
// scratch: the channel loop is outside the tap loop.
#include "src/kernels/dense-rows.h"
#include "src/kernels/depthwise-window.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void I8DepthwiseConv2D(const Conv2DGeometry& g, const int8_t* x, int8_t x_zero_point, const int8_t* w,
                       const I8Requant& requant, int8_t* y) {
  const size_t C = g.in_c;
  const I8BiasRequantize finish{requant};
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    const bool full = win.Full(g);
    for (size_t c = 0; c < C; ++c) {
      int32_t acc = 0;
      if (!full) {
        // Padding taps: zero point times the sum of their weights.
        int32_t pad_w = 0;
        for (size_t ky = 0; ky < g.kernel_h; ++ky)
          for (size_t kx = 0; kx < g.kernel_w; ++kx)
            if (ky < win.ky_begin || ky >= win.ky_end || kx < win.kx_begin || kx >= win.kx_end)
              pad_w += w[(ky * g.kernel_w + kx) * C + c];
        acc = int32_t(x_zero_point) * pad_w;
      }
      for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
        for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
          acc += int32_t(x[win.Pixel(g, ky, kx) * C + c]) * w[(ky * g.kernel_w + kx) * C + c];
      y[out_pixel * C + c] = finish(c, acc);
    }
  });
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
