// Shape arithmetic on constants, folded at import: Shape (of any value: mote's
// shapes are fixed), Gather, Unsqueeze, Squeeze, Concat and Expand, as
// PyTorch writes them to build a recurrent layer's zero initial state; and
// Gather / Squeeze / Unsqueeze that only drop or add a size-1 axis of an
// activation (PyTorch's `h[-1]` of a one-layer LSTM's last state).
#include <stdint.h>

#include <algorithm>
#include <string>
#include <vector>

#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// Constants a fold may make: beyond this it is refused.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 24;

Status DefineConstant(ImportContext& ctx, const OnnxNode& node, OnnxTensor t) {
  t.name = node.outputs.empty() ? "" : node.outputs[0];
  Value v;
  v.constant = ctx.Keep(std::move(t));
  v.dims = v.constant->dims;
  return ctx.DefineOutput(node, v);
}

// Axis a of rank r (negative from the end); false when out of range.
bool NormalizeAxis(int64_t a, int64_t rank, int64_t* out) {
  if (a < 0) a += rank;
  *out = a;
  return a >= 0 && a < rank;
}

// An activation with a size-1 axis removed (axes ascending) or added: the same
// values in the same order, so the same mote node.
Status AliasWithDims(ImportContext& ctx, const OnnxNode& node, const Value& x, std::vector<int64_t> dims) {
  if (x.layout != Layout::kSameOrder)
    return ctx.Fail(node, StatusCode::kUnsupported, "%s of an NCHW tensor: mote keeps its channels last",
                    node.op_type.c_str());
  if (dims.empty() || dims[0] != 1)
    return ctx.Fail(node, StatusCode::kUnsupported, "the result's first axis (the batch) would not be 1");
  Value v = x;
  v.dims = std::move(dims);
  return ctx.DefineOutput(node, v);
}

// Axes from the `axes` attribute (before opset 13) or input 1 (from 13).
Status ReadAxes(ImportContext& ctx, const OnnxNode& node, std::vector<int64_t>* axes) {
  if (ctx.opset() < 13) return ctx.Ints(node, "axes", axes);
  axes->clear();
  if (!ctx.HasInput(node, 1)) return Status::Ok();
  const OnnxTensor* t = nullptr;
  MOTE_TRY(ctx.Constant(node, 1, false, &t));
  *axes = t->ints;
  return Status::Ok();
}

const char* const kAxesOnly[] = {"axes", nullptr};

}  // namespace

Status ImportShape(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"start", "end", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  const int64_t rank = int64_t(x->dims.size());
  int64_t start = 0, end = rank;
  MOTE_TRY(ctx.Int(node, "start", 0, &start));
  MOTE_TRY(ctx.Int(node, "end", rank, &end));
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = start < 0 ? 0 : (start > rank ? rank : start);
  end = end < start ? start : (end > rank ? rank : end);
  OnnxTensor t;
  t.data_type = kOnnxInt64;
  t.ints.assign(x->dims.begin() + start, x->dims.begin() + end);
  t.dims = {end - start};
  return DefineConstant(ctx, node, std::move(t));
}

