// Where an im2col row reads (its window) and which kernel columns of it are in
// bounds, shared by every backend's im2col / col2im. Internal linkage.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// Im2col row r is one output pixel; its window starts at input row y0,
// column x0 of batch item n (negative inside the top / left padding).
struct Im2ColWindow {
  size_t n;
  long y0, x0;
};
inline Im2ColWindow Im2ColWindowOf(const Conv2DGeometry& g, size_t r) {
  const size_t ox = r % g.out_w, oy = (r / g.out_w) % g.out_h;
  return {r / (g.out_w * g.out_h), long(oy * g.stride_h) - long(g.pad_top), long(ox * g.stride_w) - long(g.pad_left)};
}

// Kernel columns [begin, end) of a window whose left edge is input column x0
// (negative in the left padding) that fall inside the image.
using Im2ColSpan = KernelTaps;
inline Im2ColSpan Im2ColColumns(const Conv2DGeometry& g, long x0) { return KernelTapsInside(x0, g.kernel_w, g.in_w); }

}  // namespace
}  // namespace kernels
}  // namespace mote
