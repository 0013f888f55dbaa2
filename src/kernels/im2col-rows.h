// Scalar im2col rows for any element type (f32 and int8 share the walk; only
// the padding value differs). Internal linkage: included by scalar kernels.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "src/kernels/f32-im2col/f32-im2col-span.h"

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
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    for (size_t ky = 0; ky < g.kernel_h; ++ky) {
      const long y = w.y0 + long(ky);
      for (size_t kx = 0; kx < g.kernel_w; ++kx) {
        const long x = w.x0 + long(kx);
        if (y < 0 || y >= long(g.in_h) || x < 0 || x >= long(g.in_w)) {
          for (size_t ci = 0; ci < c; ++ci) out[ci] = pad;
        } else {
          const T* src = input + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(x)) * c;
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
