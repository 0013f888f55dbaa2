// The in-bounds taps of a depthwise convolution window, shared by the f32
// (every backend) and int8 depthwise kernels. Internal linkage.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// Window of output pixel (n, oy, ox): taps ky in [ky_begin, ky_end), kx in
// [kx_begin, kx_end) fall inside the image; the rest read padding.
struct DepthwiseWindow {
  size_t ky_begin, ky_end, kx_begin, kx_end;
  size_t pixel0;  // input pixel index of tap (ky_begin, kx_begin)
  // Input pixel index of tap (ky, kx) (in-bounds taps only).
  size_t Pixel(const Conv2DGeometry& g, size_t ky, size_t kx) const {
    return pixel0 + (ky - ky_begin) * g.in_w + (kx - kx_begin);
  }
  bool Full(const Conv2DGeometry& g) const {
    return ky_begin == 0 && kx_begin == 0 && ky_end == g.kernel_h && kx_end == g.kernel_w;
  }
};

inline void ClampedRange(long origin, size_t kernel, size_t in, size_t* begin, size_t* end) {
  const long k = long(kernel);
  long b = -origin, e = long(in) - origin;
  b = b < 0 ? 0 : (b > k ? k : b);
  e = e > k ? k : (e < b ? b : e);
  *begin = size_t(b);
  *end = size_t(e);
}

inline DepthwiseWindow WindowOf(const Conv2DGeometry& g, size_t n, size_t oy, size_t ox) {
  const long y0 = long(oy * g.stride_h) - long(g.pad_top);
  const long x0 = long(ox * g.stride_w) - long(g.pad_left);
  DepthwiseWindow w;
  ClampedRange(y0, g.kernel_h, g.in_h, &w.ky_begin, &w.ky_end);
  ClampedRange(x0, g.kernel_w, g.in_w, &w.kx_begin, &w.kx_end);
  // Only used when the window has an in-bounds tap.
  w.pixel0 = w.ky_begin < w.ky_end && w.kx_begin < w.kx_end
                 ? (n * g.in_h + size_t(y0 + long(w.ky_begin))) * g.in_w + size_t(x0 + long(w.kx_begin))
                 : 0;
  return w;
}

// Forward of channels [c_begin, C) of one output pixel, scalar: bias, then
// each in-bounds tap adds x * w to the row (taps outer, channels inner: the
// loads stay contiguous), then the clamp. The scalar kernel and the SIMD
// kernels' tail channels.
inline void DepthwiseForwardChannels(const Conv2DGeometry& g, const DepthwiseWindow& win, const float* x,
                                     const float* w, const float* bias, float lo, float hi, size_t c_begin,
                                     float* y_pixel) {
  const size_t C = g.in_c;
  for (size_t c = c_begin; c < C; ++c) y_pixel[c] = bias ? bias[c] : 0.0f;
  for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
    for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx) {
      const float* xp = x + win.Pixel(g, ky, kx) * C;
      const float* wp = w + (ky * g.kernel_w + kx) * C;
      for (size_t c = c_begin; c < C; ++c) y_pixel[c] += xp[c] * wp[c];
    }
  for (size_t c = c_begin; c < C; ++c) y_pixel[c] = y_pixel[c] < lo ? lo : (y_pixel[c] > hi ? hi : y_pixel[c]);
}

// Calls fn(out_pixel, window) for every output pixel in NHWC order.
template <typename Fn>
void ForEachDepthwiseWindow(const Conv2DGeometry& g, Fn fn) {
  size_t out_pixel = 0;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox, ++out_pixel) fn(out_pixel, WindowOf(g, n, oy, ox));
}

}  // namespace
}  // namespace kernels
}  // namespace mote
