// ModelProto bytes -> OnnxGraph (src/onnx/onnx_graph.h), with the protobuf
// classes Debian's libonnx-dev generates (onnx/onnx-ml.pb.h, libonnx_proto).
// The one file that includes them: protobuf's generated code builds with the
// project's -fno-exceptions -fno-rtti (protobuf 3.21 detects both and never
// throws while parsing: ParseFromArray returns false), so it needs no flags
// of its own; keeping it here keeps protobuf out of every other header.
#include <limits.h>
#include <string.h>

#include <onnx/onnx_pb.h>

#include "src/core/status_format.h"
#include "src/onnx/onnx_graph.h"

namespace mote {
namespace onnx_import {

namespace {

// More values than this in one tensor is refused (1 GiB of floats): a file
// cannot make the importer allocate without bound.
constexpr uint64_t kMaxTensorElements = uint64_t(1) << 28;

template <typename T>
void CopyRepeated(const T& from, std::vector<int64_t>* to) {
  to->assign(from.begin(), from.end());
}

Status ReadTensor(const onnx::TensorProto& t, OnnxTensor* out) {
  out->name = t.name();
  out->data_type = t.data_type();
  CopyRepeated(t.dims(), &out->dims);
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    return FormattedStatus(StatusCode::kUnsupported,
                           "tensor '%s': data stored in an external file (save the model with its weights inside)",
                           t.name().c_str());
  if (t.has_segment()) return FormattedStatus(StatusCode::kUnsupported, "tensor '%s': segmented tensor", t.name().c_str());
  uint64_t elements = 1;
  for (const int64_t d : out->dims) {
    if (d < 0) return FormattedStatus(StatusCode::kCorruptData, "tensor '%s': negative dimension %lld", t.name().c_str(), (long long)d);
    if (d > 0 && elements > kMaxTensorElements / uint64_t(d))
      return FormattedStatus(StatusCode::kUnsupported, "tensor '%s': more than %llu values", t.name().c_str(),
                             (unsigned long long)kMaxTensorElements);
    elements *= uint64_t(d);
  }
  const std::string& raw = t.raw_data();
  size_t width = 0;
  size_t stored = 0;
  switch (t.data_type()) {
    case kOnnxFloat:
      width = 4;
      stored = size_t(t.float_data_size());
      break;
    case kOnnxDouble:
      width = 8;
      stored = size_t(t.double_data_size());
      break;
    case kOnnxInt32:
      width = 4;
      stored = size_t(t.int32_data_size());
      break;
    case kOnnxInt64:
      width = 8;
      stored = size_t(t.int64_data_size());
      break;
    case kOnnxBool:
    case kOnnxUint8:
    case kOnnxInt8:
      width = 1;
      stored = size_t(t.int32_data_size());
      break;
    default:
      return Status::Ok();  // kept without values: a handler that reads it refuses the type
  }
  const bool from_raw = t.has_raw_data();
  const uint64_t have = from_raw ? raw.size() / width : stored;
  if ((from_raw && raw.size() % width != 0) || have != elements)
    return FormattedStatus(StatusCode::kCorruptData, "tensor '%s': %llu values stored for shape of %llu",
                           t.name().c_str(), (unsigned long long)have, (unsigned long long)elements);
  // Raw data is little-endian, as is every host mote runs on (x86-64, AArch64).
  switch (t.data_type()) {
    case kOnnxFloat:
      out->floats.resize(elements);
      if (from_raw) {
        if (elements > 0) memcpy(out->floats.data(), raw.data(), elements * 4);
      } else {
        out->floats.assign(t.float_data().begin(), t.float_data().end());
      }
      break;
    case kOnnxDouble:
      out->floats.resize(elements);
      for (size_t i = 0; i < elements; ++i) {
        double v;
        if (from_raw) {
          memcpy(&v, raw.data() + 8 * i, 8);
        } else {
          v = t.double_data(int(i));
        }
        out->floats[i] = float(v);
      }
      break;
    case kOnnxInt32:
      out->ints.resize(elements);
      for (size_t i = 0; i < elements; ++i) {
        int32_t v;
        if (from_raw) {
          memcpy(&v, raw.data() + 4 * i, 4);
        } else {
          v = t.int32_data(int(i));
        }
        out->ints[i] = v;
      }
      break;
    case kOnnxBool:
    case kOnnxUint8:
    case kOnnxInt8:
      out->ints.resize(elements);
      for (size_t i = 0; i < elements; ++i) {
        if (from_raw) {
          out->ints[i] = t.data_type() == kOnnxInt8 ? int8_t(raw[i]) : uint8_t(raw[i]);
        } else {
          out->ints[i] = t.int32_data(int(i));
        }
      }
      break;
    case kOnnxInt64:
      out->ints.resize(elements);
      if (from_raw) {
        if (elements > 0) memcpy(out->ints.data(), raw.data(), elements * 8);
      } else {
        out->ints.assign(t.int64_data().begin(), t.int64_data().end());
      }
      break;
  }
  return Status::Ok();
}

Status ReadValueInfo(const onnx::ValueInfoProto& v, OnnxValueInfo* out) {
  out->name = v.name();
  if (!v.has_type() || !v.type().has_tensor_type()) return Status::Ok();
  const onnx::TypeProto_Tensor& t = v.type().tensor_type();
  out->elem_type = t.elem_type();
  out->has_shape = t.has_shape();
  for (const onnx::TensorShapeProto_Dimension& d : t.shape().dim()) {
    out->dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
    out->dim_params.push_back(d.has_dim_param() ? d.dim_param() : std::string());
  }
  return Status::Ok();
}

Status ReadAttribute(const onnx::NodeProto& node, const onnx::AttributeProto& a, OnnxAttribute* out) {
  out->name = a.name();
  out->type = a.type();
  if (!a.ref_attr_name().empty() || a.has_g() || a.graphs_size() > 0 || a.has_sparse_tensor() ||
      a.tensors_size() > 0)
    return FormattedStatus(StatusCode::kUnsupported,
                           "node '%s' (%s): attribute '%s' is a graph, a list of tensors or a reference (not imported)",
                           node.name().c_str(), node.op_type().c_str(), a.name().c_str());
  out->f = a.f();
  out->i = a.i();
  out->s = a.s();
  out->floats.assign(a.floats().begin(), a.floats().end());
  CopyRepeated(a.ints(), &out->ints);
  out->strings.assign(a.strings().begin(), a.strings().end());
  if (a.has_t()) {
    out->tensor.resize(1);
    MOTE_TRY(ReadTensor(a.t(), &out->tensor[0]));
  }
  return Status::Ok();
}

}  // namespace

bool OnnxParserAvailable() { return true; }

Status ParseOnnxModel(const uint8_t* data, size_t size, OnnxGraph* out) {
  if (data == nullptr && size > 0) return InvalidArgument("onnx: null data");
  if (size > size_t(INT_MAX)) return Unsupported("onnx: files over 2 GiB are not read (protobuf's limit)");
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, int(size)))
    return CorruptData("not an ONNX model: the protobuf does not parse (truncated or another kind of file)");
  if (!model.has_graph()) return CorruptData("ONNX model without a graph");
  OnnxGraph g;
  g.ir_version = model.ir_version();
  g.producer = model.producer_name();
  if (!model.producer_version().empty()) g.producer += " " + model.producer_version();
  for (const onnx::OperatorSetIdProto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      g.opset = o.version();
    } else {
      g.other_domains.push_back(o.domain());
    }
  }
  const onnx::GraphProto& graph = model.graph();
  if (graph.sparse_initializer_size() > 0) return Unsupported("ONNX graph with sparse initializers (not imported)");
  g.initializers.resize(size_t(graph.initializer_size()));
  for (int i = 0; i < graph.initializer_size(); ++i) MOTE_TRY(ReadTensor(graph.initializer(i), &g.initializers[size_t(i)]));
  g.inputs.resize(size_t(graph.input_size()));
  for (int i = 0; i < graph.input_size(); ++i) MOTE_TRY(ReadValueInfo(graph.input(i), &g.inputs[size_t(i)]));
  g.outputs.resize(size_t(graph.output_size()));
  for (int i = 0; i < graph.output_size(); ++i) MOTE_TRY(ReadValueInfo(graph.output(i), &g.outputs[size_t(i)]));
  g.nodes.resize(size_t(graph.node_size()));
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    OnnxNode& node = g.nodes[size_t(i)];
    node.name = n.name().empty() ? "#" + std::to_string(i) : n.name();
    node.op_type = n.op_type();
    node.domain = n.domain();
    node.inputs.assign(n.input().begin(), n.input().end());
    node.outputs.assign(n.output().begin(), n.output().end());
    node.attributes.resize(size_t(n.attribute_size()));
    for (int k = 0; k < n.attribute_size(); ++k)
      MOTE_TRY(ReadAttribute(n, n.attribute(k), &node.attributes[size_t(k)]));
  }
  *out = std::move(g);
  return Status::Ok();
}

}  // namespace onnx_import
}  // namespace mote
