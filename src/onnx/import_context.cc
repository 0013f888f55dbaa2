// ImportContext: see import_context.h.
#include "src/onnx/import_context.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <cmath>

#include "src/core/status_format.h"

namespace mote {
namespace onnx_import {

namespace {

std::string Vformat(const char* format, va_list args) {
  char buffer[512];
  vsnprintf(buffer, sizeof(buffer), format, args);
  return buffer;
}

// "/layer1/conv/Conv" -> "layer1_conv_Conv": names a model file can hold
// without quoting surprises.
std::string LayerName(const OnnxNode& node) {
  std::string name;
  for (const char c : node.name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (word) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) name = node.op_type + (name.empty() ? "" : "_" + name);
  return name;
}

}  // namespace

int64_t SaturatingMultiply(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  if (a != 0 && b > INT64_MAX / a) return INT64_MAX;
  return a * b;
}

int64_t Elements(const std::vector<int64_t>& dims) {
  if (dims.empty()) return 0;
  int64_t e = 1;
  for (const int64_t d : dims) e = SaturatingMultiply(e, d);
  return e;
}

size_t OnnxTensor::elements() const { return floats.empty() ? ints.size() : floats.size(); }

const OnnxAttribute* OnnxNode::Find(const char* attribute) const {
  for (const OnnxAttribute& a : attributes)
    if (a.name == attribute) return &a;
  return nullptr;
}

ImportContext::ImportContext(const OnnxGraph& graph, Model* model, OnnxImportReport* report, size_t max_elements)
    : graph_(graph), model_(model), report_(report), max_elements_(max_elements) {}

Status ImportContext::Fail(const OnnxNode& node, StatusCode code, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const std::string what = Vformat(format, args);
  va_end(args);
  report_->failed_node = node.name;
  report_->failed_op = node.op_type;
  return FormattedStatus(code, "node '%s' (%s): %s", node.name.c_str(), node.op_type.c_str(), what.c_str());
}

void ImportContext::Note(const char* format, ...) {
  va_list args;
  va_start(args, format);
  report_->notes.push_back(Vformat(format, args));
  va_end(args);
}

const Value* ImportContext::Find(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Status ImportContext::Input(const OnnxNode& node, size_t i, const Value** out) {
  if (!HasInput(node, i)) return Fail(node, StatusCode::kCorruptData, "input %zu is missing", i);
  *out = Find(node.inputs[i]);
  if (*out == nullptr)
    return Fail(node, StatusCode::kCorruptData, "input '%s' is defined by no initializer, graph input or earlier node",
                node.inputs[i].c_str());
  if ((*out)->quantized)
    return Fail(node, StatusCode::kUnsupported,
                "input '%s' is a quantized (integer) tensor: mote imports %s on a DequantizeLinear's float output",
                node.inputs[i].c_str(), node.op_type.c_str());
  return Status::Ok();
}

Status ImportContext::Activation(const OnnxNode& node, size_t i, const Value** out) {
  MOTE_TRY(Input(node, i, out));
  if ((*out)->is_constant())
    return Fail(node, StatusCode::kUnsupported, "input '%s' is a constant; mote imports operators on activations here",
                node.inputs[i].c_str());
  return Status::Ok();
}

Status ImportContext::Constant(const OnnxNode& node, size_t i, bool want_floats, const OnnxTensor** out) {
  const Value* v = nullptr;
  MOTE_TRY(Input(node, i, &v));
  if (!v->is_constant())
    return Fail(node, StatusCode::kUnsupported, "input '%s' must be a constant (an initializer), it is computed",
                node.inputs[i].c_str());
  const int32_t type = v->constant->data_type;
  const bool floats = type == kOnnxFloat || type == kOnnxDouble;
  const bool ints = type == kOnnxInt64 || type == kOnnxInt32;
  if (want_floats ? !floats : !ints)
    return Fail(node, StatusCode::kUnsupported, "input '%s' must hold %s (element type %d)", node.inputs[i].c_str(),
                want_floats ? "floats" : "integers", int(type));
  *out = v->constant;
  return Status::Ok();
}

Status ImportContext::DefineOutput(const OnnxNode& node, const Value& value) {
  if (node.outputs.empty() || node.outputs[0].empty()) return Fail(node, StatusCode::kCorruptData, "no output");
  for (size_t i = 1; i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty() && (!Consumers(node.outputs[i]).empty() || IsGraphOutput(node.outputs[i])))
      return Fail(node, StatusCode::kUnsupported, "output %zu ('%s') is used; mote computes only output 0", i,
                  node.outputs[i].c_str());
  if (!value.is_constant() && uint64_t(Elements(value.dims)) > max_elements_)
    return Fail(node, StatusCode::kUnsupported, "an output of %lld values per example, more than %zu",
                (long long)Elements(value.dims), max_elements_);
  Define(node.outputs[0], value);
  return Status::Ok();
}

const OnnxTensor* ImportContext::Keep(OnnxTensor tensor) {
  kept_.push_back(std::make_unique<OnnxTensor>(std::move(tensor)));
  return kept_.back().get();
}

std::vector<const OnnxNode*> ImportContext::Consumers(const std::string& value) const {
  std::vector<const OnnxNode*> out;
  for (const OnnxNode& n : graph_.nodes)
    if (std::find(n.inputs.begin(), n.inputs.end(), value) != n.inputs.end()) out.push_back(&n);
  return out;
}

bool ImportContext::IsGraphOutput(const std::string& value) const {
  for (const OnnxValueInfo& o : graph_.outputs)
    if (o.name == value) return true;
  return false;
}

bool ImportContext::IsFolded(const OnnxNode& node) const {
  return std::find(folded_.begin(), folded_.end(), &node) != folded_.end();
}

namespace {
const char* AttributeTypeName(int32_t type) {
  switch (type) {
    case kOnnxAttrFloat: return "a float";
    case kOnnxAttrInt: return "an integer";
    case kOnnxAttrString: return "a string";
    case kOnnxAttrTensor: return "a tensor";
    case kOnnxAttrFloats: return "floats";
    case kOnnxAttrInts: return "integers";
    case kOnnxAttrStrings: return "strings";
    default: return "another type";
  }
}
}  // namespace

#define MOTE_ONNX_ATTRIBUTE_TYPE(want)                                                                    \
  if (a->type != (want))                                                                                  \
  return Fail(node, StatusCode::kCorruptData, "attribute '%s' should be %s, it is %s", name, AttributeTypeName(want), \
              AttributeTypeName(a->type))

Status ImportContext::Int(const OnnxNode& node, const char* name, int64_t fallback, int64_t* out) {
  const OnnxAttribute* a = node.Find(name);
  *out = fallback;
  if (a == nullptr) return Status::Ok();
  MOTE_ONNX_ATTRIBUTE_TYPE(kOnnxAttrInt);
  *out = a->i;
  return Status::Ok();
}

Status ImportContext::Float(const OnnxNode& node, const char* name, float fallback, float* out) {
  const OnnxAttribute* a = node.Find(name);
  *out = fallback;
  if (a == nullptr) return Status::Ok();
  MOTE_ONNX_ATTRIBUTE_TYPE(kOnnxAttrFloat);
  *out = a->f;
  return Status::Ok();
}

Status ImportContext::Ints(const OnnxNode& node, const char* name, std::vector<int64_t>* out) {
  const OnnxAttribute* a = node.Find(name);
  out->clear();
  if (a == nullptr) return Status::Ok();
  MOTE_ONNX_ATTRIBUTE_TYPE(kOnnxAttrInts);
  *out = a->ints;
  return Status::Ok();
}

Status ImportContext::String(const OnnxNode& node, const char* name, const char* fallback, std::string* out) {
  const OnnxAttribute* a = node.Find(name);
  *out = fallback;
  if (a == nullptr) return Status::Ok();
  MOTE_ONNX_ATTRIBUTE_TYPE(kOnnxAttrString);
  *out = a->s;
  return Status::Ok();
}
#undef MOTE_ONNX_ATTRIBUTE_TYPE

Status ImportContext::OnlyAttributes(const OnnxNode& node, const char* const* known) {
  for (const OnnxAttribute& a : node.attributes) {
    bool found = false;
    for (const char* const* k = known; *k != nullptr && !found; ++k) found = a.name == *k;
    if (!found) return Fail(node, StatusCode::kUnsupported, "attribute '%s' is not imported", a.name.c_str());
  }
  return Status::Ok();
}

Status ImportContext::AddLayer(const OnnxNode& node, std::unique_ptr<Layer> layer, const std::vector<NodeId>& inputs,
                               NodeId* out) {
  std::string name = LayerName(node);
  for (int k = 2; model_->find(name) != -1; ++k) name = LayerName(node) + "_" + std::to_string(k);
  *out = model_->Add(std::move(layer), inputs, name);
  if (*out < 0) return Fail(node, StatusCode::kInternal, "the model refused the layer");
  ++layers_;
  return Status::Ok();
}

void ImportContext::SetParam(NodeId node, const char* name, std::vector<float> values) {
  pending_.push_back({node, name, false, std::move(values)});
}

void ImportContext::SetState(NodeId node, const char* name, std::vector<float> values) {
  pending_.push_back({node, name, true, std::move(values)});
}

Status ImportContext::CopyWeights() {
  for (const Pending& p : pending_) {
    const std::string full = model_->node_name(p.node) + "/" + p.name;
    Model::Writer values = p.state ? model_->mutable_state() : model_->mutable_params();
    float* base = values.data();
    size_t offset = 0, size = 0;
    bool found = false;
    if (p.state) {
      for (const StateInfo& s : model_->state_infos())
        if (s.name == full) found = true, offset = s.offset, size = s.size;
    } else {
      for (const ParamInfo& s : model_->param_infos())
        if (s.name == full) found = true, offset = s.offset, size = s.size;
    }
    if (!found || size != p.values.size())
      return FormattedStatus(StatusCode::kInternal, "onnx import: %s '%s' of %zu values not found (%zu)",
                             p.state ? "state" : "parameter", full.c_str(), p.values.size(), size);
    std::copy(p.values.begin(), p.values.end(), base + offset);
  }
  return Status::Ok();
}

void ImportContext::SetWeightScales(const OnnxTensor* dequantized, std::vector<float> scales, int64_t axis) {
  weight_scales_[dequantized] = {std::move(scales), axis};
}

Status ImportContext::RecordWeightScales(const OnnxNode& node, const OnnxTensor* w, int64_t output_axis,
                                         size_t outputs, float alpha, NodeId layer) {
  const auto it = weight_scales_.find(w);
  if (it == weight_scales_.end()) return Status::Ok();
  const WeightScales& ws = it->second;
  if (ws.scales.size() != 1 && (ws.axis != output_axis || ws.scales.size() != outputs))
    return Fail(node, StatusCode::kUnsupported,
                "weights quantized per index of axis %lld: mote's int8 weights have one scale per output channel "
                "(axis %lld) or one for all",
                (long long)ws.axis, (long long)output_axis);
  FixedQuantization::Weights fixed;
  fixed.node = model_->node_name(layer);
  for (size_t c = 0; c < outputs; ++c)
    fixed.scales.push_back(std::fabs(alpha) * ws.scales[ws.scales.size() == 1 ? 0 : c]);
  report_->quantization.weights.push_back(std::move(fixed));
  return Status::Ok();
}

Status ImportContext::RecordActivation(const OnnxNode& node, NodeId target, float scale, int32_t zero_point) {
  const std::string& name = model_->node_name(target);
  for (const FixedQuantization::Activation& a : report_->quantization.activations) {
    if (a.node != name) continue;
    if (a.scale == scale && a.zero_point == zero_point) return Status::Ok();
    return Fail(node, StatusCode::kUnsupported,
                "quantizes '%s' with scale %g, zero point %d where an earlier node used %g, %d: mote holds one int8 "
                "form per value",
                name.c_str(), double(scale), int(zero_point), double(a.scale), int(a.zero_point));
  }
  report_->quantization.activations.push_back({name, scale, zero_point});
  return Status::Ok();
}

}  // namespace onnx_import
}  // namespace mote
