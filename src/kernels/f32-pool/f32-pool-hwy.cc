// Highway pooling, vectorized across channels (contiguous in NHWC) with a
// scalar loop for the last channels % lanes. Every channel sees the window's
// pixels in the reference's order with the reference's comparisons, so results
// match the scalar reference bit for bit. Max-pool backward keeps, per lane,
// the window position of the first maximum, then adds dy where the position
// matches (adding +0 elsewhere leaves dx unchanged).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-pool/f32-pool-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/f32-pool/f32-pool-window.h"
#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_INLINE void PoolZero(size_t n, float* dst) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Zero(d), d, dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

void MaxPoolImpl(const Pool2DGeometry& g, const float* x, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const size_t c = g.channels;
  const float ninf = -__builtin_inff();
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        float* out = y + ((n * g.out_h + oy) * g.out_w + ox) * c;
        const float* base = x + n * g.in_h * g.in_w * c;
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          auto acc = hn::Set(d, ninf);
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              const auto v = hn::LoadU(d, base + (iy * g.in_w + ix) * c + ch);
              acc = hn::IfThenElse(hn::Gt(v, acc), v, acc);
            }
          hn::StoreU(acc, d, out + ch);
        }
        for (; ch < c; ++ch) {
          float acc = ninf;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              const float v = base[(iy * g.in_w + ix) * c + ch];
              acc = v > acc ? v : acc;
            }
          out[ch] = acc;
        }
      }
}

void MaxPoolBackwardImpl(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const size_t c = g.channels;
  PoolZero(g.batch * g.in_h * g.in_w * c, dx);
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        if (w.y_begin == w.y_end || w.x_begin == w.x_end) continue;
        const float* grad = dy + ((n * g.out_h + oy) * g.out_w + ox) * c;
        const size_t first = (n * g.in_h + w.y_begin) * g.in_w + w.x_begin;  // pixel index
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          // Pass 1: per lane, value and window position (as float: windows
          // are far below 2^24 pixels) of the first maximum.
          auto best = hn::LoadU(d, x + first * c + ch);
          auto best_pos = hn::Zero(d);
          float pos = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix, pos += 1.0f) {
              const auto v = hn::LoadU(d, x + ((n * g.in_h + iy) * g.in_w + ix) * c + ch);
              const auto greater = hn::Gt(v, best);
              best = hn::IfThenElse(greater, v, best);
              best_pos = hn::IfThenElse(greater, hn::Set(d, pos), best_pos);
            }
          // Pass 2: route the gradient to the winning pixel of each lane.
          const auto g_v = hn::LoadU(d, grad + ch);
          pos = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix, pos += 1.0f) {
              const auto hit = hn::Eq(best_pos, hn::Set(d, pos));
              if (hn::AllFalse(d, hit)) continue;
              float* dst = dx + ((n * g.in_h + iy) * g.in_w + ix) * c + ch;
              hn::StoreU(hn::Add(hn::LoadU(d, dst), hn::IfThenElseZero(hit, g_v)), d, dst);
            }
        }
        for (; ch < c; ++ch) {
          size_t best = first * c + ch;
          float best_value = x[best];
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              const size_t idx = ((n * g.in_h + iy) * g.in_w + ix) * c + ch;
              if (x[idx] > best_value) {
                best = idx;
                best_value = x[idx];
              }
            }
          dx[best] += grad[ch];
        }
      }
}

void AvgPoolImpl(const Pool2DGeometry& g, const float* x, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const size_t c = g.channels;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        float* out = y + ((n * g.out_h + oy) * g.out_w + ox) * c;
        const float* base = x + n * g.in_h * g.in_w * c;
        const size_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
        const float inv = count ? 1.0f / float(count) : 0.0f;
        const auto vinv = hn::Set(d, inv);
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          auto acc = hn::Zero(d);
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix)
              acc = hn::Add(acc, hn::LoadU(d, base + (iy * g.in_w + ix) * c + ch));
          hn::StoreU(hn::Mul(acc, vinv), d, out + ch);
        }
        for (; ch < c; ++ch) {
          float acc = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) acc += base[(iy * g.in_w + ix) * c + ch];
          out[ch] = acc * inv;
        }
      }
}

void AvgPoolBackwardImpl(const Pool2DGeometry& g, const float* dy, float* dx) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const size_t c = g.channels;
  PoolZero(g.batch * g.in_h * g.in_w * c, dx);
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        const float* grad = dy + ((n * g.out_h + oy) * g.out_w + ox) * c;
        float* base = dx + n * g.in_h * g.in_w * c;
        const size_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
        const float inv = count ? 1.0f / float(count) : 0.0f;
        const auto vinv = hn::Set(d, inv);
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          const auto share = hn::Mul(hn::LoadU(d, grad + ch), vinv);
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              float* dst = base + (iy * g.in_w + ix) * c + ch;
              hn::StoreU(hn::Add(hn::LoadU(d, dst), share), d, dst);
            }
        }
        for (; ch < c; ++ch) {
          const float share = grad[ch] * inv;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) base[(iy * g.in_w + ix) * c + ch] += share;
        }
      }
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(MaxPoolImpl);
HWY_EXPORT(MaxPoolBackwardImpl);
HWY_EXPORT(AvgPoolImpl);
HWY_EXPORT(AvgPoolBackwardImpl);

namespace hwy_backend {
void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(MaxPoolImpl)(g, x, y);
}
void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) {
  HWY_DYNAMIC_DISPATCH(MaxPoolBackwardImpl)(g, x, dy, dx);
}
void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(AvgPoolImpl)(g, x, y);
}
void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) {
  HWY_DYNAMIC_DISPATCH(AvgPoolBackwardImpl)(g, dy, dx);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
