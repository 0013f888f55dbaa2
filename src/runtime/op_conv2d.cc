// CONV2D: im2col of `tile_rows` output pixels at a time into the op's scratch,
// then the rows-against-weights kernel with the fused clamp (f32), or both in
// one kernel with the requantization (int8, kernels::I8ConvRows, which tiles
// the rows itself to the scratch it gets), run by row classes that leave out
// the kernel rows falling into the top / bottom padding (int8 with a host SIMD
// backend: every row at once). A 1x1, stride-1, unpadded conv reads the input
// rows in place (no scratch needed).
#include "mote/kernels.h"
#include "src/runtime/conv_row_classes.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

// 1x1, stride 1, unpadded, output [H, W] the input's (params[0..6): window,
// stride, pad). Kernel sizes and strides are validated >= 1: their OR is 1
// when all are 1. Out of line: one copy for Validate and Run.
__attribute__((noinline)) bool Pointwise(const MoteOpRecord& op, const MoteTensorRecord& x,
                                         const MoteTensorRecord& y) {
  const int32_t* p = op.params;
  return (p[0] | p[1] | p[2] | p[3]) == 1 && (p[4] | p[5]) == 0 && y.dims[0] == x.dims[0] && y.dims[1] == x.dims[1];
}

}  // namespace

mote_rt_status ValidateConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
#if MOTE_HOSTED
  if (PanelLayout(op))
    return ValidateConv2DPanels(m, op);
#endif
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& y = Out(m, op);
  MOTE_RT_TRY(CheckWindow(op, x, y));
  const bool kernel_rows = op.params[6] == MOTE_CONV2D_KERNEL_ROW_TILES && !ComputesI8(x);
  if ((op.params[6] < 1 && !kernel_rows) || op.params[7] != 0) return MOTE_RT_BAD_PARAMS;
  const uint32_t cout = y.dims[2];
  if (w.rank != 4 || w.dims[0] != cout || w.dims[1] != uint32_t(op.params[0]) ||
      w.dims[2] != uint32_t(op.params[1]) || w.dims[3] != x.dims[2])
    return MOTE_RT_BAD_SHAPE;
  const uint32_t patch = w.dims[1] * w.dims[2] * w.dims[3];  // < 2^32: the weights' element count
  MOTE_RT_TRY(CheckBiasAndRequant(m, op, cout, patch));
  if (Pointwise(op, x, y)) return MOTE_RT_OK;
  if (kernel_rows) return CheckScratch(op, uint64_t(w.dims[2]) * w.dims[3] * 4);
  const uint64_t rows = uint64_t(y.dims[0]) * y.dims[1];
  const uint64_t tile = uint64_t(op.params[6]) < rows ? uint64_t(op.params[6]) : rows;
  return CheckScratch(op, tile * patch * (ComputesI8(x) ? 1 : 4));
}

namespace {

// fp32, MOTE_CONV2D_KERNEL_ROW_TILES: per output pixel, the bias, then per
// kernel row inside the image its im2col (kw * Cin floats, the pixel's window
// in one input row) against that part of W, added to the pixel's outputs
// (F32DenseRows with the running sums as its bias), then the clamp.
void RunKernelRows(const kernels::Conv2DGeometry& g, const float* x, const float* w, const float* bias,
                   const MoteOpRecord& op, float* columns, float* y, size_t cout) {
  const size_t row_floats = g.kernel_w * g.in_c, patch = g.patch_size();
  kernels::Conv2DGeometry row = g;  // the window of one output row in one input row
  row.batch = row.in_h = row.kernel_h = row.stride_h = row.out_h = 1;
  row.pad_top = 0;
  const float inf = __builtin_inff();
  for (size_t r = 0; r < g.rows(); ++r) {
    const size_t oy = r / g.out_w, ox = r % g.out_w;
    float* yr = y + r * cout;
    for (size_t j = 0; j < cout; ++j) yr[j] = bias != nullptr ? bias[j] : 0.0f;
    for (size_t ky = 0; ky < g.kernel_h; ++ky) {
      const long iy = long(oy * g.stride_h) - long(g.pad_top) + long(ky);
      if (iy < 0 || iy >= long(g.in_h)) continue;  // padding: zeros
      kernels::F32Im2Col(row, x + size_t(iy) * g.in_w * g.in_c, ox, ox + 1, columns);
      kernels::F32DenseRows(1, cout, row_floats, columns, row_floats, w + ky * row_floats, patch, yr, -inf, inf, yr,
                            cout);
    }
    for (size_t j = 0; j < cout; ++j) yr[j] = yr[j] < op.act_min ? op.act_min : (yr[j] > op.act_max ? op.act_max : yr[j]);
  }
}

}  // namespace