Status ImportGather(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* data = nullptr;
  const OnnxTensor* indices = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &data));
  MOTE_TRY(ctx.Constant(node, 1, false, &indices));
  int64_t axis = 0;
  MOTE_TRY(ctx.Int(node, "axis", 0, &axis));
  const int64_t rank = int64_t(data->dims.size());
  if (!NormalizeAxis(axis, rank, &axis)) return ctx.Fail(node, StatusCode::kCorruptData, "axis out of range");
  const int64_t size = data->dims[size_t(axis)];
  std::vector<int64_t> picks = indices->ints;
  for (int64_t& i : picks) {
    if (i < 0) i += size;
    if (i < 0 || i >= size) return ctx.Fail(node, StatusCode::kCorruptData, "index out of range");
  }
  if (!data->is_constant()) {
    // One index of a size-1 axis: that axis goes.
    if (size != 1 || !indices->dims.empty())
      return ctx.Fail(node, StatusCode::kUnsupported, "Gather of an activation: mote imports one scalar index of a "
                                                      "size-1 axis (dropping it)");
    std::vector<int64_t> dims = data->dims;
    dims.erase(dims.begin() + axis);
    return AliasWithDims(ctx, node, *data, dims);
  }
  const OnnxTensor& d = *data->constant;
  OnnxTensor t;
  t.data_type = d.data_type;
  t.dims.assign(d.dims.begin(), d.dims.begin() + axis);
  t.dims.insert(t.dims.end(), indices->dims.begin(), indices->dims.end());
  t.dims.insert(t.dims.end(), d.dims.begin() + axis + 1, d.dims.end());
  if (Elements(t.dims) > kMaxFoldedElements) return ctx.Fail(node, StatusCode::kUnsupported, "too large to fold");
  int64_t outer = 1, inner = 1;
  for (int64_t a = 0; a < axis; ++a) outer *= d.dims[size_t(a)];
  for (int64_t a = axis + 1; a < rank; ++a) inner *= d.dims[size_t(a)];
  for (int64_t o = 0; o < outer; ++o)
    for (const int64_t i : picks)
      for (int64_t k = 0; k < inner; ++k) {
        const size_t from = size_t((o * size + i) * inner + k);
        if (d.floats.empty()) {
          if (from < d.ints.size()) t.ints.push_back(d.ints[from]);
        } else {
          t.floats.push_back(d.floats[from]);
        }
      }
  return DefineConstant(ctx, node, std::move(t));
}

Status ImportUnsqueeze(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kAxesOnly));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  std::vector<int64_t> axes;
  MOTE_TRY(ReadAxes(ctx, node, &axes));
  const int64_t rank = int64_t(x->dims.size() + axes.size());
  std::vector<bool> added(size_t(rank), false);
  for (const int64_t a : axes) {
    int64_t n;
    if (!NormalizeAxis(a, rank, &n) || added[size_t(n)])
      return ctx.Fail(node, StatusCode::kCorruptData, "axes out of range or repeated");
    added[size_t(n)] = true;
  }
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t a = 0; a < rank; ++a) dims.push_back(added[size_t(a)] ? 1 : x->dims[next++]);
  if (!x->is_constant()) return AliasWithDims(ctx, node, *x, dims);
  OnnxTensor t = *x->constant;
  t.dims = dims;
  return DefineConstant(ctx, node, std::move(t));
}

Status ImportSqueeze(ImportContext& ctx, const OnnxNode& node) {
  MOTE_TRY(ctx.OnlyAttributes(node, kAxesOnly));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  std::vector<int64_t> axes;
  MOTE_TRY(ReadAxes(ctx, node, &axes));
  const int64_t rank = int64_t(x->dims.size());
  std::vector<bool> removed(size_t(rank), axes.empty());
  for (const int64_t a : axes) {
    int64_t n;
    if (!NormalizeAxis(a, rank, &n)) return ctx.Fail(node, StatusCode::kCorruptData, "axes out of range");
    removed[size_t(n)] = true;
  }
  std::vector<int64_t> dims;
  for (int64_t a = 0; a < rank; ++a) {
    if (!removed[size_t(a)]) {
      dims.push_back(x->dims[size_t(a)]);
    } else if (x->dims[size_t(a)] != 1 && !axes.empty()) {
      return ctx.Fail(node, StatusCode::kCorruptData, "squeezes axis %lld of size %lld", (long long)a,
                      (long long)x->dims[size_t(a)]);
    } else if (x->dims[size_t(a)] != 1) {
      dims.push_back(x->dims[size_t(a)]);
    }
  }
  if (!x->is_constant()) return AliasWithDims(ctx, node, *x, dims);
  OnnxTensor t = *x->constant;
  t.dims = dims;
  return DefineConstant(ctx, node, std::move(t));
}

