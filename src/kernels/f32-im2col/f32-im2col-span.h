// The in-bounds kernel columns of an im2col window, shared by the SIMD
// backends. Internal linkage: included by per-ISA translation units.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// Kernel columns [begin, end) of a window whose left edge is input column x0
// (negative in the left padding) that fall inside the image.
struct Im2ColSpan {
  size_t begin, end;
};
inline Im2ColSpan Im2ColColumns(const Conv2DGeometry& g, long x0) {
  const long kw = long(g.kernel_w);
  long begin = -x0, end = long(g.in_w) - x0;
  begin = begin < 0 ? 0 : (begin > kw ? kw : begin);
  end = end > kw ? kw : (end < begin ? begin : end);
  return {size_t(begin), size_t(end)};
}

}  // namespace
}  // namespace kernels
}  // namespace mote
