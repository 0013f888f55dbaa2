// QuantizeLinear, DequantizeLinear, QLinearConv and QLinearMatMul: quantized
// ONNX models (onnxruntime's QDQ format, and its QLinear operators). mote's
// model computes the real values, scale * (q - zero_point); the parameters
// go to the report (OnnxImportReport::quantization) in mote's int8 scheme, so
// that the int8 export runs the model as the file says:
//  - activations per tensor; uint8 ones become int8 with the zero point
//    shifted by -128 (q - zp is unchanged: exact);
//  - weights dequantized to floats (the float model), their scales recorded
//    per output channel (one per-tensor scale repeated); mote's int8 weights
//    are symmetric, so an asymmetric kernel is exact only where q - zp fits
//    in int8 (the export checks every weight and refuses otherwise);
//  - int32 biases dequantized (scale x_scale * w_scale), requantized by the
//    export with the same scales, so the same integers.
#include <stdint.h>

#include <cmath>
#include <string>
#include <vector>

#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// The scale and zero point inputs of a quantizing node.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;  // as stored, one per scale
  int32_t type = kOnnxUint8;         // of the zero point (ONNX's default: uint8)
  bool has_zero_point = false;       // absent: 0 of the quantized tensor's type
  // The zero point as mote's int8 (uint8 shifted by -128).
  int32_t Int8ZeroPoint(size_t i) const { return int32_t(zero_points[i] - (type == kOnnxUint8 ? 128 : 0)); }
  int64_t Low() const { return type == kOnnxUint8 ? 0 : type == kOnnxInt8 ? -128 : INT32_MIN; }
  int64_t High() const { return type == kOnnxUint8 ? 255 : type == kOnnxInt8 ? 127 : INT32_MAX; }
};

bool IsQuantizedType(int32_t type, bool int32_allowed) {
  return type == kOnnxInt8 || type == kOnnxUint8 || (int32_allowed && type == kOnnxInt32);
}

Status ReadQuantParams(ImportContext& ctx, const OnnxNode& node, size_t scale_input, size_t zero_point_input,
                       bool int32_allowed, QuantParams* q) {
  const OnnxTensor* scale = nullptr;
  MOTE_TRY(ctx.Constant(node, scale_input, true, &scale));
  if (scale->dims.size() > 1 || scale->floats.empty())
    return ctx.Fail(node, StatusCode::kUnsupported, "scale '%s' must be one value or a vector",
                    node.inputs[scale_input].c_str());
  for (const float s : scale->floats)
    if (!(s > 0.0f) || !std::isfinite(s))
      return ctx.Fail(node, StatusCode::kCorruptData, "scale '%s' holds %g (scales must be > 0)",
                      node.inputs[scale_input].c_str(), double(s));
  q->scales = scale->floats;
  q->zero_points.assign(q->scales.size(), 0);
  if (!ctx.HasInput(node, zero_point_input)) return Status::Ok();
  const Value* z = ctx.Find(node.inputs[zero_point_input]);
  if (z == nullptr || !z->is_constant())
    return ctx.Fail(node, StatusCode::kUnsupported, "zero point '%s' must be a constant",
                    node.inputs[zero_point_input].c_str());
  if (!IsQuantizedType(z->constant->data_type, int32_allowed))
    return ctx.Fail(node, StatusCode::kUnsupported, "zero point of element type %d: mote imports int8 and uint8%s",
                    int(z->constant->data_type), int32_allowed ? " (int32 for biases)" : "");
  if (z->constant->ints.size() != q->scales.size())
    return ctx.Fail(node, StatusCode::kShapeMismatch, "%zu zero points for %zu scales", z->constant->ints.size(),
                    q->scales.size());
  q->type = z->constant->data_type;
  q->has_zero_point = true;
  q->zero_points = z->constant->ints;
  return Status::Ok();
}

// Index of element i's position along `axis` of `dims` (per-axis scales).
size_t AxisIndex(const std::vector<int64_t>& dims, int64_t axis, size_t i) {
  size_t inner = 1;
  for (size_t a = size_t(axis) + 1; a < dims.size(); ++a) inner *= size_t(dims[a]);
  return (i / inner) % size_t(dims[size_t(axis)]);
}

