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

// Short patches (a first conv on 1 to 3 channels) make short dot products,
// whose horizontal sums cost more than their multiply-adds: those go through
// the GEMM with W^T, transposed per call (at most kGemmPatch x filters floats).
constexpr size_t kGemmPatch = 64;
bool ByGemm(const kernels::Conv2DGeometry& g) { return g.patch_size() < kGemmPatch; }

// Parts of the scratch, in floats, each a multiple of 16: the im2col of one
// row run, and (ByGemm) W^T and the GEMM's workspace.
struct Scratch {
  size_t columns = 0, transposed = 0, workspace = 0;
};
Scratch ScratchFor(const kernels::Conv2DGeometry& g, size_t filters) {
  Scratch s;
  size_t rows_max = 0;
  ForEachRowRun(g, [&](const kernels::Conv2DGeometry& gc, size_t, size_t first, size_t last) {
    const size_t floats = (last - first) * gc.patch_size();
    if (floats > s.columns) s.columns = floats;
    if (last - first > rows_max) rows_max = last - first;
  });
  s.columns = (s.columns + 15) / 16 * 16;
  if (ByGemm(g)) {
    s.transposed = (g.patch_size() * filters + 15) / 16 * 16;
    s.workspace = kernels::F32GemmWorkspaceFloats(rows_max, filters, g.patch_size());
  }
  return s;
}

}  // namespace

size_t ScratchFloats(const kernels::Conv2DGeometry& g, size_t filters) {
  const Scratch s = ScratchFor(g, filters);
  return s.columns + s.transposed + s.workspace;
}

void ConvRows(const kernels::Conv2DGeometry& g, const float* x, const float* w, size_t filters, const float* bias,
              float lo, float hi, float* scratch, float* y) {
  const Scratch sizes = ScratchFor(g, filters);
  const size_t patch = g.patch_size(), row_floats = g.kernel_w * g.in_c;
  const size_t image_in = g.in_h * g.in_w * g.in_c, image_out = g.out_h * g.out_w * filters;
  float* columns = scratch;
  float* transposed = scratch + sizes.columns;  // W^T [patch][filters] (ByGemm)
  float* workspace = transposed + sizes.transposed;
  const bool by_gemm = ByGemm(g);
  if (by_gemm)
    for (size_t j = 0; j < filters; ++j)
      for (size_t p = 0; p < patch; ++p) transposed[p * filters + j] = w[j * patch + p];
  for (size_t n = 0; n < g.batch; ++n) {
    const float* xn = x + n * image_in;
    float* yn = y + n * image_out;
    ForEachRowRun(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t first, size_t last) {
      const size_t k = gc.patch_size();
      float* yr = yn + first * filters;
      kernels::F32Im2Col(gc, xn, first, last, columns);
      if (!by_gemm)
        return kernels::F32DenseRows(last - first, filters, k, columns, k, w + ky0 * row_floats, patch, bias, lo,
                                     hi, yr, filters);
      kernels::F32Gemm(kernels::Transpose::kNo, kernels::Transpose::kNo, last - first, filters, k, columns, k,
                       transposed + ky0 * row_floats * filters, filters, yr, filters, false, workspace);
      kernels::F32ChannelAffineClamp(last - first, filters, yr, nullptr, bias, lo, hi, yr);
    });
  }
}

}  // namespace conv_rows
}  // namespace mote
