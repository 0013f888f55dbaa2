// LowerModel: a prepared model's layers -> float runtime ops
// (include/mote/export.h). Each layer says what it becomes through its Lower
// hook (include/mote/lowering.h); this file implements the context they
// lower into: tensor bookkeeping, identity layers seen through, and the
// graph rewrites layers ask for (fusion into a producer, batchnorm folding).
#include <cmath>
#include <limits>

#include "mote/export.h"
#include "mote/lowering.h"
#include "src/export/graph_util.h"

namespace mote {
namespace {

using export_internal::FloatConstant;
using export_internal::ReadFloats;

constexpr float kInf = std::numeric_limits<float>::infinity();

bool ToDims(const Shape& s, std::vector<uint32_t>* dims) {
  dims->clear();
  if (s.rank() < 1 || s.rank() > int(MOTE_MODEL_MAX_RANK)) return false;
  for (int i = 0; i < s.rank(); ++i) {
    if (s.dim(i) == 0 || s.dim(i) > 0xFFFFFFFFu) return false;
    dims->push_back(uint32_t(s.dim(i)));
  }
  return true;
}

class Lowering final : public LoweringContext {
 public:
  Lowering(const Model& model, ExportGraph* graph) : model_(model), g_(*graph) {}

  Status Run(NodeId* failed) {
    const size_t n = model_.node_count();
    value_.assign(n, -1);
    producer_.clear();
    CountUses();
    for (int i = 0; i < model_.input_count(); ++i) {
      const NodeId node = model_.input_node(i);
      int t;
      MOTE_TRY(NewActivation(node, &t));
      value_[size_t(node)] = t;
      g_.inputs.push_back(t);
    }
    for (NodeId node = 0; node < NodeId(n); ++node) {
      if (model_.layer(node) == nullptr) continue;
      *failed = node;
      MOTE_TRY(LowerNode(node));
    }
    for (int i = 0; i < model_.output_count(); ++i) g_.outputs.push_back(value_[size_t(model_.output_node(i))]);
    *failed = -1;
    return Status::Ok();
  }

 private:
  // uses_[r]: how many non-identity layers (and model outputs) read node r,
  // identity layers seen through. A node used once can absorb its consumer.
  void CountUses() {
    const size_t n = model_.node_count();
    rep_.assign(n, -1);
    uses_.assign(n, 0);
    for (NodeId node = 0; node < NodeId(n); ++node) {
      const Layer* layer = model_.layer(node);
      rep_[size_t(node)] = node;
      if (layer == nullptr) continue;
      const std::vector<NodeId>& in = model_.node_inputs(node);
      if (layer->identity_at_inference()) {
        rep_[size_t(node)] = rep_[size_t(in[0])];
        continue;
      }
      for (NodeId i : in) ++uses_[size_t(rep_[size_t(i)])];
    }
    for (int i = 0; i < model_.output_count(); ++i) ++uses_[size_t(rep_[size_t(model_.output_node(i))])];
  }

  Status NewActivation(NodeId node, int* index) {
    ExportTensor t;
    t.name = model_.node_name(node);
    if (!ToDims(model_.node_shape(node), &t.dims)) return ShapeMismatch("export: a tensor shape the format cannot hold");
    t.source = node;
    *index = g_.AddTensor(std::move(t));
    producer_.resize(g_.tensors.size(), -1);
    return Status::Ok();
  }

  // LoweringContext, about node_.
  const std::string& node_name() const override { return model_.node_name(node_); }
  int input(int i) const override { return value_[size_t(model_.node_inputs(node_)[size_t(i)])]; }
  Shape input_shape(int i) const override { return model_.node_shape(model_.node_inputs(node_)[size_t(i)]); }
  const float* param(const char* name) const override { return model_.node_param(node_, name); }
  const float* state(const char* name) const override { return model_.node_state(node_, name); }
  int AddFloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                       const std::vector<float>& values) override {
    const int t = g_.AddTensor(FloatConstant(name, dims, values));
    producer_.resize(g_.tensors.size(), -1);
    return t;
  }

  // A new op writing a new activation for `node_`.
  Status Emit(MoteOpType type, std::vector<int> inputs, ExportOp** op) override {
    int out;
    MOTE_TRY(NewActivation(node_, &out));
    ExportOp o;
    o.type = type;
    o.inputs = std::move(inputs);
    o.output = out;
    o.name = model_.node_name(node_);
    g_.ops.push_back(std::move(o));
    producer_[size_t(out)] = int(g_.ops.size()) - 1;
    value_[size_t(node_)] = out;
    *op = &g_.ops.back();
    return Status::Ok();
  }