MOTE_RT_NO_LOOP_HOISTING void RunConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
#if MOTE_HOSTED
  if (PanelLayout(op))
    return RunConv2DPanels(m, op);
#endif
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  const size_t cout = Out(m, op).dims[2];
  const size_t patch = g.patch_size(), rows = g.rows();
  const size_t tile = size_t(op.params[6]);
  const size_t row_floats = g.kernel_w * g.in_c;  // W elements per kernel row
  const bool direct = Pointwise(op, In(m, op, 0), Out(m, op));
  if (RunsI8(In(m, op, 0))) {
    const kernels::I8Requant rq = I8RequantOf(m, op, cout);
    const int8_t* x = InI8(m, op, 0);
    const int8_t* w = InI8(m, op, 1);
    int8_t* y = OutI8(m, op);
    if (direct) return kernels::I8DenseRows(rows, cout, patch, x, patch, w, patch, rq, y, cout);
    int8_t* columns = reinterpret_cast<int8_t*>(Scratch(m, op));
    const size_t columns_bytes = op.scratch_bytes;
    const int32_t pad = In(m, op, 0).zero_point;
#if MOTE_HOSTED
    // With SIMD dot products the padding taps are multiplied (as the zero
    // point, so the sums are the same): skipping them needs their weights'
    // sums for the bias, which cost more than the multiply-adds they save.
    // The scalar backend (and every microcontroller) skips them; tests
    // compare the two bit for bit.
    if (ActiveBackend() != Backend::kScalar) {
      for (size_t r = 0; r < rows; r += tile) {
        const size_t end = rows - r < tile ? rows : r + tile;
        kernels::I8Im2Col(g, x, int8_t(pad), r, end, columns);
        kernels::I8DenseRows(end - r, cout, patch, columns, patch, w, patch, rq, y + r * cout, cout);
      }
      return;
    }
#endif
    ForEachRowClass(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t first, size_t last) {
      const size_t k = gc.patch_size(), skip_before = ky0 * row_floats, skip_from = skip_before + k;
      // Every kernel row inside (k == patch): one call, the op's own bias.
      // Otherwise the bias folds the input zero point in over every tap: give
      // the skipped (padding) taps' share back, so results stay bit-identical.
      // Output channels in chunks (the adjusted bias lives on the stack), each
      // chunk over every row of the row class: the adjustment is summed once
      // per chunk (the im2col is redone per chunk instead, a copy of k bytes
      // per row against k multiply-adds per row and output channel).
      constexpr size_t kChunk = 64;
      const bool whole = k == patch;
      size_t n;
      for (size_t c0 = 0; c0 < cout; c0 += n) {
        n = whole || cout - c0 < kChunk ? cout - c0 : kChunk;
        int32_t bias[kChunk];
        kernels::I8Requant part = rq;
        if (!whole) {
          for (size_t j = 0; j < n; ++j) bias[j] = 0;
          // The taps [0, skip_before), then [skip_from, patch) (skip_before < patch).
          for (size_t at = 0, end = skip_before;; at = skip_from, end = patch) {
            kernels::I8RowSums(n, end - at, w + c0 * patch + at, patch, bias);
            if (end == patch) break;
          }
          for (size_t j = 0; j < n; ++j) bias[j] = rq.bias[c0 + j] + pad * bias[j];
          part.bias = bias;
          part.multiplier += c0;
          part.shift += c0;
        }
        kernels::I8ConvRows(gc, x, int8_t(pad), first, last, w + c0 * patch + skip_before, patch, n, part, columns,
                            columns_bytes, y + first * cout + c0, cout);
      }
    });
    return;
  }
  const float* x = InF32(m, op, 0);
  const float* w = InF32(m, op, 1);
  float* y = OutF32(m, op);
  if (direct)
    return kernels::F32DenseRows(rows, cout, patch, x, patch, w, patch, InF32(m, op, 2), op.act_min, op.act_max, y,
                                 cout);
  float* columns = reinterpret_cast<float*>(Scratch(m, op));
  if (op.params[6] == MOTE_CONV2D_KERNEL_ROW_TILES) return RunKernelRows(g, x, w, InF32(m, op, 2), op, columns, y, cout);
  ForEachRowClass(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t first, size_t last) {
    const size_t k = gc.patch_size();
    for (size_t r = first; r < last; r += tile) {
      const size_t end = last - r < tile ? last : r + tile;
      kernels::F32Im2Col(gc, x, r, end, columns);
      kernels::F32DenseRows(end - r, cout, k, columns, k, w + ky0 * row_floats, patch, InF32(m, op, 2), op.act_min,
                            op.act_max, y + r * cout, cout);
    }
  });
}

}  // namespace rt
}  // namespace mote
