// Flatten, Reshape (constant shapes), Identity, Dropout and Constant: shape
// bookkeeping; a layer only when mote's per-example shape changes.
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/layers/flatten.h"
#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

const char* const kNone[] = {nullptr};

// x as one vector per example ([1, K]): a Flatten layer when mote holds it
// with more than one dimension. A flattened NCHW tensor keeps mote's (h, w, c)
// order; the Dense after it permutes its weights (import_dense.cc).
Status FlattenTo2d(ImportContext& ctx, const OnnxNode& node, const Value& x) {
  Value v;
  v.node = x.node;
  const int64_t k = Elements(x.dims);
  v.dims = {1, k};
  v.shape = Shape(size_t(k));
  v.layout = x.layout;
  if (x.layout == Layout::kChannelsFirst) {
    v.c = x.dims[1];
    v.h = x.dims[2];
    v.w = x.dims[3];
    v.layout = v.c == 1 || v.h * v.w == 1 ? Layout::kSameOrder : Layout::kFlatChannelsFirst;
  } else if (x.layout == Layout::kFlatChannelsFirst) {
    v.c = x.c;
    v.h = x.h;
    v.w = x.w;
  }
  if (x.shape.rank() > 1) MOTE_TRY(ctx.AddLayer(node, std::make_unique<Flatten>(), {x.node}, &v.node));
  return ctx.DefineOutput(node, v);
}

}  // namespace

Status ImportFlatten(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  int64_t axis = 1;
  MOTE_TRY(ctx.Int(node, "axis", 1, &axis));
  const int64_t rank = int64_t(x->dims.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return ctx.Fail(node, StatusCode::kCorruptData, "axis out of range");
  int64_t outer = 1;
  for (int64_t a = 0; a < axis; ++a) outer = SaturatingMultiply(outer, x->dims[size_t(a)]);
  if (outer != 1)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "Flatten(axis = %lld) keeps %lld rows per example: mote flattens each example to one vector",
                    (long long)axis, (long long)outer);
  return FlattenTo2d(ctx, node, *x);
}

Status ImportReshape(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"allowzero", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  const OnnxTensor* shape = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  if (!ctx.HasInput(node, 1)) return ctx.Fail(node, StatusCode::kCorruptData, "no shape input");
  MOTE_TRY(ctx.Constant(node, 1, false, &shape));
  int64_t allow_zero = 0;
  MOTE_TRY(ctx.Int(node, "allowzero", 0, &allow_zero));
  std::vector<int64_t> dims = shape->ints;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && allow_zero == 0) {
      if (i >= x->dims.size()) return ctx.Fail(node, StatusCode::kShapeMismatch, "0 copies a dimension the input lacks");
      dims[i] = x->dims[i];
    }
    if (dims[i] == -1) {
      if (infer >= 0) return ctx.Fail(node, StatusCode::kCorruptData, "two -1 in the shape");
      infer = int64_t(i);
    } else if (dims[i] < 0) {
      return ctx.Fail(node, StatusCode::kCorruptData, "negative dimension %lld in the shape", (long long)dims[i]);
    } else {
      known = SaturatingMultiply(known, dims[i]);
    }
  }
  const int64_t total = Elements(x->dims);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) return ctx.Fail(node, StatusCode::kShapeMismatch, "-1 cannot be inferred");
    dims[size_t(infer)] = total / known;
  }
  if (Elements(dims) != total || dims.empty())
    return ctx.Fail(node, StatusCode::kShapeMismatch, "the shape holds %lld values, the input %lld",
                    (long long)Elements(dims), (long long)total);
  if (dims == x->dims) return ctx.DefineOutput(node, *x);
  if (dims.size() == 2 && dims[0] == 1) return FlattenTo2d(ctx, node, *x);
  return ctx.Fail(node, StatusCode::kUnsupported,
                  "Reshape to a rank-%zu shape: mote imports reshapes to [1, K] (a Flatten) or to the same shape",
                  dims.size());
}

Status ImportIdentity(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  ctx.Note("%s: Identity dropped", node.name.c_str());
  return ctx.DefineOutput(node, *x);
}

// Dropout is the identity at inference; a training_mode input must be a
// constant false (opset 12 on), its mask output unused.
Status ImportDropout(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"seed", "ratio", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  if (ctx.HasInput(node, 2)) {
    const Value* training = nullptr;
    MOTE_TRY(ctx.Input(node, 2, &training));
    const bool off = training->is_constant() && training->constant->elements() == 1 &&
                     (training->constant->ints.empty() ? training->constant->floats[0] == 0.0f
                                                       : training->constant->ints[0] == 0);
    if (!off) return ctx.Fail(node, StatusCode::kUnsupported, "training_mode is not a constant false");
  }
  ctx.Note("%s: Dropout dropped (the identity at inference)", node.name.c_str());
  return ctx.DefineOutput(node, *x);
}

