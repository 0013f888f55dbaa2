// Scalar im2col rows for any element type (f32 and int8 share the walk; only
// the padding value differs). Internal linkage: included by scalar kernels.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// Writes im2col rows [row_begin, row_end) of an NHWC input to `columns`;
// taps outside the image read as `pad`.
template <typename T>
void Im2ColRows(const Conv2DGeometry& g, const T* input, T pad, size_t row_begin, size_t row_end, T* columns) {
  const size_t c = g.in_c;
  T* out = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const size_t ox = r % g.out_w;
    const size_t oy = (r / g.out_w) % g.out_h;
    const size_t n = r / (g.out_w * g.out_h);
    // Signed origin of the window: padding makes it negative at the borders.
    const long y0 = long(oy * g.stride_h) - long(g.pad_top);
    const long x0 = long(ox * g.stride_w) - long(g.pad_left);
    for (size_t ky = 0; ky < g.kernel_h; ++ky) {
      const long y = y0 + long(ky);
      for (size_t kx = 0; kx < g.kernel_w; ++kx) {
        const long x = x0 + long(kx);
        if (y < 0 || y >= long(g.in_h) || x < 0 || x >= long(g.in_w)) {
          for (size_t ci = 0; ci < c; ++ci) out[ci] = pad;
        } else {
          const T* src = input + ((n * g.in_h + size_t(y)) * g.in_w + size_t(x)) * c;
          for (size_t ci = 0; ci < c; ++ci) out[ci] = src[ci];
        }
        out += c;
      }
    }
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
