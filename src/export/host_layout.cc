// The host layout of an export (ExportOptions::host_layout, `mote export
// --target host`; include/mote/export.h): CONV2D weights in output-channel
// panels (MOTE_CONV2D_WEIGHTS_PANELS in include/mote/model_format.h), fp32
// DENSE weights input-major (MOTE_DENSE_WEIGHTS_INPUT_MAJOR); int8 conv
// biases followed by the weights' tap sums (MOTE_CONV2D_WEIGHTS_TAP_SUMS),
// int8 dense ones by the weight sums (MOTE_DENSE_WEIGHT_SUMS), their weights
// in channel blocks (MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS).
#include <cstring>
#include <utility>
#include <vector>

#include "mote/export.h"
#include "mote/kernels.h"
#include "src/export/graph_util.h"

namespace mote {

namespace {

// An int8 conv of several kernel rows whose kw * Cin taps are not whole
// groups of 4: its kernel rows padded to them, so the runtime reads its
// input in place (MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS).
bool PadsKernelRows(const ExportGraph& graph, const ExportOp& op) {
  if (op.inputs.size() < 2 || op.inputs[1] < 0 || size_t(op.inputs[1]) >= graph.tensors.size()) return false;
  const ExportTensor& w = graph.tensors[size_t(op.inputs[1])];
  return w.dtype == MOTE_DTYPE_I8 && w.dims.size() == 4 && w.dims[1] > 1 && uint64_t(w.dims[2]) * w.dims[3] % 4 != 0;
}

// An int8 conv: its bias carries the weights' tap sums
// (MOTE_CONV2D_WEIGHTS_TAP_SUMS).
bool I8Weights(const ExportGraph& graph, const ExportOp& op) {
  return op.inputs.size() >= 3 && op.inputs[1] >= 0 && size_t(op.inputs[1]) < graph.tensors.size() &&
         graph.tensors[size_t(op.inputs[1])].dtype == MOTE_DTYPE_I8;
}

}  // namespace

void MarkHostLayout(ExportGraph* graph) {
  if (graph == nullptr) return;
  for (ExportOp& op : graph->ops)
    if (op.type == MOTE_OP_CONV2D && !op.trainable && !op.bias_trainable)
      op.params[7] = (PadsKernelRows(*graph, op) ? MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS : MOTE_CONV2D_WEIGHTS_PANELS) |
                     (I8Weights(*graph, op) ? MOTE_CONV2D_WEIGHTS_TAP_SUMS : 0);
}

namespace {

// w [Cout][kh][kw][Cin] int8 -> the bias [Cout] followed by the 2-D prefix
// table of its tap sums, [1 + (kh + 1) * (kw + 1)][Cout] (the layout of
// MOTE_CONV2D_WEIGHTS_TAP_SUMS in include/mote/model_format.h).
Status AppendTapSums(ExportGraph* graph, const ExportOp& op, const ExportTensor& w) {
  if (op.inputs.size() < 3 || op.inputs[2] < 0 || size_t(op.inputs[2]) >= graph->tensors.size())
    return InvalidArgument("export: an int8 conv2d without its bias");
  ExportTensor& bias = graph->tensors[size_t(op.inputs[2])];
  const size_t cout = w.dims[0], kh = w.dims[1], kw = w.dims[2], cin = w.dims[3];
  if (bias.dtype != MOTE_DTYPE_I32 || bias.kind != MOTE_TENSOR_CONSTANT || bias.data.size() != cout * 4)
    return InvalidArgument("export: int8 conv2d bias");
  const size_t rows = 1 + (kh + 1) * (kw + 1);
  std::vector<uint32_t> table(rows * cout, 0);
  std::memcpy(table.data(), bias.data.data(), cout * 4);
  const int8_t* values = reinterpret_cast<const int8_t*>(w.data.data());
  auto at = [&](size_t a, size_t b) { return &table[(1 + a * (kw + 1) + b) * cout]; };
  for (size_t a = 1; a <= kh; ++a)
    for (size_t b = 1; b <= kw; ++b)
      for (size_t j = 0; j < cout; ++j) {
        uint32_t tap = 0;
        for (size_t ci = 0; ci < cin; ++ci) tap += uint32_t(int32_t(values[((j * kh + a - 1) * kw + b - 1) * cin + ci]));
        at(a, b)[j] = at(a - 1, b)[j] + at(a, b - 1)[j] - at(a - 1, b - 1)[j] + tap;
      }
  bias.data.resize(table.size() * 4);
  std::memcpy(bias.data.data(), table.data(), bias.data.size());
  bias.dims = {uint32_t(rows), uint32_t(cout)};
  return Status::Ok();
}

// An int8 dense op's bias [Cout] -> [2][Cout], the bias then each channel's
// weight sum (MOTE_DENSE_WEIGHT_SUMS).
Status AppendDenseWeightSums(ExportGraph* graph, ExportOp& op, const ExportTensor& w) {
  if (op.inputs.size() < 3 || op.inputs[2] < 0 || size_t(op.inputs[2]) >= graph->tensors.size())
    return InvalidArgument("export: an int8 dense op without its bias");
  ExportTensor& bias = graph->tensors[size_t(op.inputs[2])];
  const size_t cout = w.dims[0], features = w.dims[1];
  if (bias.dtype != MOTE_DTYPE_I32 || bias.kind != MOTE_TENSOR_CONSTANT || bias.data.size() != cout * 4)
    return InvalidArgument("export: int8 dense bias");
  std::vector<uint32_t> rows(2 * cout, 0);
  std::memcpy(rows.data(), bias.data.data(), cout * 4);
  const int8_t* values = reinterpret_cast<const int8_t*>(w.data.data());
  for (size_t j = 0; j < cout; ++j)
    for (size_t p = 0; p < features; ++p) rows[cout + j] += uint32_t(int32_t(values[j * features + p]));
  bias.data.resize(rows.size() * 4);
  std::memcpy(bias.data.data(), rows.data(), bias.data.size());
  bias.dims = {2, uint32_t(cout)};
  op.params[0] = MOTE_DENSE_WEIGHT_SUMS;
  return Status::Ok();
}

// An int8 dense op's weights [Cout][F] -> channel blocks
// (MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS; after AppendDenseWeightSums, which reads
// them row-major).
void PackDenseChannelBlocks(ExportOp& op, ExportTensor& w) {
  const size_t cout = w.dims[0], features = w.dims[1];
  std::vector<uint8_t> packed(kernels::I8DenseBlockBytes(cout, features));
  kernels::PackI8DenseBlocks(cout, features, reinterpret_cast<const int8_t*>(w.data.data()), features,
                             reinterpret_cast<int8_t*>(packed.data()));
  w.data = std::move(packed);
  w.dims = {uint32_t(kernels::I8DenseBlockCount(cout)), uint32_t(kernels::I8DenseBlockChunks(features)),
            uint32_t(kernels::kDenseBlockChannels), uint32_t(kernels::kDenseBlockChunk)};
  op.params[0] |= MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS;
}

// An fp32 dense op's weights [Cout][F] -> [F][Cout], flagged; int8 ones get
// their weight sums and channel blocks; the trainable tail's keep the default
// layout.
Status TransposeDense(ExportGraph* graph, ExportOp& op) {
  if (op.trainable || op.bias_trainable) return Status::Ok();
  if (op.inputs.size() < 2 || op.inputs[1] < 0 || size_t(op.inputs[1]) >= graph->tensors.size())
    return InvalidArgument("export: a dense op without its weights");
  ExportTensor& w = graph->tensors[size_t(op.inputs[1])];
  if (w.dtype == MOTE_DTYPE_I8 && w.kind == MOTE_TENSOR_CONSTANT && w.dims.size() == 2 &&
      w.data.size() == w.bytes()) {
    MOTE_TRY(AppendDenseWeightSums(graph, op, w));
    PackDenseChannelBlocks(op, w);
    return Status::Ok();
  }
  if (w.dtype != MOTE_DTYPE_F32) return Status::Ok();
  if (w.kind != MOTE_TENSOR_CONSTANT || w.dims.size() != 2 || w.data.size() != w.bytes())
    return InvalidArgument("export: dense weights");
  const size_t cout = w.dims[0], features = w.dims[1];
  std::vector<float> values, transposed(cout * features);
  export_internal::ReadFloats(w, &values);
  for (size_t j = 0; j < cout; ++j)
    for (size_t p = 0; p < features; ++p) transposed[p * cout + j] = values[j * features + p];
  std::memcpy(w.data.data(), transposed.data(), w.data.size());
  w.dims = {uint32_t(features), uint32_t(cout)};
  op.params[0] = MOTE_DENSE_WEIGHTS_INPUT_MAJOR;
  return Status::Ok();
}

}  // namespace

Status PackHostLayout(ExportGraph* graph) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  for (ExportOp& op : graph->ops) {
    if (op.type == MOTE_OP_DENSE) MOTE_TRY(TransposeDense(graph, op));
    const int32_t layout = op.params[7] & ~MOTE_CONV2D_WEIGHTS_TAP_SUMS;
    const bool padded_rows = layout == MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS;
    if (op.type != MOTE_OP_CONV2D || (layout != MOTE_CONV2D_WEIGHTS_PANELS && !padded_rows)) continue;
    if (op.inputs.size() < 2 || op.inputs[1] < 0 || size_t(op.inputs[1]) >= graph->tensors.size())
      return InvalidArgument("export: a conv2d without its weights");
    ExportTensor& w = graph->tensors[size_t(op.inputs[1])];
    if (w.kind != MOTE_TENSOR_CONSTANT || w.dims.size() != 4 || w.data.size() != w.bytes())
      return InvalidArgument("export: conv2d weights");
    const size_t n = w.dims[0], k = size_t(w.dims[1]) * w.dims[2] * w.dims[3];
    if (w.dtype == MOTE_DTYPE_I8) {
      if ((op.params[7] & MOTE_CONV2D_WEIGHTS_TAP_SUMS) != 0) MOTE_TRY(AppendTapSums(graph, op, w));
      // Padded rows: each kernel row's taps zero-padded to whole groups of 4.
      const size_t run = size_t(w.dims[2]) * w.dims[3], padded_run = padded_rows ? kernels::I8PanelQuads(run) * 4 : run;
      const size_t taps = size_t(w.dims[1]) * padded_run;
      std::vector<int8_t> rows(n * taps, 0);
      for (size_t j = 0; j < n; ++j)
        for (size_t ky = 0; ky < w.dims[1]; ++ky)
          std::memcpy(&rows[j * taps + ky * padded_run], &w.data[j * k + ky * run], run);
      std::vector<uint8_t> packed(kernels::I8PanelBytes(n, taps));
      kernels::PackI8Panels(n, taps, rows.data(), taps, reinterpret_cast<int8_t*>(packed.data()));
      w.data.swap(packed);
      w.dims = {uint32_t(kernels::PanelCount(n)), uint32_t(kernels::I8PanelQuads(taps)),
                uint32_t(kernels::kPanelChannels), 4};
    } else if (w.dtype == MOTE_DTYPE_F32 && !padded_rows) {
      std::vector<float> values;
      export_internal::ReadFloats(w, &values);
      std::vector<float> packed(kernels::F32PanelFloats(n, k));
      kernels::PackF32Panels(n, k, values.data(), k, packed.data());
      w.data.resize(packed.size() * sizeof(float));
      std::memcpy(w.data.data(), packed.data(), w.data.size());
      w.dims = {uint32_t(kernels::PanelCount(n)), uint32_t(k), uint32_t(kernels::kPanelChannels), 1};
    } else {
      return InvalidArgument("export: conv2d weights of an unknown dtype");
    }
    if (w.data.size() > 0xFFFFFFFFu) return OutOfRange("export: packed conv2d weights beyond 4 GiB");
  }
  return Status::Ok();
}

}  // namespace mote
