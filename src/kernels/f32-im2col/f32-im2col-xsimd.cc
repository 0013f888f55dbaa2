// xsimd im2col / col2im. In NHWC the kx in-bounds pixels of one kernel row are
// adjacent in memory, so each (row, ky) becomes one contiguous run of
// kx_count * in_c floats (copied or accumulated with full batches and a scalar
// tail) between zero-filled padding runs. Col2im adds in the reference's order
// (rows, then ky, then kx), so both kernels match the scalar reference bit for
// bit.
#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

void Zero(size_t n, float* dst) {
  const Batch zero(0.0f);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) zero.store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

void Copy(size_t n, const float* src, float* dst) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) Batch::load_unaligned(src + i).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}

void Accumulate(size_t n, const float* src, float* dst) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    (Batch::load_unaligned(dst + i) + Batch::load_unaligned(src + i)).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] += src[i];
}

}  // namespace

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  const size_t c = g.in_c;
  const size_t kernel_row = g.kernel_w * c;  // floats per (row, ky) in the matrix
  float* out = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    const Im2ColSpan span = Im2ColColumns(g, w.x0);
    for (size_t ky = 0; ky < g.kernel_h; ++ky, out += kernel_row) {
      const long y = w.y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || span.begin == span.end) {
        Zero(kernel_row, out);
        continue;
      }
      const float* src = input + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(w.x0 + long(span.begin))) * c;
      Zero(span.begin * c, out);
      Copy((span.end - span.begin) * c, src, out + span.begin * c);
      Zero(kernel_row - span.end * c, out + span.end * c);
    }
  }
}

void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
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
      Accumulate((span.end - span.begin) * c, col + span.begin * c, dst);
    }
  }
}

void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Zero(g.batch * g.in_h * g.in_w * g.in_c, input_grad);
  MOTE_XSIMD_NS::F32Col2ImAccumulate(g, columns, 0, g.rows(), input_grad);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