// PyTorch writes a Pad of zero pads before some pools (AvgPool2d with
// count_include_pad): that one is the identity. Real padding is refused:
// mote pads inside its convolutions and pools only.
Status ImportPad(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"mode", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  const OnnxTensor* pads = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  if (!ctx.HasInput(node, 1)) return ctx.Fail(node, StatusCode::kCorruptData, "no pads input");
  MOTE_TRY(ctx.Constant(node, 1, false, &pads));
  for (const int64_t p : pads->ints)
    if (p != 0)
      return ctx.Fail(node, StatusCode::kUnsupported,
                      "padding as its own operator: mote pads inside convolutions and pools (their pads attribute)");
  ctx.Note("%s: Pad of zero pads dropped", node.name.c_str());
  return ctx.DefineOutput(node, *x);
}

// Transpose of a constant (PyTorch writes one for a Linear's weights when
// exporting without constant folding): folded here. Of an activation it is
// refused: mote keeps its own layout.
Status ImportTranspose(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"perm", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  if (!x->is_constant())
    return ctx.Fail(node, StatusCode::kUnsupported, "Transpose of an activation: mote imports it only on constants");
  const OnnxTensor& in = *x->constant;
  const size_t rank = in.dims.size();
  std::vector<int64_t> perm;
  MOTE_TRY(ctx.Ints(node, "perm", &perm));
  if (perm.empty())
    for (size_t a = 0; a < rank; ++a) perm.push_back(int64_t(rank - 1 - a));
  std::vector<bool> seen(rank, false);
  for (const int64_t p : perm) {
    if (p < 0 || size_t(p) >= rank || seen[size_t(p)] || perm.size() != rank)
      return ctx.Fail(node, StatusCode::kCorruptData, "perm is not a permutation of the %zu axes", rank);
    seen[size_t(p)] = true;
  }
  OnnxTensor out;
  out.data_type = in.data_type;
  for (const int64_t p : perm) out.dims.push_back(in.dims[size_t(p)]);
  const size_t n = in.elements();
  std::vector<size_t> in_strides(rank, 1);
  for (size_t a = rank; a-- > 1;) in_strides[a - 1] = in_strides[a] * size_t(in.dims[a]);
  out.floats.resize(in.floats.size());
  out.ints.resize(in.ints.size());
  std::vector<size_t> index(rank, 0);  // the output element's index, odometer order
  for (size_t i = 0; i < n; ++i) {
    size_t from = 0;
    for (size_t a = 0; a < rank; ++a) from += index[a] * in_strides[size_t(perm[a])];
    if (!in.floats.empty()) {
      out.floats[i] = in.floats[from];
    } else {
      out.ints[i] = in.ints[from];
    }
    for (size_t a = rank; a-- > 0;) {
      if (++index[a] < size_t(out.dims[a])) break;
      index[a] = 0;
    }
  }
  out.name = node.outputs.empty() ? "" : node.outputs[0];
  Value v;
  v.constant = ctx.Keep(std::move(out));
  v.dims = v.constant->dims;
  return ctx.DefineOutput(node, v);
}

Status ImportConstant(ImportContext& ctx, const OnnxNode& node) {
  if (node.attributes.size() != 1)
    return ctx.Fail(node, StatusCode::kCorruptData, "a Constant has exactly one value attribute");
  const OnnxAttribute& a = node.attributes[0];
  OnnxTensor t;
  if (a.name == "value" && a.tensor.size() == 1) {
    t = a.tensor[0];
  } else if (a.name == "value_float" && a.type == kOnnxAttrFloat) {
    t.data_type = kOnnxFloat;
    t.floats = {a.f};
  } else if (a.name == "value_floats" && a.type == kOnnxAttrFloats) {
    t.data_type = kOnnxFloat;
    t.floats = a.floats;
    t.dims = {int64_t(a.floats.size())};
  } else if (a.name == "value_int" && a.type == kOnnxAttrInt) {
    t.data_type = kOnnxInt64;
    t.ints = {a.i};
  } else if (a.name == "value_ints" && a.type == kOnnxAttrInts) {
    t.data_type = kOnnxInt64;
    t.ints = a.ints;
    t.dims = {int64_t(a.ints.size())};
  } else {
    return ctx.Fail(node, StatusCode::kUnsupported, "value attribute '%s' is not imported", a.name.c_str());
  }
  t.name = node.outputs.empty() ? "" : node.outputs[0];
  Value v;
  v.constant = ctx.Keep(std::move(t));
  v.dims = v.constant->dims;
  return ctx.DefineOutput(node, v);
}

}  // namespace onnx_import
}  // namespace mote
