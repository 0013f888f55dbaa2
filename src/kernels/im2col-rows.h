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
// taps outside the image read as `pad`. The in-bounds taps of one kernel row
// are contiguous in the input (kernel_w * in_c elements at most): one run each.
template <typename T>
void Im2ColRows(const Conv2DGeometry& g, const T* input, T pad, size_t row_begin, size_t row_end, T* columns) {
  const size_t c = g.in_c, row_len = g.kernel_w * c;
  T* out = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    const Im2ColSpan span = Im2ColColumns(g, w.x0);
    const size_t inside_begin = span.begin * c, inside_end = span.end > span.begin ? span.end * c : inside_begin;
    for (size_t ky = 0; ky < g.kernel_h; ++ky, out += row_len) {
      const long y = w.y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || inside_end == inside_begin) {
        for (size_t i = 0; i < row_len; ++i) out[i] = pad;
        continue;
      }
      // Input column x0 + span.begin: inside the image (x0 may be negative).
      const T* src = input + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(w.x0 + long(span.begin))) * c;
      for (size_t i = 0; i < inside_begin; ++i) out[i] = pad;
      for (size_t i = inside_begin; i < inside_end; ++i) out[i] = src[i - inside_begin];
      for (size_t i = inside_end; i < row_len; ++i) out[i] = pad;
    }
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
