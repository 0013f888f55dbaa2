// Highway depthwise convolution, vectorized over channels (contiguous in x, w
// and y): forward keeps each channel vector's sum in a register across the
// window's taps (full vectors, then 4-lane ones); the backward passes add
// dy * w (input) and dy * x (weights) into their rows per tap. Tail channels
// run the scalar code.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-depthwise/f32-depthwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/depthwise-window.h"
#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Channels [c, ...) of one output pixel in whole vectors of tag d, each
// vector's sum kept in a register across the window's taps; returns the
// first channel not done.
template <class D>
HWY_INLINE size_t DepthwiseVectors(D d, const Conv2DGeometry& g, const DepthwiseWindow& win, const float* x,
                                   const float* w, const float* bias, float lo, float hi, size_t c, float* yp) {
  const size_t N = hn::Lanes(d), C = g.in_c;
  const auto vlo = hn::Set(d, lo), vhi = hn::Set(d, hi);
  for (; c + N <= C; c += N) {
    auto acc = bias ? hn::LoadU(d, bias + c) : hn::Zero(d);
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        acc = hn::MulAdd(hn::LoadU(d, x + win.Pixel(g, ky, kx) * C + c),
                         hn::LoadU(d, w + (ky * g.kernel_w + kx) * C + c), acc);
    hn::StoreU(hn::Min(hn::Max(acc, vlo), vhi), d, yp + c);
  }
  return c;
}

void DepthwiseImpl(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo, float hi,
                   float* y) {
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    float* yp = y + out_pixel * g.in_c;
    size_t c = DepthwiseVectors(hn::ScalableTag<float>(), g, win, x, w, bias, lo, hi, 0, yp);
    // Narrow channel counts (e.g. 10 on 16-lane AVX-512): 4-lane vectors next.
    c = DepthwiseVectors(hn::CappedTag<float, 4>(), g, win, x, w, bias, lo, hi, c, yp);
    DepthwiseForwardChannels(g, win, x, w, bias, lo, hi, c, yp);
  });
}

// row[c] += a[c] * b[c] for c < C.
HWY_INLINE void MulAddRow(size_t C, const float* a, const float* b, float* row) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t c = 0;
  for (; c + N <= C; c += N)
    hn::StoreU(hn::MulAdd(hn::LoadU(d, a + c), hn::LoadU(d, b + c), hn::LoadU(d, row + c)), d, row + c);
  for (; c < C; ++c) row[c] += a[c] * b[c];
}

void DepthwiseBackwardInputImpl(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  const size_t C = g.in_c;
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d), total = g.batch * g.in_h * g.in_w * C;
  size_t i = 0;
  for (; i + N <= total; i += N) hn::StoreU(hn::Zero(d), d, dx + i);
  for (; i < total; ++i) dx[i] = 0.0f;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        MulAddRow(C, dy + out_pixel * C, w + (ky * g.kernel_w + kx) * C, dx + win.Pixel(g, ky, kx) * C);
  });
}

void DepthwiseBackwardWeightsImpl(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  const size_t C = g.in_c;
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
      for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
        MulAddRow(C, dy + out_pixel * C, x + win.Pixel(g, ky, kx) * C, dw + (ky * g.kernel_w + kx) * C);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(DepthwiseImpl);
HWY_EXPORT(DepthwiseBackwardInputImpl);
HWY_EXPORT(DepthwiseBackwardWeightsImpl);
namespace hwy_backend {
void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  HWY_DYNAMIC_DISPATCH(DepthwiseImpl)(g, x, w, bias, lo, hi, y);
}
void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  HWY_DYNAMIC_DISPATCH(DepthwiseBackwardInputImpl)(g, dy, w, dx);
}
void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  HWY_DYNAMIC_DISPATCH(DepthwiseBackwardWeightsImpl)(g, x, dy, dw);
}
}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
