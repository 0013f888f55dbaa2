// CONV2D with the host weight layouts (MOTE_CONV2D_WEIGHTS_PANELS and, int8,
// MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS, written by `mote export --target
// host`; hosted builds only): weights in panels of 16
// output channels, so the kernels broadcast each input value against vectors
// of output channels instead of summing every output across a vector.
// fp32 (kernels::F32ConvPanels, shared with the training library's Predict):
// no im2col: the input padded left and right once into the scratch,
// then F32PanelRows per output row reads each pixel's kernel rows from it in
// place (the top / bottom padding's kernel rows left out by row classes, as
// op_conv2d.cc does); int8: when a kernel row is whole 4-byte groups
// (kernel_w * Cin a multiple of 4, or padded to one in the weights, or a
// single kernel row) and the scratch holds it, the input padded on every side
// with its zero point once, then one I8PanelRows reading each pixel's kernel
// rows from it in place; else im2col of every tap (padding reads the zero
// point) in tiles of tile_rows, then I8PanelRows. Both bit-identical to the
// [Cout][K] layout's results.
#include "mote/kernels.h"
#include "src/runtime/conv_row_classes.h"
#include "src/runtime/op.h"

#if MOTE_HOSTED
namespace mote {
namespace rt {
namespace {

// A 1x1, stride-1, unpadded conv: its input rows are the im2col rows.
bool Pointwise(const kernels::Conv2DGeometry& g) { return kernels::F32ConvPanelsPointwise(g); }

// The int8 in-place path's padded input: every window's columns and rows.
size_t PaddedWidth(const kernels::Conv2DGeometry& g) { return kernels::F32ConvPanelsPaddedWidth(g); }
size_t PaddedHeight(const kernels::Conv2DGeometry& g) { return (g.out_h - 1) * g.stride_h + g.kernel_h; }

bool PaddedRows(const MoteOpRecord& op) {
  return (op.params[7] & ~MOTE_CONV2D_WEIGHTS_TAP_SUMS) == MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS;
}
bool TapSums(const MoteOpRecord& op) { return (op.params[7] & MOTE_CONV2D_WEIGHTS_TAP_SUMS) != 0; }
// The bias tensor's rows: the bias, then with tap sums the prefix table.
uint32_t BiasRows(const MoteOpRecord& op) {
  return TapSums(op) ? 1 + uint32_t(op.params[0] + 1) * uint32_t(op.params[1] + 1) : 1;
}
// int8: the taps of one kernel row as the weights hold them.
size_t I8RunBytes(const MoteOpRecord& op, const kernels::Conv2DGeometry& g) {
  return PaddedRows(op) ? kernels::I8PanelQuads(g.kernel_w * g.in_c) * 4 : g.kernel_w * g.in_c;
}
// The padded input and the bytes the last kernel row's padding taps read.
uint64_t I8PaddedInputBytes(const MoteOpRecord& op, const kernels::Conv2DGeometry& g) {
  return uint64_t(PaddedHeight(g)) * PaddedWidth(g) * g.in_c + (I8RunBytes(op, g) - g.kernel_w * g.in_c);
}
// With tap sums: a row class's weight sums and skipped weight sums ([Cout]
// int32 each) after the padded input.
uint64_t I8ClassSumsOffset(const MoteOpRecord& op, const kernels::Conv2DGeometry& g) {
  return (I8PaddedInputBytes(op, g) + 15) / 16 * 16;
}
uint64_t I8InPlaceScratchBytes(const MoteOpRecord& op, const kernels::Conv2DGeometry& g, uint32_t cout) {
  return TapSums(op) ? I8ClassSumsOffset(op, g) + 8 * uint64_t(cout) : I8PaddedInputBytes(op, g);
}
// With tap sums, kernel columns of whole 4-byte groups (Cin a multiple of 4)
// and the scratch for them (kernels::I8ConvColumnsBytes after the class
// sums, as the export plans it): each output column's kernel columns inside
// the image, so the kernel can leave out the left / right padding's taps
// (I8PanelColumns). Files planned without that scratch read them.
bool I8SkipsColumns(const MoteOpRecord& op, const kernels::Conv2DGeometry& g, uint32_t cout) {
  return TapSums(op) && g.in_c % 4 == 0 && g.kernel_w < 256 && I8RunBytes(op, g) == g.kernel_w * g.in_c &&
         op.scratch_bytes >= I8InPlaceScratchBytes(op, g, cout) + kernels::I8ConvColumnsBytes(g);
}
// int8 without im2col: kernel rows of whole 4-byte groups (so the kernel
// reads them in place at full speed; one kernel row may end in a partial one)
// and a scratch for the padded input.
bool I8InPlace(const MoteOpRecord& op, const kernels::Conv2DGeometry& g, uint32_t cout) {
  return (I8RunBytes(op, g) % 4 == 0 || g.kernel_h == 1) && op.scratch_bytes >= I8InPlaceScratchBytes(op, g, cout);
}

// The tap-sum table's entry (a, b) of channel 0: the sums of kernel rows < a,
// columns < b (a [Cout] row after the bias).
const int32_t* TapSumRow(const int32_t* bias, const kernels::Conv2DGeometry& g, size_t cout, size_t a, size_t b) {
  return bias + (1 + a * (g.kernel_w + 1) + b) * cout;
}

// Every entry of the tap-sum table against the weights (so a file's table
// cannot change a result): zeros in row and column 0, and each entry the one
// above plus the one to the left less the one above-left plus its tap's sum.
mote_rt_status CheckTapSums(const mote_rt_model& m, const MoteOpRecord& op, const kernels::Conv2DGeometry& g,
                            size_t cout) {
  const int32_t* bias = InI32(m, op, 2);
  const int8_t* w = InI8(m, op, 1);
  const size_t run = I8RunBytes(op, g);
  const size_t panel_bytes = kernels::I8PanelQuads(g.kernel_h * run) * kernels::kPanelChannels * 4;
  for (size_t a = 0; a <= g.kernel_h; ++a)
    for (size_t b = 0; b <= g.kernel_w; ++b) {
      const int32_t* s = TapSumRow(bias, g, cout, a, b);
      for (size_t j = 0; j < cout; ++j) {
        uint32_t expected = 0;
        if (a > 0 && b > 0) {
          expected = uint32_t(TapSumRow(bias, g, cout, a - 1, b)[j]) + uint32_t(TapSumRow(bias, g, cout, a, b - 1)[j]) -
                     uint32_t(TapSumRow(bias, g, cout, a - 1, b - 1)[j]);
          const int8_t* panel = w + (j / kernels::kPanelChannels) * panel_bytes + 4 * (j % kernels::kPanelChannels);
          for (size_t p = (a - 1) * run + (b - 1) * g.in_c, end = p + g.in_c; p < end; ++p)
            expected += uint32_t(int32_t(panel[64 * (p / 4) + p % 4]));
        }
        if (uint32_t(s[j]) != expected) return MOTE_RT_BAD_PARAMS;
      }
    }
  return MOTE_RT_OK;
}

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
  if ((PaddedRows(op) || TapSums(op)) && !i8) return MOTE_RT_BAD_PARAMS;
  const uint64_t panels = kernels::PanelCount(cout);
  const uint64_t taps = i8 ? kernels::I8PanelQuads(uint64_t(g.kernel_h) * I8RunBytes(op, g)) : patch;
  if (w.rank != 4 || w.dims[0] != panels || w.dims[1] != taps || w.dims[2] != kernels::kPanelChannels ||
      w.dims[3] != (i8 ? 4u : 1u))
    return MOTE_RT_BAD_SHAPE;
  MOTE_RT_TRY(CheckBiasAndRequant(m, op, cout, uint32_t(patch), BiasRows(op)));
  if (TapSums(op)) MOTE_RT_TRY(CheckTapSums(m, op, g, cout));
  if (Pointwise(g)) return MOTE_RT_OK;
  if (!i8) return CheckScratch(op, uint64_t(g.in_h) * PaddedWidth(g) * g.in_c * 4);
  if (I8InPlace(op, g, cout)) return MOTE_RT_OK;
  if (PaddedRows(op)) return MOTE_RT_BAD_OFFSET;  // no im2col for these weights
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
    const int32_t* bias = InI32(m, op, 2);
    // With tap sums, the weight sums of all taps: the table's last entry.
    const int32_t* all_sums = TapSums(op) ? TapSumRow(bias, g, cout, g.kernel_h, g.kernel_w) : nullptr;
    const kernels::I8Requant rq{bias, requant, requant + cout, Out(m, op).zero_point, I8Min(op), I8Max(op), all_sums};
    const int8_t* x = InI8(m, op, 0);
    const int8_t* w = InI8(m, op, 1);
    const size_t panel_bytes = kernels::I8PanelQuads(patch) * kernels::kPanelChannels * 4;
    int8_t* y = OutI8(m, op);
    if (direct)
      return kernels::I8PanelRows(rows, cout, patch, x, patch, patch, patch, rows, 0, w, panel_bytes, rq, y, cout);
    int8_t* scratch = reinterpret_cast<int8_t*>(Scratch(m, op));
    const int8_t pad = int8_t(In(m, op, 0).zero_point);
    if (I8InPlace(op, g, cout)) {
      // Rows the windows reach, padded on every side; then a pixel's taps
      // are its kernel rows' runs of kw * Cin bytes (read as `run`: the
      // padded-rows layout's extra taps have weight 0), one padded row apart.
      const size_t width = PaddedWidth(g), height = PaddedHeight(g), row_bytes = width * g.in_c;
      const size_t run = I8RunBytes(op, g);
      // All of it the zero point, the input's rows in place.
      const size_t in_columns = g.in_w < width - g.pad_left ? g.in_w : width - g.pad_left;
      kernels::I8PadImage(x, g.in_w * g.in_c, g.in_h, in_columns * g.in_c, pad, g.pad_top, g.pad_left * g.in_c,
                          scratch, height, row_bytes, run - g.kernel_w * g.in_c);
      const size_t taps = g.kernel_h * run, stride = kernels::I8PanelQuads(taps) * kernels::kPanelChannels * 4;
      if (!TapSums(op))
        return kernels::I8PanelRows(rows, cout, taps, scratch, g.stride_w * g.in_c, run, row_bytes, g.out_w,
                                    g.stride_h * row_bytes, w, stride, rq, y, cout);
      // Row classes: only the kernel rows inside the image. Their padding
      // taps read the zero point zp, whose products zp * w the bias takes
      // back over all taps: the kernel adds back those of the skipped rows
      // (and, given the columns, of the left / right padding's taps it
      // leaves out, from two rows of the table).
      int32_t* class_sums = reinterpret_cast<int32_t*>(scratch + I8ClassSumsOffset(op, g));
      int32_t* class_skipped = class_sums + cout;
      kernels::I8PanelColumns columns{};
      const bool skip_columns = I8SkipsColumns(op, g, cout);
      if (skip_columns) columns = kernels::I8ConvColumns(g, reinterpret_cast<uint8_t*>(class_skipped + cout));
      ForEachRowClass(g, [&](const kernels::Conv2DGeometry& gc, size_t ky0, size_t begin, size_t end) {
        kernels::I8Requant part = rq;
        kernels::I8PanelColumns class_columns = columns;
        if (skip_columns) {
          // The column sums of this class's kernel rows: two rows of the table.
          class_columns.upper = TapSumRow(bias, g, cout, ky0 + gc.kernel_h, 0);
          class_columns.lower = TapSumRow(bias, g, cout, ky0, 0);
          part.columns = &class_columns;
          part.skipped_input = In(m, op, 0).zero_point;
        }
        if (gc.kernel_h != g.kernel_h) {
          // uint32: wrapping, as the table's; adds only and no aliasing, so
          // the loop vectorizes (the zp multiply, in it, did not: SSE2 has no
          // 32-bit one; the kernel does it).
          const uint32_t* __restrict above = reinterpret_cast<const uint32_t*>(TapSumRow(bias, g, cout, ky0, g.kernel_w));
          const uint32_t* __restrict below =
              reinterpret_cast<const uint32_t*>(TapSumRow(bias, g, cout, ky0 + gc.kernel_h, g.kernel_w));
          const uint32_t* __restrict all = reinterpret_cast<const uint32_t*>(all_sums);
          uint32_t* __restrict sums = reinterpret_cast<uint32_t*>(class_sums);
          uint32_t* __restrict skipped = reinterpret_cast<uint32_t*>(class_skipped);
          for (size_t j = 0; j < cout; ++j) {
            sums[j] = below[j] - above[j];
            skipped[j] = all[j] - (below[j] - above[j]);
          }
          part.weight_sums = class_sums;
          part.skipped_weight_sums = class_skipped;
          part.skipped_input = In(m, op, 0).zero_point;
        }
        const size_t oy = begin / g.out_w;
        kernels::I8PanelRows(end - begin, cout, gc.kernel_h * run, scratch + (oy * g.stride_h + ky0) * row_bytes,
                             g.stride_w * g.in_c, run, row_bytes, g.out_w, g.stride_h * row_bytes,
                             w + ky0 * run * kernels::kPanelChannels, stride, part, y + begin * cout, cout);
      });
      return;
    }
    for (size_t r = 0; r < rows; r += tile) {
      const size_t end = rows - r < tile ? rows : r + tile;
      kernels::I8Im2Col(g, x, pad, r, end, scratch);
      kernels::I8PanelRows(end - r, cout, patch, scratch, patch, patch, patch, end - r, 0, w, panel_bytes, rq,
                           y + r * cout, cout);
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