Status ImportConcat(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  int64_t axis = 0;
  MOTE_TRY(ctx.Int(node, "axis", 0, &axis));
  std::vector<const Value*> parts(node.inputs.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    MOTE_TRY(ctx.Input(node, i, &parts[i]));
    if (!parts[i]->is_constant())
      return ctx.Fail(node, StatusCode::kUnsupported, "Concat of activations (mote imports it on constants only)");
  }
  if (parts.empty()) return ctx.Fail(node, StatusCode::kCorruptData, "no inputs");
  const OnnxTensor& first = *parts[0]->constant;
  const int64_t rank = int64_t(first.dims.size());
  if (!NormalizeAxis(axis, rank, &axis)) return ctx.Fail(node, StatusCode::kCorruptData, "axis out of range");
  OnnxTensor t;
  t.data_type = first.data_type;
  t.dims = first.dims;
  t.dims[size_t(axis)] = 0;
  for (const Value* p : parts) {
    const OnnxTensor& c = *p->constant;
    bool fits = c.dims.size() == first.dims.size() && c.data_type == first.data_type &&
                c.floats.size() + c.ints.size() == size_t(Elements(c.dims) < 0 ? 0 : Elements(c.dims));
    for (int64_t a = 0; a < rank && fits; ++a) fits = a == axis || c.dims[size_t(a)] == first.dims[size_t(a)];
    if (!fits) return ctx.Fail(node, StatusCode::kShapeMismatch, "the parts do not fit together");
    t.dims[size_t(axis)] += c.dims[size_t(axis)];
  }
  if (Elements(t.dims) > kMaxFoldedElements) return ctx.Fail(node, StatusCode::kUnsupported, "too large to fold");
  int64_t outer = 1;
  for (int64_t a = 0; a < axis; ++a) outer *= first.dims[size_t(a)];
  for (int64_t o = 0; o < outer; ++o)
    for (const Value* p : parts) {
      const OnnxTensor& c = *p->constant;
      const int64_t chunk = outer == 0 ? 0 : Elements(c.dims) / outer;
      for (int64_t k = 0; k < chunk; ++k) {
        const size_t from = size_t(o * chunk + k);
        if (c.floats.empty()) {
          t.ints.push_back(c.ints[from]);
        } else {
          t.floats.push_back(c.floats[from]);
        }
      }
    }
  return DefineConstant(ctx, node, std::move(t));
}

Status ImportExpand(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kNone[] = {nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  const Value* x = nullptr;
  const OnnxTensor* shape = nullptr;
  MOTE_TRY(ctx.Input(node, 0, &x));
  MOTE_TRY(ctx.Constant(node, 1, false, &shape));
  if (!x->is_constant()) return ctx.Fail(node, StatusCode::kUnsupported, "Expand of an activation");
  const OnnxTensor& in = *x->constant;
  // NumPy broadcasting of in.dims against the shape, aligned at the right.
  const size_t rank = std::max(in.dims.size(), shape->ints.size());
  std::vector<int64_t> a(rank, 1), b(rank, 1), out(rank);
  std::copy(in.dims.begin(), in.dims.end(), a.begin() + (rank - in.dims.size()));
  std::copy(shape->ints.begin(), shape->ints.end(), b.begin() + (rank - shape->ints.size()));
  for (size_t i = 0; i < rank; ++i) {
    if (a[i] != b[i] && a[i] != 1 && b[i] != 1)
      return ctx.Fail(node, StatusCode::kShapeMismatch, "shapes that do not broadcast");
    if (b[i] < 0) return ctx.Fail(node, StatusCode::kCorruptData, "negative dimension");
    out[i] = a[i] == 1 ? b[i] : a[i];
  }
  const int64_t n = Elements(out);
  if (n > kMaxFoldedElements) return ctx.Fail(node, StatusCode::kUnsupported, "too large to fold");
  if (in.floats.size() + in.ints.size() != size_t(Elements(in.dims) < 0 ? 0 : Elements(in.dims)) && !in.dims.empty())
    return ctx.Fail(node, StatusCode::kUnsupported, "element type %d", int(in.data_type));
  OnnxTensor t;
  t.data_type = in.data_type;
  t.dims = out;
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < (rank == 0 ? 1 : n); ++i) {
    size_t from = 0;
    for (size_t k = 0; k < rank; ++k) from = from * size_t(a[k]) + size_t(a[k] == 1 ? 0 : index[k]);
    if (in.floats.empty()) {
      if (from < in.ints.size()) t.ints.push_back(in.ints[from]);
    } else {
      t.floats.push_back(in.floats[from]);
    }
    for (size_t k = rank; k-- > 0;) {
      if (++index[k] < out[k]) break;
      index[k] = 0;
    }
  }
  return DefineConstant(ctx, node, std::move(t));
}

}  // namespace onnx_import
}  // namespace mote