  ExportOp* AbsorbIntoProducer(std::initializer_list<MoteOpType> types) override {
    return Absorber(node_, model_.node_inputs(node_)[0], types);
  }

  // The op that alone consumes `input`'s value and may absorb `node` into it
  // (types listed), or null.
  ExportOp* Absorber(NodeId node, NodeId input, std::initializer_list<MoteOpType> types) {
    if (uses_[size_t(rep_[size_t(input)])] != 1) return nullptr;
    const int t = value_[size_t(input)];
    const int p = producer_[size_t(t)];
    if (p < 0) return nullptr;
    ExportOp& op = g_.ops[size_t(p)];
    for (MoteOpType type : types) {
      if (op.type != type) continue;
      op.name += "+" + model_.node_name(node);
      g_.tensors[size_t(t)].source = node;
      value_[size_t(node)] = t;
      return &op;
    }
    return nullptr;
  }

  Status LowerNode(NodeId node) {
    const Layer* layer = model_.layer(node);
    if (layer->identity_at_inference()) {
      value_[size_t(node)] = value_[size_t(model_.node_inputs(node)[0])];
      return Status::Ok();
    }
    node_ = node;
    return layer->Lower(*this);
  }

  bool FoldChannelAffine(const std::vector<double>& scale, const std::vector<double>& shift) override {
    const size_t c = scale.size();
    const NodeId input = model_.node_inputs(node_)[0];
    const int t = value_[size_t(input)];
    const int p = producer_[size_t(t)];
    const bool foldable = p >= 0 && uses_[size_t(rep_[size_t(input)])] == 1 &&
                          (g_.ops[size_t(p)].type == MOTE_OP_CONV2D || g_.ops[size_t(p)].type == MOTE_OP_DENSE ||
                           g_.ops[size_t(p)].type == MOTE_OP_DEPTHWISE_CONV2D) &&
                          g_.ops[size_t(p)].act_min == -kInf && g_.ops[size_t(p)].act_max == kInf;
    if (!foldable) return false;
    ExportOp* op = Absorber(node_, input, {MOTE_OP_CONV2D, MOTE_OP_DENSE, MOTE_OP_DEPTHWISE_CONV2D});
    ExportTensor& w = g_.tensors[size_t(op->inputs[1])];
    ExportTensor& b = g_.tensors[size_t(op->inputs[2])];
    const size_t per_channel = w.elements() / c;
    // Channel o's weights: row o of [C_out][...], or column o of depthwise [kh][kw][C].
    const bool channel_last = op->type == MOTE_OP_DEPTHWISE_CONV2D;
    auto at = [&](size_t o, size_t k) { return channel_last ? k * c + o : o * per_channel + k; };
    std::vector<float> wv, bv;
    ReadFloats(w, &wv);
    ReadFloats(b, &bv);
    for (size_t o = 0; o < c; ++o) {
      for (size_t k = 0; k < per_channel; ++k) wv[at(o, k)] = float(double(wv[at(o, k)]) * scale[o]);
      // (b - mean) * scale + beta = b * scale + shift.
      bv[o] = float(double(bv[o]) * scale[o] + shift[o]);
    }
    w = FloatConstant(w.name, w.dims, wv);
    b = FloatConstant(b.name, b.dims, bv);
    return true;
  }

  const Model& model_;
  ExportGraph& g_;
  std::vector<int> value_;     // node -> tensor holding its output
  std::vector<int> producer_;  // tensor -> op writing it (-1: input / constant)
  std::vector<NodeId> rep_;    // node -> itself, or for identity layers what they pass through
  std::vector<int> uses_;
  NodeId node_ = -1;  // the node being lowered
};

}  // namespace

Status LowerModel(const Model& model, ExportGraph* graph, ExportReport* report) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  *graph = ExportGraph();
  if (!model.prepared()) return InvalidArgument("export: Prepare the model first");
  NodeId failed = -1;
  const Status s = Lowering(model, graph).Run(&failed);
  if (!s.ok()) {
    if (report != nullptr && failed >= 0) {
      report->failed_node = model.node_name(failed);
      report->failed_layer_type = model.layer(failed)->type();
    }
    *graph = ExportGraph();
  }
  return s;
}

}  // namespace mote
