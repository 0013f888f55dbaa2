// Highway im2col / col2im. In NHWC the kx in-bounds pixels of one kernel row
// are adjacent in memory, so each (row, ky) becomes one contiguous run of
// kx_count * in_c floats (copied or accumulated with full vectors and a scalar
// tail) between zero-filled padding runs. Col2im adds in the reference's
// order (rows, then ky, then kx), so both kernels match the scalar reference
// bit for bit.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-im2col/f32-im2col-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_INLINE void Im2ColZero(size_t n, float* dst) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(zero, d, dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

HWY_INLINE void Im2ColCopy(size_t n, const float* src, float* dst) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::LoadU(d, src + i), d, dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}

HWY_INLINE void Im2ColAccumulate(size_t n, const float* src, float* dst) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Add(hn::LoadU(d, dst + i), hn::LoadU(d, src + i)), d, dst + i);
  for (; i < n; ++i) dst[i] += src[i];
}

// In-bounds kernel columns [begin, end) of a window whose left edge is x0.
void Im2ColImpl(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
                float* columns) {
  const size_t c = g.in_c;
  const size_t kernel_row = g.kernel_w * c;  // floats per (row, ky) in the matrix
  // Short kernel rows (e.g. 5 pixels of 1 channel) are mostly call and
  // branch overhead in the vector path: copy them element by element.
  const bool short_rows = kernel_row < 2 * hn::Lanes(hn::ScalableTag<float>());
  float* out = columns;
  // Output pixel of row_begin, then advanced incrementally (no divisions per row).
  size_t ox = row_begin % g.out_w;
  size_t oy = (row_begin / g.out_w) % g.out_h;
  size_t n = row_begin / (g.out_w * g.out_h);
  for (size_t r = row_begin; r < row_end; ++r) {
    // Signed origin of the window: padding makes it negative at the borders.
    const long y0 = long(oy * g.stride_h) - long(g.pad_top);
    const long x0 = long(ox * g.stride_w) - long(g.pad_left);
    const Im2ColSpan span = Im2ColColumns(g, x0);
    for (size_t ky = 0; ky < g.kernel_h; ++ky, out += kernel_row) {
      const long y = y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || span.begin == span.end) {
        Im2ColZero(kernel_row, out);
        continue;
      }
      const float* src = input + ((n * g.in_h + size_t(y)) * g.in_w + size_t(x0 + long(span.begin))) * c;
      if (short_rows) {
        // One select per element (GCC would turn split zero/copy loops into
        // memset/memcpy calls, which cost more than 5 floats).
        const size_t lo = span.begin * c, hi = span.end * c;
        for (size_t i = 0; i < kernel_row; ++i) out[i] = (i >= lo && i < hi) ? src[i - lo] : 0.0f;
        continue;
      }
      Im2ColZero(span.begin * c, out);
      Im2ColCopy((span.end - span.begin) * c, src, out + span.begin * c);
      Im2ColZero(kernel_row - span.end * c, out + span.end * c);
    }
    if (++ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++n;
      }
    }
  }
}

void Col2ImAccumulateImpl(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                          float* input_grad) {
  const size_t c = g.in_c;
  const size_t kernel_row = g.kernel_w * c;
  const float* col = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    const Im2ColSpan span = Im2ColColumns(g, w.x0);
    for (size_t ky = 0; ky < g.kernel_h; ++ky, col += kernel_row) {
      const long y = w.y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || span.begin == span.end) continue;
      float* dst = input_grad + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(w.x0 + long(span.begin))) * c;
      Im2ColAccumulate((span.end - span.begin) * c, col + span.begin * c, dst);
    }
  }
}

void Col2ImImpl(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Im2ColZero(g.batch * g.in_h * g.in_w * g.in_c, input_grad);
  Col2ImAccumulateImpl(g, columns, 0, g.rows(), input_grad);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(Im2ColImpl);
HWY_EXPORT(Col2ImImpl);
HWY_EXPORT(Col2ImAccumulateImpl);

namespace hwy_backend {
void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  HWY_DYNAMIC_DISPATCH(Im2ColImpl)(g, input, row_begin, row_end, columns);
}
void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  HWY_DYNAMIC_DISPATCH(Col2ImImpl)(g, columns, input_grad);
}
void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  HWY_DYNAMIC_DISPATCH(Col2ImAccumulateImpl)(g, columns, row_begin, row_end, input_grad);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
