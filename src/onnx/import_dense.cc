// Gemm, MatMul (+ a following Add of a constant: its bias) and Add: mote's
// Dense and Add layers.
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/layers/add.h"
#include "mote/layers/dense.h"
#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// The input of a Dense: one vector per example. A flattened NCHW tensor
// reaches mote in (h, w, c) order: column j of mote's weights is column
// Column(j) of ONNX's.
struct DenseInput {
  const Value* x = nullptr;
  size_t features = 0;
  size_t Column(size_t j) const {
    if (x->layout != Layout::kFlatChannelsFirst) return j;
    const size_t c = size_t(x->c), hw = size_t(x->h * x->w);
    return (j % c) * hw + j / c;
  }
};

Status ReadDenseInput(ImportContext& ctx, const OnnxNode& node, DenseInput* in) {
  MOTE_TRY(ctx.Activation(node, 0, &in->x));
  if (in->x->dims.size() != 2 || in->x->layout == Layout::kChannelsFirst)
    return ctx.Fail(node, StatusCode::kShapeMismatch,
                    "input '%s' of rank %zu: mote imports %s on [N, K] (Flatten an image first)",
                    node.inputs[0].c_str(), in->x->dims.size(), node.op_type.c_str());
  in->features = size_t(in->x->dims[1]);
  return Status::Ok();
}

// Gemm's B (MatMul's: trans_b false, alpha 1), weighted by alpha.
struct GemmWeights {
  const OnnxTensor* b;
  bool trans_b;
  float alpha;
  // ONNX's weight of output n and input column k.
  float At(size_t n, size_t k) const {
    const size_t cols = size_t(b->dims[1]);
    return alpha * b->floats[trans_b ? n * cols + k : k * cols + n];
  }
};

// Adds the Dense layer; bias may be empty.
Status AddDense(ImportContext& ctx, const OnnxNode& node, const DenseInput& in, size_t units, const GemmWeights& g,
                std::vector<float> bias, const std::string& output) {
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::make_unique<Dense>(units, !bias.empty()), {in.x->node}, &id));
  MOTE_TRY(ctx.RecordWeightScales(node, g.b, g.trans_b ? 0 : 1, units, g.alpha, id));
  std::vector<float> kernel(units * in.features);
  for (size_t n = 0; n < units; ++n)
    for (size_t j = 0; j < in.features; ++j) kernel[n * in.features + j] = g.At(n, in.Column(j));
  if (in.x->layout == Layout::kFlatChannelsFirst)
    ctx.Note("%s: weight columns permuted from (c, h, w) to mote's (h, w, c) order", node.name.c_str());
  ctx.SetParam(id, "kernel", std::move(kernel));
  if (!bias.empty()) ctx.SetParam(id, "bias", std::move(bias));
  Value v;
  v.node = id;
  v.dims = {1, int64_t(units)};
  v.shape = Shape(units);
  ctx.Define(output, v);
  return Status::Ok();
}

// A bias operand of `units` values: [units], [1, units], or one value for all.
bool BiasValues(const OnnxTensor& t, size_t units, float scale, std::vector<float>* out) {
  const size_t e = t.floats.size();
  if (!(e == units || e == 1) || t.dims.size() > 2 || (t.dims.size() == 2 && t.dims[0] != 1)) return false;
  out->resize(units);
  for (size_t n = 0; n < units; ++n) (*out)[n] = scale * t.floats[e == 1 ? 0 : n];
  return true;
}

}  // namespace

