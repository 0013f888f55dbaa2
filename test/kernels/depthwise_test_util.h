// Geometries and a naive reference for the depthwise kernel tests.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "mote/kernels.h"

namespace mote {
namespace testing {

// batch, in_h, in_w, C, kh, kw, stride_h, stride_w, pad_top, pad_left, out_h, out_w.
inline std::vector<kernels::Conv2DGeometry> DepthwiseGeometries(size_t c) {
  return {
      {1, 5, 5, c, 3, 3, 1, 1, 1, 1, 5, 5},  // "same" 3x3
      {2, 6, 7, c, 3, 3, 2, 2, 1, 1, 3, 4},  // stride 2, padding, batch 2
      {1, 7, 7, c, 5, 5, 2, 2, 2, 2, 4, 4},  // the seed network's 5x5 stride 2 same
      {1, 4, 5, c, 2, 3, 1, 2, 0, 1, 3, 3},  // mixed strides, right padding
      {1, 3, 3, c, 2, 2, 1, 1, 2, 2, 4, 4},  // first windows entirely in padding
      {1, 2, 2, c, 1, 1, 1, 1, 0, 0, 2, 2},  // 1x1
  };
}

inline std::string DescribeDepthwise(const kernels::Conv2DGeometry& g) {
  return "in " + std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x" +
         std::to_string(g.in_c) + " k " + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " s " +
         std::to_string(g.stride_h) + "," + std::to_string(g.stride_w) + " p " + std::to_string(g.pad_top) + "," +
         std::to_string(g.pad_left);
}

inline size_t DepthwiseInputSize(const kernels::Conv2DGeometry& g) {
  return g.batch * g.in_h * g.in_w * g.in_c;
}
inline size_t DepthwiseOutputSize(const kernels::Conv2DGeometry& g) { return g.rows() * g.in_c; }

// Calls fn(out_index, in_index or -1 for padding, weight_index) for every
// tap of every output element, straight from the definition.
template <typename Fn>
void ForEachDepthwiseTerm(const kernels::Conv2DGeometry& g, Fn fn) {
  const size_t C = g.in_c;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox)
        for (size_t c = 0; c < C; ++c) {
          const size_t out = ((n * g.out_h + oy) * g.out_w + ox) * C + c;
          for (size_t ky = 0; ky < g.kernel_h; ++ky)
            for (size_t kx = 0; kx < g.kernel_w; ++kx) {
              const long y = long(oy * g.stride_h + ky) - long(g.pad_top);
              const long x = long(ox * g.stride_w + kx) - long(g.pad_left);
              const bool inside = y >= 0 && y < long(g.in_h) && x >= 0 && x < long(g.in_w);
              const long in = inside ? long(((n * g.in_h + size_t(y)) * g.in_w + size_t(x)) * C + c) : -1;
              fn(out, in, (ky * g.kernel_w + kx) * C + c);
            }
        }
}

}  // namespace testing
}  // namespace mote
