// CONV2D with the host weight layout (MOTE_CONV2D_WEIGHTS_PANELS, written by
// `mote export --target host`; hosted builds only): weights in panels of 16
// output channels, so the kernels broadcast each input value against vectors
// of output channels instead of summing every output across a vector.
// fp32: im2col per row class (the top / bottom padding's kernel rows left
// out, as op_conv2d.cc does) in tiles of tile_rows, then F32PanelRows; int8:
// im2col of every tap (padding reads the zero point) in tiles of tile_rows,
// then I8PanelRows, bit-identical to the [Cout][K] layout's results.
#include "mote/kernels.h"
#include "src/runtime/conv_row_classes.h"
#include "src/runtime/op.h"

#if MOTE_HOSTED
namespace mote {
namespace rt {

mote_rt_status ValidateConv2DPanels(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& y = Out(m, op);
  MOTE_RT_TRY(CheckWindow(op, x, y));
  if (op.params[6] < 1) return MOTE_RT_BAD_PARAMS;
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  const uint64_t patch = uint64_t(g.patch_size());
  const uint32_t cout = y.dims[2];
  const bool i8 = IsI8(x);
  const uint64_t panels = kernels::PanelCount(cout), taps = i8 ? kernels::I8PanelQuads(patch) : patch;
  if (w.rank != 4 || w.dims[0] != panels || w.dims[1] != taps || w.dims[2] != kernels::kPanelChannels ||
      w.dims[3] != (i8 ? 4u : 1u))
    return MOTE_RT_BAD_SHAPE;
  MOTE_RT_TRY(CheckBiasAndRequant(m, op, cout, uint32_t(patch)));
  if (Pointwise(g)) return MOTE_RT_OK;
  const uint64_t rows = uint64_t(g.rows());
  const uint64_t tile = uint64_t(op.params[6]) < rows ? uint64_t(op.params[6]) : rows;
  return CheckScratch(op, tile * patch * (i8 ? 1 : 4));
}

void RunConv2DPanels(const mote_rt_model& m, const MoteOpRecord& op) {
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  const size_t cout = Out(m, op).dims[2];
  const size_t patch = g.patch_size(), rows = g.rows();
  const size_t tile = size_t(op.params[6]);
  const bool direct = Pointwise(g);
  if (RunsI8(In(m, op, 0))) {
    const int32_t* requant = InI32(m, op, 3);
    const kernels::I8Requant rq{InI32(m, op, 2), requant, requant + cout, Out(m, op).zero_point, I8Min(op),
                                I8Max(op)};
    const int8_t* x = InI8(m, op, 0);
    const int8_t* w = InI8(m, op, 1);
    const size_t panel_bytes = kernels::I8PanelQuads(patch) * kernels::kPanelChannels * 4;
    int8_t* y = OutI8(m, op);
    if (direct) return kernels::I8PanelRows(rows, cout, patch, x, patch, w, panel_bytes, rq, y, cout);
    int8_t* columns = reinterpret_cast<int8_t*>(Scratch(m, op));
    const int8_t pad = int8_t(In(m, op, 0).zero_point);
    for (size_t r = 0; r < rows; r += tile) {
      const size_t end = rows - r < tile ? rows : r + tile;
      kernels::I8Im2Col(g, x, pad, r, end, columns);
      kernels::I8PanelRows(end - r, cout, patch, columns, patch, w, panel_bytes, rq, y + r * cout, cout);
    }
    return;
  }
  const float* x = InF32(m, op, 0);
  const float* w = InF32(m, op, 1);
  const float* bias = InF32(m, op, 2);
  const size_t panel_floats = patch * kernels::kPanelChannels;
  float* y = OutF32(m, op);
  if (direct)
    return kernels::F32PanelRows(rows, cout, patch, x, patch, w, panel_floats, bias, op.act_min, op.act_max, y, cout);
  float* columns = reinterpret_cast<float*>(Scratch(m, op));
  const size_t row_floats = g.kernel_w * g.in_c;  // taps per kernel row
  ForEachRowClass(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t first, size_t last) {
    const size_t k = gc.patch_size();
    for (size_t r = first; r < last; r += tile) {
      const size_t end = last - r < tile ? last : r + tile;
      kernels::F32Im2Col(gc, x, r, end, columns);
      kernels::F32PanelRows(end - r, cout, k, columns, k, w + ky0 * row_floats * kernels::kPanelChannels,
                            panel_floats, bias, op.act_min, op.act_max, y + r * cout, cout);
    }
  });
}

}  // namespace rt
}  // namespace mote
#endif  // MOTE_HOSTED
