// The in-bounds part of a pooling window, shared by every pooling backend.
// Internal linkage: included by per-ISA translation units.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// In-bounds window [y_begin, y_end) x [x_begin, x_end) of output pixel (oy, ox).
struct PoolWindow {
  size_t y_begin, y_end, x_begin, x_end;
  size_t count() const { return (y_end - y_begin) * (x_end - x_begin); }
};

inline PoolWindow PoolWindowAt(const Pool2DGeometry& g, size_t oy, size_t ox) {
  const long y0 = long(oy * g.stride_h) - long(g.pad_top);
  const long x0 = long(ox * g.stride_w) - long(g.pad_left);
  // Clip in signed arithmetic; a window entirely in the padding comes out
  // empty (begin == end), never as a wrapped unsigned range.
  const auto clip = [](long v, long hi) { return size_t(v < 0 ? 0 : (v > hi ? hi : v)); };
  PoolWindow w;
  w.y_begin = clip(y0, long(g.in_h));
  w.x_begin = clip(x0, long(g.in_w));
  w.y_end = clip(y0 + long(g.pool_h), long(g.in_h));
  w.x_end = clip(x0 + long(g.pool_w), long(g.in_w));
  return w;
}

}  // namespace
}  // namespace kernels
}  // namespace mote