// `axis` of a tensor of rank `rank` for `q`'s scales: 0 when one scale for
// all, else normalized and checked against the tensor's size along it.
Status ResolveAxis(ImportContext& ctx, const OnnxNode& node, const QuantParams& q, const std::vector<int64_t>& dims,
                   int64_t axis, int64_t* out) {
  *out = 0;
  if (q.scales.size() == 1) return Status::Ok();
  const int64_t rank = int64_t(dims.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank || dims[size_t(axis)] != int64_t(q.scales.size()))
    return ctx.Fail(node, StatusCode::kShapeMismatch, "%zu scales do not match axis %lld of the tensor",
                    q.scales.size(), (long long)axis);
  *out = axis;
  return Status::Ok();
}

// Integers `ints` (a constant of dims) with `q` along `axis` -> a kept float
// constant named `name`; int8 / uint8 ones record their scales as weights.
Status Dequantize(ImportContext& ctx, const OnnxNode& node, const OnnxTensor& ints, QuantParams q, int64_t axis,
                  const std::string& name, const OnnxTensor** out) {
  if (!q.has_zero_point) q.type = ints.data_type;
  int64_t resolved = 0;
  MOTE_TRY(ResolveAxis(ctx, node, q, ints.dims, axis, &resolved));
  if (ints.data_type != q.type)
    return ctx.Fail(node, StatusCode::kCorruptData, "values of element type %d, zero point of %d", int(ints.data_type),
                    int(q.type));
  OnnxTensor t;
  t.name = name;
  t.data_type = kOnnxFloat;
  t.dims = ints.dims;
  t.floats.resize(ints.ints.size());
  for (size_t i = 0; i < ints.ints.size(); ++i) {
    const size_t c = q.scales.size() == 1 ? 0 : AxisIndex(ints.dims, resolved, i);
    t.floats[i] = float(double(q.scales[c]) * double(ints.ints[i] - q.zero_points[c]));
  }
  *out = ctx.Keep(std::move(t));
  if (q.type != kOnnxInt32) ctx.SetWeightScales(*out, q.scales, resolved);
  return Status::Ok();
}

// The quantized activation input 0 of a QLinear node, checked against its
// scale and zero point inputs (1, 2).
Status QuantizedActivation(ImportContext& ctx, const OnnxNode& node, const Value** x) {
  *x = ctx.Find(node.inputs.empty() ? std::string() : node.inputs[0]);
  if (*x == nullptr || !(*x)->quantized)
    return ctx.Fail(node, StatusCode::kUnsupported, "input 0 must be a quantized activation (a QuantizeLinear's or "
                                                    "QLinear operator's output)");
  QuantParams q;
  MOTE_TRY(ReadQuantParams(ctx, node, 1, 2, false, &q));
  if (q.scales.size() != 1 || q.scales[0] != (*x)->q_scale || q.Int8ZeroPoint(0) != (*x)->q_zero_point)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "its input's scale and zero point differ from those it was quantized with (mote holds one int8 "
                    "form per value)");
  return Status::Ok();
}

// Output 0 of `node` is mote node `value`'s output quantized with q (one scale).
Status DefineQuantized(ImportContext& ctx, const OnnxNode& node, Value value, const QuantParams& q) {
  if (q.scales.size() != 1)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "per-axis quantization of an activation: mote's int8 activations have one scale");
  if (q.type == kOnnxInt32) return ctx.Fail(node, StatusCode::kUnsupported, "int32 activations");
  value.quantized = true;
  value.q_scale = q.scales[0];
  value.q_zero_point = q.Int8ZeroPoint(0);
  MOTE_TRY(ctx.RecordActivation(node, value.node, value.q_scale, value.q_zero_point));
  return ctx.DefineOutput(node, value);
}

// Where a QLinear operator's inputs are: weights (and their scale and zero
// point) at 3, 4, 5 (per output channel along weight_axis), the output's
// scale and zero point, the int32 bias (kNone: none).
struct QLinearInputs {
  static constexpr size_t kNone = 99;
  int64_t weight_axis;
  size_t y_scale, y_zero_point, bias;
};

