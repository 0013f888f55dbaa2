// ONNX import (include/mote/onnx_import.h): the graph's input, then its nodes
// in order, each through the handler its op type has in kOperators, then the
// output, loss and optimizer; the weights are copied once the model is
// prepared.
#include "mote/onnx_import.h"

#include <string.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/loss.h"
#include "mote/optim/sgd.h"
#include "src/core/status_format.h"
#include "src/onnx/import_context.h"
#include "src/onnx/onnx_graph.h"

namespace mote {

namespace onnx_import {
namespace {

// Opsets whose operator definitions the handlers follow (Softmax's axis
// changed at 13, Clip's bounds became inputs at 11, Reshape gained allowzero
// at 14, the recurrent layers `layout` at 14, BatchNormalization
// training_mode at 14).
constexpr int64_t kMinOpset = 11;
constexpr int64_t kMaxOpset = 17;

// One row per op type: its handler, or (handler null) why it is refused.
struct Operator {
  const char* op_type;
  OpHandler handler;
  const char* refusal;
};

constexpr Operator kOperators[] = {
    {"Conv", ImportConv, nullptr},
    {"MaxPool", ImportMaxPool, nullptr},
    {"AveragePool", ImportAveragePool, nullptr},
    {"GlobalAveragePool", ImportGlobalAveragePool, nullptr},
    {"BatchNormalization", ImportBatchNormalization, nullptr},
    {"Gemm", ImportGemm, nullptr},
    {"MatMul", ImportMatMul, nullptr},
    {"Add", ImportAdd, nullptr},
    {"Relu", ImportRelu, nullptr},
    {"Clip", ImportClip, nullptr},
    {"LeakyRelu", ImportLeakyRelu, nullptr},
    {"Sigmoid", ImportSigmoid, nullptr},
    {"Tanh", ImportTanh, nullptr},
    {"Softmax", ImportSoftmax, nullptr},
    {"Flatten", ImportFlatten, nullptr},
    {"Reshape", ImportReshape, nullptr},
    {"Identity", ImportIdentity, nullptr},
    {"Dropout", ImportDropout, nullptr},
    {"Constant", ImportConstant, nullptr},
    {"Pad", ImportPad, nullptr},
    {"Transpose", ImportTranspose, nullptr},
    {"Shape", ImportShape, nullptr},
    {"Gather", ImportGather, nullptr},
    {"Unsqueeze", ImportUnsqueeze, nullptr},
    {"Squeeze", ImportSqueeze, nullptr},
    {"Concat", ImportConcat, nullptr},
    {"Expand", ImportExpand, nullptr},
    {"LSTM", ImportLstm, nullptr},
    {"GRU", ImportGru, nullptr},
    {"QuantizeLinear", ImportQuantizeLinear, nullptr},
    {"DequantizeLinear", ImportDequantizeLinear, nullptr},
    {"QLinearConv", ImportQLinearConv, nullptr},
    {"QLinearMatMul", ImportQLinearMatMul, nullptr},
};

// onnxruntime's operators (domain com.microsoft) that mote imports.
constexpr Operator kMicrosoftOperators[] = {
    {"QGemm", ImportQGemm, nullptr},
};

// Operators that also take a quantized tensor (its output quantized alike).
constexpr const char* kQuantizedPassThrough[] = {"Flatten", "Reshape", "MaxPool", "Identity"};

const Operator* FindOperator(const std::string& domain, const std::string& op_type) {
  if (domain == "com.microsoft") {
    for (const Operator& op : kMicrosoftOperators)
      if (op_type == op.op_type) return &op;
    return nullptr;
  }
  for (const Operator& op : kOperators)
    if (op_type == op.op_type) return &op;
  return nullptr;
}

bool PassesQuantized(const std::string& op_type) {
  for (const char* t : kQuantizedPassThrough)
    if (op_type == t) return true;
  return false;
}

bool IsInitializer(const OnnxGraph& g, const std::string& name) {
  for (const OnnxTensor& t : g.initializers)
    if (t.name == name) return true;
  return false;
}

// The one graph input -> mote's model input. Batch 1: the batch axis (0, or
// 1 for the [T, N, F] sequences of an LSTM / GRU with layout 0) may be 1 or
// symbolic; every other dimension must be fixed.
Status DefineInput(ImportContext& ctx, const OnnxValueInfo& in, const OnnxImportOptions& options,
                   OnnxImportReport* report) {
  const char* name = in.name.c_str();
  if (in.elem_type != kOnnxFloat)
    return FormattedStatus(StatusCode::kUnsupported, "graph input '%s': element type %d, mote's inputs are float",
                           name, int(in.elem_type));
  if (!in.has_shape) return FormattedStatus(StatusCode::kShapeMismatch, "graph input '%s' has no shape", name);
  const size_t rank = in.dims.size();
  size_t batch_axis = 0;
  if (rank == 3) {
    for (const OnnxNode* n : ctx.Consumers(in.name)) {
      const OnnxAttribute* layout = n->Find("layout");
      if ((n->op_type == "LSTM" || n->op_type == "GRU") && (layout == nullptr || layout->i == 0)) batch_axis = 1;
    }
  }
  if (rank != 2 && rank != 3 && rank != 4)
    return FormattedStatus(StatusCode::kShapeMismatch,
                           "graph input '%s' of rank %zu: mote imports [N, F], sequences [T, N, F] / [N, T, F] and "
                           "NCHW images [N, C, H, W]",
                           name, rank);
  Value v;
  v.dims = in.dims;
  for (size_t a = 0; a < rank; ++a) {
    if (a == batch_axis) {
      if (in.dims[a] != 1 && in.dims[a] != -1)
        return FormattedStatus(StatusCode::kUnsupported, "graph input '%s': batch dimension %lld (export with batch 1)",
                               name, (long long)in.dims[a]);
      v.dims[a] = 1;
    } else if (in.dims[a] <= 0) {
      return FormattedStatus(StatusCode::kShapeMismatch,
                             "graph input '%s': dimension %zu is dynamic ('%s'); mote needs fixed shapes (export "
                             "with a fixed input size)",
                             name, a, a < in.dim_params.size() ? in.dim_params[a].c_str() : "");
    }
  }
  if (uint64_t(Elements(v.dims)) > options.max_input_elements)
    return FormattedStatus(StatusCode::kUnsupported, "graph input '%s': %lld values per example, more than %zu",
                           name, (long long)Elements(v.dims), options.max_input_elements);
  if (rank == 4) {
    v.layout = Layout::kChannelsFirst;
    v.shape = Shape(size_t(v.dims[2]), size_t(v.dims[3]), size_t(v.dims[1]));
    report->channels_last_input = v.dims[1] > 1;
  } else if (rank == 3) {
    v.shape = Shape(size_t(v.dims[batch_axis == 0 ? 1 : 0]), size_t(v.dims[2]));
  } else {
    v.shape = Shape(size_t(v.dims[1]));
  }
  v.node = ctx.model().Input(v.shape, "input");
  report->input_name = in.name;
  report->onnx_input_shape = in.dims;
  report->input_shape = v.shape;
  ctx.Define(in.name, v);
  return Status::Ok();
}

Status Import(const OnnxGraph& g, const OnnxImportOptions& options, Model* model, OnnxImportReport* report) {
  report->opset = g.opset;
  report->producer = g.producer;
  report->onnx_nodes = g.nodes.size();
  if (g.opset == 0) return CorruptData("ONNX model without an opset of the default domain");
  if (g.opset < kMinOpset || g.opset > kMaxOpset)
    return FormattedStatus(StatusCode::kUnsupported, "opset %lld: mote imports opsets %lld to %lld",
                           (long long)g.opset, (long long)kMinOpset, (long long)kMaxOpset);
  ImportContext ctx(g, model, report, options.max_input_elements);
  for (const OnnxTensor& t : g.initializers) {
    Value v;
    v.constant = &t;
    v.dims = t.dims;
    ctx.Define(t.name, v);
  }
  std::vector<const OnnxValueInfo*> inputs;
  for (const OnnxValueInfo& in : g.inputs)
    if (!IsInitializer(g, in.name)) inputs.push_back(&in);
  if (inputs.size() != 1)
    return FormattedStatus(StatusCode::kUnsupported, "the graph has %zu inputs; mote imports graphs of one input",
                           inputs.size());
  MOTE_TRY(DefineInput(ctx, *inputs[0], options, report));

  for (const OnnxNode& node : g.nodes) {
    if (ctx.IsFolded(node)) continue;
    const bool microsoft = node.domain == "com.microsoft" && FindOperator(node.domain, node.op_type) != nullptr;
    if (!node.domain.empty() && node.domain != "ai.onnx" && !microsoft)
      return ctx.Fail(node, StatusCode::kUnsupported,
                      "operator of domain '%s': mote imports the default domain (and com.microsoft's QGemm)",
                      node.domain.c_str());
    const Operator* op = FindOperator(node.domain, node.op_type);
    if (op == nullptr)
      return ctx.Fail(node, StatusCode::kUnsupported, "operator not imported by mote (docs/onnx.md lists those that are)");
    if (op->handler == nullptr) return ctx.Fail(node, StatusCode::kUnsupported, "%s", op->refusal);
    MOTE_TRY(PassesQuantized(node.op_type) ? ImportQuantizedPassThrough(ctx, node, op->handler)
                                           : op->handler(ctx, node));
  }

  if (g.outputs.size() != 1)
    return FormattedStatus(StatusCode::kUnsupported, "the graph has %zu outputs; mote imports graphs of one output",
                           g.outputs.size());
  const std::string& out_name = g.outputs[0].name;
  const Value* out = ctx.Find(out_name);
  if (out == nullptr)
    return FormattedStatus(StatusCode::kCorruptData, "graph output '%s' is computed by no node", out_name.c_str());
  if (out->quantized)
    return FormattedStatus(StatusCode::kUnsupported,
                           "graph output '%s' is quantized (integer): mote's outputs are float (end the graph with a "
                           "DequantizeLinear)",
                           out_name.c_str());
  if (out->is_constant() || model->layer(out->node) == nullptr)
    return FormattedStatus(StatusCode::kUnsupported, "graph output '%s' is not computed by any layer", out_name.c_str());
  // Every layer must lead to the output: mote's outputs all carry a loss.
  std::vector<bool> used(model->node_count(), false);
  std::vector<NodeId> todo = {out->node};
  while (!todo.empty()) {
    const NodeId n = todo.back();
    todo.pop_back();
    if (used[size_t(n)]) continue;
    used[size_t(n)] = true;
    for (const NodeId in : model->node_inputs(n)) todo.push_back(in);
  }
  for (size_t n = 0; n < used.size(); ++n)
    if (!used[n])
      return FormattedStatus(StatusCode::kUnsupported,
                             "layer '%s' does not lead to the graph output '%s' (mote imports graphs without dead "
                             "branches)",
                             model->node_name(NodeId(n)).c_str(), out_name.c_str());
  if (out->layout == Layout::kFlatChannelsFirst)
    ctx.Note("output '%s' is in mote's (h, w, c) order, not ONNX's (c, h, w)", out_name.c_str());
  if (out->layout == Layout::kChannelsFirst && out->shape.rank() == 3 && out->dims[1] > 1)
    ctx.Note("output '%s' is channels-last [H, W, C]", out_name.c_str());
  MOTE_TRY(model->SetOutputs({out->node}));
  if (out->shape.rank() == 1) {
    model->SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  } else {
    model->SetLoss(std::make_unique<MeanSquaredError>());
  }
  model->SetOptimizer(std::make_unique<Sgd>());
  MOTE_TRY(model->Prepare(options.batch_size, options.seed));
  if (model->output_shape(0) != out->shape)
    return FormattedStatus(StatusCode::kInternal, "onnx import: output shape %zu values, expected %zu",
                           model->output_shape(0).elements(), out->shape.elements());
  MOTE_TRY(ctx.CopyWeights());
  report->layers = ctx.layers();
  return Status::Ok();
}

}  // namespace
}  // namespace onnx_import

bool OnnxImportAvailable() { return onnx_import::OnnxParserAvailable(); }

Status ImportOnnx(const uint8_t* data, size_t size, const OnnxImportOptions& options, Model* model,
                  OnnxImportReport* report) {
  OnnxImportReport local;
  if (report == nullptr) report = &local;
  *report = OnnxImportReport{};
  if (model == nullptr) return InvalidArgument("onnx import: null model");
  if (model->node_count() != 0) return InvalidArgument("onnx import: the model must be empty");
  if (options.batch_size == 0) return InvalidArgument("onnx import: batch_size must be at least 1");
  onnx_import::OnnxGraph graph;
  MOTE_TRY(onnx_import::ParseOnnxModel(data, size, &graph));
  return onnx_import::Import(graph, options, model, report);
}

Status ImportOnnxFile(const std::string& path, const OnnxImportOptions& options, Model* model,
                      OnnxImportReport* report) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return FormattedStatus(StatusCode::kIoError, "%s: cannot open", path.c_str());
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), f)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  const bool ok = ferror(f) == 0;
  fclose(f);
  if (!ok) return FormattedStatus(StatusCode::kIoError, "%s: cannot read", path.c_str());
  return ImportOnnx(bytes.data(), bytes.size(), options, model, report);
}

}  // namespace mote
