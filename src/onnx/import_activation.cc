// Relu, Clip (as a bounded Relu), LeakyRelu, Sigmoid, Tanh and Softmax: elementwise
// layers, which keep their input's layout.
#include <math.h>
#include <stdint.h>

#include <memory>
#include <vector>

#include "mote/layers/leaky_relu.h"
#include "mote/layers/relu.h"
#include "mote/layers/sigmoid.h"
#include "mote/layers/softmax.h"
#include "mote/layers/tanh.h"
#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// `layer` on input 0; the output has the input's shape and layout.
Status Elementwise(ImportContext& ctx, const OnnxNode& node, std::unique_ptr<Layer> layer) {
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::move(layer), {x->node}, &id));
  Value v = *x;
  v.node = id;
  return ctx.DefineOutput(node, v);
}

const char* const kNone[] = {nullptr};

}  // namespace

Status ImportRelu(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  return Elementwise(ctx, node, std::make_unique<ReLU>());
}

Status ImportSigmoid(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  return Elementwise(ctx, node, std::make_unique<Sigmoid>());
}

Status ImportTanh(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  return Elementwise(ctx, node, std::make_unique<Tanh>());
}

Status ImportLeakyRelu(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"alpha", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  float alpha = 0.01f;
  MOTE_TRY(ctx.Float(node, "alpha", 0.01f, &alpha));
  if (!isfinite(alpha)) return ctx.Fail(node, StatusCode::kUnsupported, "alpha is not finite");
  return Elementwise(ctx, node, std::make_unique<LeakyReLU>(alpha));
}

// Opset 11 on: min and max are optional constant inputs (before 11 they were
// attributes; the importer reads opsets 11 and later). Clip(0, +inf) is
// Relu, Clip(0, c) for c > 0 mote's bounded ReLU (max_value c; ReLU6 is
// Clip(0, 6)); any other lower bound is refused.
Status ImportClip(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  float bound[2] = {-INFINITY, INFINITY};
  for (size_t i = 0; i < 2; ++i) {
    if (!ctx.HasInput(node, i + 1)) continue;
    const OnnxTensor* t = nullptr;
    MOTE_TRY(ctx.Constant(node, i + 1, true, &t));
    if (t->floats.size() != 1) return ctx.Fail(node, StatusCode::kShapeMismatch, "%s must be one value", i ? "max" : "min");
    bound[i] = t->floats[0];
  }
  if (bound[0] == 0.0f && bound[1] > 0.0f) return Elementwise(ctx, node, std::make_unique<ReLU>(bound[1]));
  return ctx.Fail(node, StatusCode::kUnsupported,
                  "Clip(%g, %g): mote imports Clip(0, max) with max > 0 (Relu, ReLU6 and other bounded ReLUs)",
                  double(bound[0]), double(bound[1]));
}

// mote's Softmax runs over the last dimension it holds: ONNX's channel axis
// for an NCHW image, the last axis otherwise. Before opset 13 `axis` (default
// 1) flattened every axis from it on; from 13 on it is one axis (default -1).
Status ImportSoftmax(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  const bool coerced = ctx.opset() < 13;
  int64_t axis = 0;
  MOTE_TRY(ctx.Int(node, "axis", coerced ? 1 : -1, &axis));
  const int64_t rank = int64_t(x->dims.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return ctx.Fail(node, StatusCode::kCorruptData, "axis out of range");
  int64_t inner = 1;  // the values one softmax covers (before opset 13)
  for (int64_t a = axis; a < rank; ++a) inner = SaturatingMultiply(inner, x->dims[size_t(a)]);
  const size_t last = x->shape.dim(x->shape.rank() - 1);
  bool fits;
  if (x->layout == Layout::kChannelsFirst) {
    fits = axis == 1 && (!coerced || inner == int64_t(last));
  } else {
    fits = axis == rank - 1 || (coerced && inner == int64_t(last) && inner == Elements(x->dims));
  }
  if (!fits)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "softmax over axis %lld of a rank-%lld tensor (opset %lld): mote's runs over the channels / "
                    "last axis",
                    (long long)axis, (long long)rank, (long long)ctx.opset());
  return Elementwise(ctx, node, std::make_unique<Softmax>());
}

}  // namespace onnx_import
}  // namespace mote
