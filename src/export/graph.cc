// The export graph (include/mote/export.h) and its constant helpers.
#include <cmath>
#include <cstring>
#include <limits>

#include "mote/export.h"
#include "src/export/graph_util.h"

namespace mote {

static_assert(sizeof(float) == 4 && sizeof(int32_t) == 4, "the format stores 4-byte floats");

size_t ExportTensor::elements() const {
  size_t e = 1;
  for (uint32_t d : dims) e *= d;
  return e;
}
size_t ExportTensor::bytes() const { return elements() * export_internal::DTypeBytes(dtype); }

ExportOp::ExportOp()
    : act_min(-std::numeric_limits<float>::infinity()), act_max(std::numeric_limits<float>::infinity()) {}

int ExportGraph::AddTensor(ExportTensor tensor) {
  tensors.push_back(std::move(tensor));
  return int(tensors.size()) - 1;
}

namespace export_internal {

size_t DTypeBytes(MoteDType dtype) {
  switch (dtype) {
    case MOTE_DTYPE_F32: return 4;
    case MOTE_DTYPE_I8: return 1;
    case MOTE_DTYPE_I32: return 4;
  }
  return 0;
}

namespace {
template <typename T>
ExportTensor Constant(const std::string& name, MoteDType dtype, const std::vector<uint32_t>& dims,
                      const std::vector<T>& values) {
  ExportTensor t;
  t.name = name;
  t.dtype = dtype;
  t.kind = MOTE_TENSOR_CONSTANT;
  t.dims = dims;
  t.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}
}  // namespace

ExportTensor FloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                           const std::vector<float>& values) {
  return Constant(name, MOTE_DTYPE_F32, dims, values);
}
ExportTensor Int8Constant(const std::string& name, const std::vector<uint32_t>& dims,
                          const std::vector<int8_t>& values) {
  return Constant(name, MOTE_DTYPE_I8, dims, values);
}
ExportTensor Int32Constant(const std::string& name, const std::vector<uint32_t>& dims,
                           const std::vector<int32_t>& values) {
  return Constant(name, MOTE_DTYPE_I32, dims, values);
}

void ReadFloats(const float* data, size_t count, std::vector<float>* out) { out->assign(data, data + count); }

void ReadFloats(const ExportTensor& t, std::vector<float>* out) {
  out->resize(t.data.size() / sizeof(float));
  if (!out->empty()) std::memcpy(out->data(), t.data.data(), out->size() * sizeof(float));
}

bool FloatConstantsFinite(const ExportGraph& graph) {
  for (const ExportTensor& t : graph.tensors) {
    if (t.kind != MOTE_TENSOR_CONSTANT || t.dtype != MOTE_DTYPE_F32) continue;
    for (size_t i = 0; i + sizeof(float) <= t.data.size(); i += sizeof(float)) {
      float v;
      std::memcpy(&v, t.data.data() + i, sizeof(v));
      if (!std::isfinite(v)) return false;
    }
  }
  return true;
}

void DropUnusedTensors(ExportGraph* graph) {
  std::vector<int> remap(graph->tensors.size(), -1);
  auto mark = [&](int t) { remap[size_t(t)] = 0; };
  for (const ExportOp& op : graph->ops) {
    for (int t : op.inputs) mark(t);
    mark(op.output);
  }
  for (int t : graph->inputs) mark(t);
  for (int t : graph->outputs) mark(t);
  std::vector<ExportTensor> kept;
  for (size_t t = 0; t < graph->tensors.size(); ++t) {
    if (remap[t] < 0) continue;
    remap[t] = int(kept.size());
    kept.push_back(std::move(graph->tensors[t]));
  }
  graph->tensors = std::move(kept);
  for (ExportOp& op : graph->ops) {
    for (int& t : op.inputs) t = remap[size_t(t)];
    op.output = remap[size_t(op.output)];
  }
  for (int& t : graph->inputs) t = remap[size_t(t)];
  for (int& t : graph->outputs) t = remap[size_t(t)];
}

}  // namespace export_internal
}  // namespace mote
