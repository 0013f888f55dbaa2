#include "src/kernels/f32-pool/f32-pool-window.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) {
  const size_t c = g.channels;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        float* out = y + ((n * g.out_h + oy) * g.out_w + ox) * c;
        for (size_t ch = 0; ch < c; ++ch) out[ch] = -__builtin_inff();
        for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
          for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
            const float* in = x + ((n * g.in_h + iy) * g.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) out[ch] = in[ch] > out[ch] ? in[ch] : out[ch];
          }
      }
}

void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) {
  const size_t c = g.channels;
  const size_t total = g.batch * g.in_h * g.in_w * c;
  for (size_t i = 0; i < total; ++i) dx[i] = 0.0f;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        const float* grad = dy + ((n * g.out_h + oy) * g.out_w + ox) * c;
        for (size_t ch = 0; ch < c; ++ch) {
          // First maximal pixel in row-major window order gets the gradient.
          size_t best = SIZE_MAX;
          float best_value = -__builtin_inff();
          for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
            for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
              const size_t idx = ((n * g.in_h + iy) * g.in_w + ix) * c + ch;
              if (best == SIZE_MAX || x[idx] > best_value) {
                best = idx;
                best_value = x[idx];
              }
            }
          if (best != SIZE_MAX) dx[best] += grad[ch];
        }
      }
}

void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) {
  const size_t c = g.channels;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        float* out = y + ((n * g.out_h + oy) * g.out_w + ox) * c;
        for (size_t ch = 0; ch < c; ++ch) out[ch] = 0.0f;
        for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
          for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
            const float* in = x + ((n * g.in_h + iy) * g.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) out[ch] += in[ch];
          }
        const size_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
        const float inv = count ? 1.0f / float(count) : 0.0f;
        for (size_t ch = 0; ch < c; ++ch) out[ch] *= inv;
      }
}

void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) {
  const size_t c = g.channels;
  const size_t total = g.batch * g.in_h * g.in_w * c;
  for (size_t i = 0; i < total; ++i) dx[i] = 0.0f;
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox) {
        const PoolWindow w = PoolWindowAt(g, oy, ox);
        const float* grad = dy + ((n * g.out_h + oy) * g.out_w + ox) * c;
        const size_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
        const float inv = count ? 1.0f / float(count) : 0.0f;
        for (size_t iy = w.y_begin; iy < w.y_end; ++iy)
          for (size_t ix = w.x_begin; ix < w.x_end; ++ix) {
            float* d = dx + ((n * g.in_h + iy) * g.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) d[ch] += grad[ch] * inv;
          }
      }
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