// QLinearConv / QLinearMatMul / QGemm: the float operator (`handler`, on a
// node like this one reading the dequantized input, weights and bias)
// between the quantized input and output.
Status ImportQLinear(ImportContext& ctx, const OnnxNode& node, OpHandler handler, const QLinearInputs& at) {
  const Value* x = nullptr;
  MOTE_TRY(QuantizedActivation(ctx, node, &x));
  QuantParams wq, yq;
  MOTE_TRY(ReadQuantParams(ctx, node, 4, 5, false, &wq));
  if (!ctx.HasInput(node, at.y_scale))
    return ctx.Fail(node, StatusCode::kUnsupported, "a float output (no y_scale): mote imports quantized outputs");
  MOTE_TRY(ReadQuantParams(ctx, node, at.y_scale, at.y_zero_point, false, &yq));
  const int64_t weight_axis = at.weight_axis;
  const Value* w = nullptr;
  MOTE_TRY(ctx.Input(node, 3, &w));
  if (!w->is_constant() || !IsQuantizedType(w->constant->data_type, false))
    return ctx.Fail(node, StatusCode::kUnsupported, "weights '%s' must be an int8 or uint8 constant",
                    node.inputs[3].c_str());
  if (wq.scales.size() != 1 && w->constant->dims.size() <= size_t(weight_axis))
    return ctx.Fail(node, StatusCode::kShapeMismatch, "weights of rank %zu", w->constant->dims.size());
  const std::string base = node.outputs.empty() ? node.name : node.outputs[0];
  OnnxNode float_node = node;
  float_node.inputs = {base + "#x", base + "#w"};
  float_node.outputs = {base + "#y"};
  Value xf = *x;
  xf.quantized = false;
  ctx.Define(float_node.inputs[0], xf);
  const OnnxTensor* wf = nullptr;
  MOTE_TRY(Dequantize(ctx, node, *w->constant, wq, weight_axis, float_node.inputs[1], &wf));
  Value wv;
  wv.constant = wf;
  wv.dims = wf->dims;
  ctx.Define(float_node.inputs[1], wv);
  if (at.bias != QLinearInputs::kNone && ctx.HasInput(node, at.bias)) {
    const Value* b = nullptr;
    MOTE_TRY(ctx.Input(node, at.bias, &b));
    if (!b->is_constant() || b->constant->data_type != kOnnxInt32 || b->constant->dims.size() != 1)
      return ctx.Fail(node, StatusCode::kUnsupported, "bias '%s' must be an int32 vector constant",
                      node.inputs[at.bias].c_str());
    // Bias scale x_scale * w_scale[c], zero point 0.
    QuantParams bq;
    bq.type = kOnnxInt32;
    for (const float s : wq.scales) bq.scales.push_back(float(double(x->q_scale) * double(s)));
    bq.zero_points.assign(bq.scales.size(), 0);
    const OnnxTensor* bf = nullptr;
    MOTE_TRY(Dequantize(ctx, node, *b->constant, bq, 0, base + "#b", &bf));
    Value bv;
    bv.constant = bf;
    bv.dims = bf->dims;
    float_node.inputs.push_back(base + "#b");
    ctx.Define(float_node.inputs.back(), bv);
  }
  MOTE_TRY(handler(ctx, float_node));
  const Value* y = ctx.Find(float_node.outputs[0]);
  if (y == nullptr) return ctx.Fail(node, StatusCode::kInternal, "no output");
  return DefineQuantized(ctx, node, *y, yq);
}

}  // namespace

Status ImportQuantizeLinear(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  int64_t axis = 1;
  MOTE_TRY(ctx.Int(node, "axis", 1, &axis));
  QuantParams q;
  MOTE_TRY(ReadQuantParams(ctx, node, 1, 2, false, &q));
  const Value* x = ctx.Find(node.inputs.empty() ? std::string() : node.inputs[0]);
  if (x == nullptr) return ctx.Fail(node, StatusCode::kCorruptData, "input 0 is defined by no earlier node");
  if (x->quantized) return ctx.Fail(node, StatusCode::kUnsupported, "input 0 is already quantized");
  if (x->is_constant()) {
    // Float weights quantized in the graph: ONNX's rounding (half to even), saturated.
    const OnnxTensor* f = nullptr;
    MOTE_TRY(ctx.Constant(node, 0, true, &f));
    int64_t resolved = 0;
    MOTE_TRY(ResolveAxis(ctx, node, q, f->dims, axis, &resolved));
    OnnxTensor t;
    t.name = node.outputs.empty() ? node.name : node.outputs[0];
    t.data_type = q.type;
    t.dims = f->dims;
    for (size_t i = 0; i < f->floats.size(); ++i) {
      const size_t c = q.scales.size() == 1 ? 0 : AxisIndex(f->dims, resolved, i);
      const double v = std::nearbyint(double(f->floats[i]) / double(q.scales[c])) + double(q.zero_points[c]);
      t.ints.push_back(int64_t(std::fmin(double(q.High()), std::fmax(double(q.Low()), v))));
    }
    Value v;
    v.constant = ctx.Keep(std::move(t));
    v.dims = f->dims;
    return ctx.DefineOutput(node, v);
  }
  return DefineQuantized(ctx, node, *x, q);
}

