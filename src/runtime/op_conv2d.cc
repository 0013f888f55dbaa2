// CONV2D: im2col of `tile_rows` output pixels at a time into the op's scratch,
// then the rows-against-weights kernel with the fused clamp (f32) or
// requantization (int8). A 1x1, stride-1, unpadded conv reads the input rows
// in place (no scratch needed).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

bool Pointwise(const kernels::Conv2DGeometry& g) {
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}

}  // namespace

mote_rt_status ValidateConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& y = Out(m, op);
  MOTE_RT_TRY(CheckWindow(op, x, y));
  if (op.params[6] < 1) return MOTE_RT_BAD_PARAMS;
  MOTE_RT_TRY(CheckUnusedParams(op, 7));
  const uint32_t cout = y.dims[2];
  if (w.rank != 4 || w.dims[0] != cout || w.dims[1] != uint32_t(op.params[0]) ||
      w.dims[2] != uint32_t(op.params[1]) || w.dims[3] != x.dims[2])
    return MOTE_RT_BAD_SHAPE;
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  const uint64_t patch = uint64_t(g.patch_size());  // < 2^32: the weights' element count
  MOTE_RT_TRY(CheckBiasAndRequant(m, op, cout, uint32_t(patch)));
  if (Pointwise(g)) return MOTE_RT_OK;
  const uint64_t rows = uint64_t(g.rows());
  const uint64_t tile = uint64_t(op.params[6]) < rows ? uint64_t(op.params[6]) : rows;
  return CheckScratch(op, tile * patch * (IsI8(x) ? 1 : 4));
}

void RunConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  const size_t cout = Out(m, op).dims[2];
  const size_t patch = g.patch_size(), rows = g.rows();
  const size_t tile = size_t(op.params[6]);
  const bool direct = Pointwise(g);
  if (IsI8(In(m, op, 0))) {
    const int32_t* requant = InI32(m, op, 3);
    const kernels::I8Requant rq{InI32(m, op, 2), requant, requant + cout, Out(m, op).zero_point, I8Min(op),
                                I8Max(op)};
    const int8_t* x = InI8(m, op, 0);
    int8_t* y = OutI8(m, op);
    if (direct) return kernels::I8DenseRows(rows, cout, patch, x, patch, InI8(m, op, 1), patch, rq, y, cout);
    int8_t* columns = reinterpret_cast<int8_t*>(Scratch(m, op));
    const int8_t pad = int8_t(In(m, op, 0).zero_point);
    for (size_t r = 0; r < rows; r += tile) {
      const size_t end = rows - r < tile ? rows : r + tile;
      kernels::I8Im2Col(g, x, pad, r, end, columns);
      kernels::I8DenseRows(end - r, cout, patch, columns, patch, InI8(m, op, 1), patch, rq, y + r * cout, cout);
    }
    return;
  }
  const float* x = InF32(m, op, 0);
  float* y = OutF32(m, op);
  if (direct)
    return kernels::F32DenseRows(rows, cout, patch, x, patch, InF32(m, op, 1), patch, InF32(m, op, 2), op.act_min,
                                 op.act_max, y, cout);
  // Runs of output rows whose windows keep the same kernel rows inside the
  // image multiply only those rows of W: no multiply-adds on the top and
  // bottom zero padding. (int8 keeps every tap: its bias folds the input zero
  // point over all of them.)
  float* columns = reinterpret_cast<float*>(Scratch(m, op));
  const float* w = InF32(m, op, 1);
  for (size_t oy = 0; oy < g.out_h;) {
    const auto taps_of = [&g](size_t row) {
      return kernels::KernelTapsInside(long(row * g.stride_h) - long(g.pad_top), g.kernel_h, g.in_h);
    };
    const kernels::KernelTaps taps = taps_of(oy);
    size_t oy_end = oy + 1;
    while (oy_end < g.out_h && taps_of(oy_end).begin == taps.begin && taps_of(oy_end).end == taps.end) ++oy_end;
    // Only the kernel rows inside, same windows (all of them, zeros included,
    // for a window entirely in the padding).
    const size_t ky0 = taps.end > taps.begin ? taps.begin : 0;
    kernels::Conv2DGeometry gc = g;
    gc.kernel_h = taps.end > taps.begin ? taps.end - taps.begin : g.kernel_h;
    gc.pad_top -= ky0;
    const size_t k = gc.patch_size(), first = oy * g.out_w, last = oy_end * g.out_w;  // batch 1
    for (size_t r = first; r < last; r += tile) {
      const size_t end = last - r < tile ? last : r + tile;
      kernels::F32Im2Col(gc, x, r, end, columns);
      kernels::F32DenseRows(end - r, cout, k, columns, k, w + ky0 * g.kernel_w * g.in_c, patch,
                            InF32(m, op, 2), op.act_min, op.act_max, y + r * cout, cout);
    }
    oy = oy_end;
  }
}

}  // namespace rt
}  // namespace mote
