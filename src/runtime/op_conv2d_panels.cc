// CONV2D with the host weight layout (MOTE_CONV2D_WEIGHTS_PANELS, written by
// `mote export --target host`; hosted builds only): weights in panels of 16
// output channels, so the kernels broadcast each input value against vectors
// of output channels instead of summing every output across a vector.
// fp32 (kernels::F32ConvPanels, shared with the training library's Predict):
// no im2col: the input padded left and right once into the scratch,
// then F32PanelRows per output row reads each pixel's kernel rows from it in
// place (the top / bottom padding's kernel rows left out by row classes, as
// op_conv2d.cc does); int8: im2col of every tap (padding reads the zero
// point) in tiles of tile_rows, then I8PanelRows, bit-identical to the
// [Cout][K] layout's results.
#include "mote/kernels.h"
#include "src/runtime/op.h"

#if MOTE_HOSTED
namespace mote {
namespace rt {
namespace {

// A 1x1, stride-1, unpadded conv: its input rows are the im2col rows.
bool Pointwise(const kernels::Conv2DGeometry& g) { return kernels::F32ConvPanelsPointwise(g); }

}  // namespace

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
  if (!i8) return CheckScratch(op, uint64_t(g.in_h) * kernels::F32ConvPanelsPaddedWidth(g) * g.in_c * 4);
  const uint64_t rows = uint64_t(g.rows());
  const uint64_t tile = uint64_t(op.params[6]) < rows ? uint64_t(op.params[6]) : rows;
  return CheckScratch(op, tile * patch);
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
  kernels::F32ConvPanels(g, x, w, cout, bias, op.act_min, op.act_max, reinterpret_cast<float*>(Scratch(m, op)),
                         OutF32(m, op));
}

}  // namespace rt
}  // namespace mote
#endif  // MOTE_HOSTED
