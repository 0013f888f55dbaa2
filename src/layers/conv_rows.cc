#include "src/layers/conv_rows.h"

namespace mote {
namespace conv_rows {

namespace {

// Calls f(class_geometry, ky0, row_begin, row_end) for each run of output
// rows [row_begin, row_end) of one image whose windows keep the same kernel
// rows inside the image: class_geometry (batch 1) has only those kernel rows,
// the first being kernel row ky0 (all of them, zeros included, for windows
// entirely in the padding).
template <class F>
void ForEachRowRun(const kernels::Conv2DGeometry& g, F f) {
  for (size_t oy = 0; oy < g.out_h;) {
    const kernels::KernelTapsRun run =
        kernels::KernelTapsRunFrom(oy, g.out_h, g.in_h, g.kernel_h, g.stride_h, g.pad_top);
    const bool inside = run.taps.end > run.taps.begin;
    const size_t ky0 = inside ? run.taps.begin : 0;
    kernels::Conv2DGeometry gc = g;
    gc.batch = 1;
    gc.kernel_h = inside ? run.taps.end - run.taps.begin : g.kernel_h;
    gc.pad_top -= ky0;  // ky0 > 0 only for windows starting in the top padding
    f(gc, ky0, oy * g.out_w, run.out_end * g.out_w);
    oy = run.out_end;
  }
}

}  // namespace

size_t ColumnsFloats(const kernels::Conv2DGeometry& g) {
  size_t most = 0;
  ForEachRowRun(g, [&](const kernels::Conv2DGeometry& gc, size_t, size_t first, size_t last) {
    const size_t floats = (last - first) * gc.patch_size();
    if (floats > most) most = floats;
  });
  return most;
}

void ConvRows(const kernels::Conv2DGeometry& g, const float* x, const float* w, size_t filters, const float* bias,
              float lo, float hi, float* columns, float* y) {
  const size_t patch = g.patch_size(), row_floats = g.kernel_w * g.in_c;
  const size_t image_in = g.in_h * g.in_w * g.in_c, image_out = g.out_h * g.out_w * filters;
  for (size_t n = 0; n < g.batch; ++n) {
    const float* xn = x + n * image_in;
    float* yn = y + n * image_out;
    ForEachRowRun(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t first, size_t last) {
      const size_t k = gc.patch_size();
      kernels::F32Im2Col(gc, xn, first, last, columns);
      kernels::F32DenseRows(last - first, filters, k, columns, k, w + ky0 * row_floats, patch, bias, lo, hi,
                            yn + first * filters, filters);
    });
  }
}

}  // namespace conv_rows
}  // namespace mote
