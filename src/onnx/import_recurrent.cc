// LSTM and GRU, forward direction, one layer: ONNX's gate orders (LSTM i, o,
// f, c; GRU z, r, h) and its two bias halves mapped to mote's cells
// (include/mote/layers/lstm.h, gru.h).
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/layers/gru.h"
#include "mote/layers/lstm.h"
#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// A recurrent cell: G gates, mote gate g reads ONNX gate onnx_gate[g],
// negated when negate[g] (GRU's update gate, see ImportGru).
struct Cell {
  size_t gates;
  const size_t* onnx_gate;
  const bool* negate;
};

bool Used(ImportContext& ctx, const OnnxNode& node, size_t output) {
  return output < node.outputs.size() && !node.outputs[output].empty() &&
         (!ctx.Consumers(node.outputs[output]).empty() || ctx.IsGraphOutput(node.outputs[output]));
}

// A constant input that must be absent or all zeros (initial states).
Status ZeroOrAbsent(ImportContext& ctx, const OnnxNode& node, size_t i, const char* what) {
  if (!ctx.HasInput(node, i)) return Status::Ok();
  const OnnxTensor* t = nullptr;
  MOTE_TRY(ctx.Constant(node, i, true, &t));
  for (const float v : t->floats)
    if (v != 0.0f) return ctx.Fail(node, StatusCode::kUnsupported, "%s is not zero: mote's states start at 0", what);
  return Status::Ok();
}