Status ImportDequantizeLinear(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"axis", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  int64_t axis = 1;
  MOTE_TRY(ctx.Int(node, "axis", 1, &axis));
  QuantParams q;
  MOTE_TRY(ReadQuantParams(ctx, node, 1, 2, true, &q));
  const Value* x = ctx.Find(node.inputs.empty() ? std::string() : node.inputs[0]);
  if (x == nullptr) return ctx.Fail(node, StatusCode::kCorruptData, "input 0 is defined by no earlier node");
  if (x->is_constant()) {
    if (!IsQuantizedType(x->constant->data_type, true))
      return ctx.Fail(node, StatusCode::kUnsupported, "input of element type %d (int8, uint8 or int32)",
                      int(x->constant->data_type));
    const OnnxTensor* f = nullptr;
    MOTE_TRY(Dequantize(ctx, node, *x->constant, q, axis, node.outputs.empty() ? node.name : node.outputs[0], &f));
    Value v;
    v.constant = f;
    v.dims = f->dims;
    return ctx.DefineOutput(node, v);
  }
  if (!x->quantized)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "input '%s' is not quantized in the graph (mote's inputs are float: quantize them with "
                    "QuantizeLinear)",
                    node.inputs[0].c_str());
  if (q.scales.size() != 1 || q.scales[0] != x->q_scale || q.Int8ZeroPoint(0) != x->q_zero_point)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "dequantizes with another scale or zero point than its input was quantized with");
  Value v = *x;
  v.quantized = false;
  return ctx.DefineOutput(node, v);
}

Status ImportQLinearConv(ImportContext& ctx, const OnnxNode& node) {
  return ImportQLinear(ctx, node, ImportConv, {0, 6, 7, 8});
}

Status ImportQLinearMatMul(ImportContext& ctx, const OnnxNode& node) {
  return ImportQLinear(ctx, node, ImportMatMul, {1, 6, 7, QLinearInputs::kNone});
}

Status ImportQGemm(ImportContext& ctx, const OnnxNode& node) {
  int64_t trans_b = 0;
  float alpha = 1;
  MOTE_TRY(ctx.Int(node, "transB", 0, &trans_b));
  MOTE_TRY(ctx.Float(node, "alpha", 1.0f, &alpha));
  if (alpha != 1.0f) return ctx.Fail(node, StatusCode::kUnsupported, "alpha %g (mote imports QGemm's alpha 1)", alpha);
  return ImportQLinear(ctx, node, ImportGemm, {trans_b != 0 ? 0 : 1, 7, 8, 6});
}

Status ImportQuantizedPassThrough(ImportContext& ctx, const OnnxNode& node, OpHandler handler) {
  const Value* x = ctx.Find(node.inputs.empty() ? std::string() : node.inputs[0]);
  if (x == nullptr || !x->quantized) return handler(ctx, node);
  // The float operator on the real values, its output quantized as its input.
  const std::string base = node.outputs.empty() ? node.name : node.outputs[0];
  OnnxNode float_node = node;
  float_node.inputs[0] = base + "#x";
  float_node.outputs = {base + "#y"};
  Value xf = *x;
  xf.quantized = false;
  ctx.Define(float_node.inputs[0], xf);
  MOTE_TRY(handler(ctx, float_node));
  const Value* y = ctx.Find(float_node.outputs[0]);
  if (y == nullptr) return ctx.Fail(node, StatusCode::kInternal, "no output");
  QuantParams q;
  q.type = kOnnxInt8;
  q.scales = {x->q_scale};
  q.zero_points = {x->q_zero_point};
  return DefineQuantized(ctx, node, *y, q);
}

}  // namespace onnx_import
}  // namespace mote