Status ImportGemm(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"alpha", "beta", "transA", "transB", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  DenseInput in;
  MOTE_TRY(ReadDenseInput(ctx, node, &in));
  int64_t trans_a = 0, trans_b = 0;
  float alpha = 1, beta = 1;
  MOTE_TRY(ctx.Int(node, "transA", 0, &trans_a));
  MOTE_TRY(ctx.Int(node, "transB", 0, &trans_b));
  MOTE_TRY(ctx.Float(node, "alpha", 1.0f, &alpha));
  MOTE_TRY(ctx.Float(node, "beta", 1.0f, &beta));
  if (trans_a != 0) return ctx.Fail(node, StatusCode::kUnsupported, "transA = 1 (the activation must be A = [N, K])");
  const OnnxTensor* b = nullptr;
  MOTE_TRY(ctx.Constant(node, 1, true, &b));
  if (b->dims.size() != 2) return ctx.Fail(node, StatusCode::kShapeMismatch, "B of rank %zu, not 2", b->dims.size());
  const size_t k = size_t(trans_b ? b->dims[1] : b->dims[0]), units = size_t(trans_b ? b->dims[0] : b->dims[1]);
  if (k != in.features)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "B takes %zu inputs, A has %zu", k, in.features);
  if (units == 0) return ctx.Fail(node, StatusCode::kShapeMismatch, "B has no outputs");
  std::vector<float> bias;
  if (ctx.HasInput(node, 2)) {
    const OnnxTensor* c = nullptr;
    MOTE_TRY(ctx.Constant(node, 2, true, &c));
    if (!BiasValues(*c, units, beta, &bias))
      return ctx.Fail(node, StatusCode::kUnsupported, "C must be [%zu], [1, %zu] or one value", units, units);
  }
  const GemmWeights g{b, trans_b != 0, alpha};
  return AddDense(ctx, node, in, units, g, std::move(bias), node.outputs.empty() ? "" : node.outputs[0]);
}

Status ImportMatMul(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kNone[] = {nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  DenseInput in;
  MOTE_TRY(ReadDenseInput(ctx, node, &in));
  const OnnxTensor* b = nullptr;
  MOTE_TRY(ctx.Constant(node, 1, true, &b));
  if (b->dims.size() != 2 || size_t(b->dims[0]) != in.features || b->dims[1] <= 0)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "B must be [%zu, units] (rank %zu here)", in.features,
                    b->dims.size());
  if (node.outputs.size() != 1 || node.outputs[0].empty()) return ctx.Fail(node, StatusCode::kCorruptData, "no output");
  const size_t units = size_t(b->dims[1]);
  // MatMul + Add of a constant vector (how Linear layers often export): one Dense with its bias.
  std::vector<float> bias;
  std::string output = node.outputs[0];
  const std::vector<const OnnxNode*> consumers = ctx.Consumers(output);
  if (consumers.size() == 1 && consumers[0]->op_type == "Add" && !ctx.IsGraphOutput(output) &&
      consumers[0]->inputs.size() == 2 && consumers[0]->outputs.size() == 1) {
    const OnnxNode& add = *consumers[0];
    const std::string& other = add.inputs[add.inputs[0] == output ? 1 : 0];
    const Value* c = ctx.Find(other);
    if (c != nullptr && c->is_constant() && c->constant->data_type == kOnnxFloat &&
        BiasValues(*c->constant, units, 1.0f, &bias)) {
      ctx.Fold(add);
      ctx.Note("%s: the Add '%s' is the Dense layer's bias", node.name.c_str(), add.name.c_str());
      output = add.outputs[0];
    }
  }
  const GemmWeights g{b, false, 1.0f};
  return AddDense(ctx, node, in, units, g, std::move(bias), output);
}

Status ImportAdd(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kNone[] = {nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  const Value* a = nullptr;
  const Value* b = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &a));
  MOTE_TRY(ctx.Input(node, 1, &b));
  if (a->is_constant() || b->is_constant())
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "Add of a constant: mote imports it only as the bias of the MatMul just before it");
  if (a->dims != b->dims || a->layout != b->layout)
    return ctx.Fail(node, StatusCode::kUnsupported, "the two inputs differ in shape: mote's Add does not broadcast");
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::make_unique<Add>(), {a->node, b->node}, &id));
  Value v = *a;
  v.node = id;
  return ctx.DefineOutput(node, v);
}

}  // namespace onnx_import
}  // namespace mote