Status ImportRecurrent(ImportContext& ctx, const OnnxNode& node, const Cell& cell) {
  const bool lstm = cell.gates == 4;
  static const char* const kKnown[] = {"hidden_size", "direction", "layout", "activations", "input_forget",
                                       "linear_before_reset", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  int64_t hidden = 0, layout = 0, input_forget = 0, linear_before_reset = 0;
  std::string direction;
  MOTE_TRY(ctx.Int(node, "hidden_size", 0, &hidden));
  MOTE_TRY(ctx.Int(node, "layout", 0, &layout));
  MOTE_TRY(ctx.Int(node, "input_forget", 0, &input_forget));
  MOTE_TRY(ctx.Int(node, "linear_before_reset", 0, &linear_before_reset));
  MOTE_TRY(ctx.String(node, "direction", "forward", &direction));
  if (direction != "forward")
    return ctx.Fail(node, StatusCode::kUnsupported, "direction '%s': mote's recurrent layers run forward",
                    direction.c_str());
  if (input_forget != 0) return ctx.Fail(node, StatusCode::kUnsupported, "input_forget = 1 (coupled gates)");
  if (linear_before_reset != 0)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "linear_before_reset = 1 (PyTorch's and cuDNN's GRU): mote's GRU applies the reset gate "
                    "before the recurrent product, as Cho et al. (linear_before_reset = 0)");
  if (const OnnxAttribute* a = node.Find("activations")) {
    const std::vector<std::string> standard =
        lstm ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"} : std::vector<std::string>{"Sigmoid", "Tanh"};
    if (a->strings != standard) return ctx.Fail(node, StatusCode::kUnsupported, "activations other than the default");
  }
  if (layout != 0 && layout != 1) return ctx.Fail(node, StatusCode::kCorruptData, "layout %lld", (long long)layout);
  // X: [T, 1, F] (layout 0) or [1, T, F] (layout 1); mote holds [T, F].
  if (x->dims.size() != 3 || x->dims[layout == 0 ? 1 : 0] != 1 || x->shape.rank() != 2)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "X must be %s with batch 1 (rank %zu here)",
                    layout == 0 ? "[T, N, F]" : "[N, T, F]", x->dims.size());
  const int64_t steps = x->dims[layout == 0 ? 0 : 1], features = x->dims[2];
  if (hidden <= 0 || hidden > (int64_t(1) << 20))
    return ctx.Fail(node, StatusCode::kCorruptData, "hidden_size must be set, in [1, 2^20]");
  const size_t h = size_t(hidden), f = size_t(features), g = cell.gates;
  const OnnxTensor* w = nullptr;
  const OnnxTensor* r = nullptr;
  const OnnxTensor* b = nullptr;
  MOTE_TRY(ctx.Constant(node, 1, true, &w));
  MOTE_TRY(ctx.Constant(node, 2, true, &r));
  if (ctx.HasInput(node, 3)) MOTE_TRY(ctx.Constant(node, 3, true, &b));
  if (w->dims != std::vector<int64_t>{1, int64_t(g * h), features} ||
      r->dims != std::vector<int64_t>{1, int64_t(g * h), hidden} ||
      (b != nullptr && b->dims != std::vector<int64_t>{1, int64_t(2 * g * h)}))
    return ctx.Fail(node, StatusCode::kShapeMismatch, "W, R, B must be [1, %zu, %zu], [1, %zu, %zu], [1, %zu]", g * h,
                    f, g * h, h, 2 * g * h);
  if (ctx.HasInput(node, 4)) return ctx.Fail(node, StatusCode::kUnsupported, "sequence_lens: mote's sequences have one length");
  MOTE_TRY(ZeroOrAbsent(ctx, node, 5, "initial_h"));
  if (lstm) {
    MOTE_TRY(ZeroOrAbsent(ctx, node, 6, "initial_c"));
    if (ctx.HasInput(node, 7)) return ctx.Fail(node, StatusCode::kUnsupported, "peepholes (P)");
  }
  const bool sequences = Used(ctx, node, 0), last = Used(ctx, node, 1);
  if (lstm && Used(ctx, node, 2)) return ctx.Fail(node, StatusCode::kUnsupported, "Y_c (the cell state) is used");
  if (sequences == last)
    return ctx.Fail(node, StatusCode::kUnsupported, "exactly one of Y (every state) and Y_h (the last) must be used");
  RecurrentOptions options;
  options.return_sequences = sequences;
  options.use_bias = b != nullptr;
  std::unique_ptr<Layer> layer;
  if (lstm) {
    layer = std::make_unique<LSTM>(h, options);
  } else {
    layer = std::make_unique<GRU>(h, options);
  }
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::move(layer), {x->node}, &id));
  // Row j of mote gate mg is row j of ONNX gate cell.onnx_gate[mg].
  auto gate_rows = [&](const std::vector<float>& from, size_t cols, size_t offset_rows) {
    std::vector<float> out(g * h * cols);
    for (size_t mg = 0; mg < g; ++mg)
      for (size_t j = 0; j < h; ++j)
        for (size_t k = 0; k < cols; ++k) {
          const float v = from[((offset_rows + cell.onnx_gate[mg] * h) + j) * cols + k];
          out[(mg * h + j) * cols + k] = cell.negate[mg] ? -v : v;
        }
    return out;
  };
  ctx.SetParam(id, "kernel", gate_rows(w->floats, f, 0));
  ctx.SetParam(id, "recurrent_kernel", gate_rows(r->floats, h, 0));
  if (b != nullptr) {
    // ONNX's input bias Wb plus its recurrent bias Rb: mote adds one bias
    // (for GRU's candidate that holds with linear_before_reset = 0 only).
    std::vector<float> wb = gate_rows(b->floats, 1, 0), rb = gate_rows(b->floats, 1, g * h);
    for (size_t i = 0; i < wb.size(); ++i) wb[i] += rb[i];
    ctx.SetParam(id, "bias", std::move(wb));
  }
  Value v;
  v.node = id;
  if (sequences) {
    v.dims = layout == 0 ? std::vector<int64_t>{steps, 1, 1, hidden} : std::vector<int64_t>{1, steps, 1, hidden};
    v.shape = Shape(size_t(steps), h);
    if (node.outputs.size() > 1 && !node.outputs[1].empty() && Used(ctx, node, 1))
      return ctx.Fail(node, StatusCode::kInternal, "both outputs");
    ctx.Define(node.outputs[0], v);
  } else {
    v.dims = layout == 0 ? std::vector<int64_t>{1, 1, hidden} : std::vector<int64_t>{1, 1, hidden};
    v.shape = Shape(h);
    ctx.Define(node.outputs[1], v);
  }
  return Status::Ok();
}

}  // namespace

Status ImportLstm(ImportContext& ctx, const OnnxNode& node) {
  // mote: input, forget, candidate, output; ONNX: input, output, forget, cell.
  static const size_t kGates[] = {0, 2, 3, 1};
  static const bool kNegate[] = {false, false, false, false};
  return ImportRecurrent(ctx, node, Cell{4, kGates, kNegate});
}

Status ImportGru(ImportContext& ctx, const OnnxNode& node) {
  // Both update, reset, candidate. ONNX's update gate weighs the OLD state
  // (h_t = (1 - z) h~ + z h_{t-1}), mote's the new candidate: mote's z is
  // 1 - ONNX's = sigmoid(-a), so its weights and bias are negated.
  static const size_t kGates[] = {0, 1, 2};
  static const bool kNegate[] = {true, false, false};
  return ImportRecurrent(ctx, node, Cell{3, kGates, kNegate});
}

}  // namespace onnx_import
}  // namespace mote
