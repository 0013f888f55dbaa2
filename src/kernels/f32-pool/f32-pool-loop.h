// Pooling, written once against the vector adapter (src/kernels/simd-adapter.h;
// included by f32-pool-{hwy,xsimd}.cc after their adapter, once per target),
// vectorized across channels (contiguous in NHWC) with a scalar loop for the
// last channels % lanes. Every channel sees the window's pixels in the
// reference's order with the reference's comparisons, so results match the
// scalar reference bit for bit. Max-pool backward keeps, per lane, the window
// position of the first maximum, then adds dy where the position matches
// (adding +0 elsewhere leaves dx unchanged).
#include <stddef.h>

#include "src/kernels/f32-pool/f32-pool-window.h"

MOTE_SIMD_BEGIN

MOTE_SIMD_INLINE void PoolZero(size_t n, float* dst) {
  const size_t N = simd::Lanes();
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(simd::Zero(), dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) {
  const size_t N = simd::Lanes();
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
          simd::V acc = simd::Set(ninf);
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              const simd::V v = simd::Load(base + (iy * g.in_w + ix) * c + ch);
              acc = simd::Select(simd::Gt(v, acc), v, acc);
            }
          simd::Store(acc, out + ch);
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

void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) {
  const size_t N = simd::Lanes();
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
          simd::V best = simd::Load(x + first * c + ch);
          simd::V best_pos = simd::Zero();
          float pos = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix, pos += 1.0f) {
              const simd::V v = simd::Load(x + ((n * g.in_h + iy) * g.in_w + ix) * c + ch);
              const simd::M greater = simd::Gt(v, best);
              best = simd::Select(greater, v, best);
              best_pos = simd::Select(greater, simd::Set(pos), best_pos);
            }
          // Pass 2: route the gradient to the winning pixel of each lane.
          const simd::V g_v = simd::Load(grad + ch);
          pos = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix, pos += 1.0f) {
              const simd::M hit = simd::Eq(best_pos, simd::Set(pos));
              if (simd::AllFalse(hit)) continue;
              float* dst = dx + ((n * g.in_h + iy) * g.in_w + ix) * c + ch;
              simd::Store(simd::Add(simd::Load(dst), simd::IfThenElseZero(hit, g_v)), dst);
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

void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) {
  const size_t N = simd::Lanes();
  const size_t c = g.channels;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        float* out = y + ((n * g.out_h + oy) * g.out_w + ox) * c;
        const float* base = x + n * g.in_h * g.in_w * c;
        const size_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
        const float inv = count ? 1.0f / float(count) : 0.0f;
        const simd::V vinv = simd::Set(inv);
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          simd::V acc = simd::Zero();
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix)
              acc = simd::Add(acc, simd::Load(base + (iy * g.in_w + ix) * c + ch));
          simd::Store(simd::Mul(acc, vinv), out + ch);
        }
        for (; ch < c; ++ch) {
          float acc = 0.0f;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) acc += base[(iy * g.in_w + ix) * c + ch];
          out[ch] = acc * inv;
        }
      }
}

void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) {
  const size_t N = simd::Lanes();
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
        const simd::V vinv = simd::Set(inv);
        size_t ch = 0;
        for (; ch + N <= c; ch += N) {
          const simd::V share = simd::Mul(simd::Load(grad + ch), vinv);
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              float* dst = base + (iy * g.in_w + ix) * c + ch;
              simd::Store(simd::Add(simd::Load(dst), share), dst);
            }
        }
        for (; ch < c; ++ch) {
          const float share = grad[ch] * inv;
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) base[(iy * g.in_w + ix) * c + ch] += share;
        }
      }
}

MOTE_SIMD_END
