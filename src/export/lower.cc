// LowerModel: a prepared model's layers -> float runtime ops, with batchnorm
// folded, identity layers dropped and ReLU fused (include/mote/export.h).
#include <cmath>
#include <cstring>
#include <limits>

#include "mote/export.h"
#include "mote/layers.h"
#include "src/export/graph_util.h"

namespace mote {
namespace {

using export_internal::FloatConstant;
using export_internal::ReadFloats;

constexpr float kInf = std::numeric_limits<float>::infinity();

// Layers that are the identity at inference.
bool IsIdentity(const Layer* layer) {
  const char* t = layer->type();
  return std::strcmp(t, "Dropout") == 0 || std::strcmp(t, "GaussianNoise") == 0;
}

// Static messages for the layers the runtime has no op for.
Status UnsupportedLayer(const char* type) {
  if (std::strcmp(type, "LeakyReLU") == 0) return Unsupported("export: LeakyReLU has no runtime op");
  if (std::strcmp(type, "Tanh") == 0) return Unsupported("export: Tanh has no runtime op");
  if (std::strcmp(type, "Sigmoid") == 0) return Unsupported("export: Sigmoid has no runtime op");
  return Unsupported("export: a layer type the runtime has no op for");
}

bool ToDims(const Shape& s, std::vector<uint32_t>* dims) {
  dims->clear();
  if (s.rank() < 1 || s.rank() > int(MOTE_MODEL_MAX_RANK)) return false;
  for (int i = 0; i < s.rank(); ++i) {
    if (s.dim(i) == 0 || s.dim(i) > 0xFFFFFFFFu) return false;
    dims->push_back(uint32_t(s.dim(i)));
  }
  return true;
}

class Lowering final : public export_internal::LoweringContext {
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
      if (IsIdentity(layer)) {
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

  int Constant(const std::string& name, const std::vector<uint32_t>& dims, const std::vector<float>& values) {
    const int t = g_.AddTensor(FloatConstant(name, dims, values));
    producer_.resize(g_.tensors.size(), -1);
    return t;
  }

  // LoweringContext, for rules in other files.
  const Model& model() const override { return model_; }
  int ValueOf(NodeId node) const override { return value_[size_t(node)]; }
  int AddFloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                       const std::vector<float>& values) override {
    return Constant(name, dims, values);
  }

  // A new op writing a new activation for `node`.
  Status Emit(NodeId node, MoteOpType type, std::vector<int> inputs, ExportOp** op) override {
    int out;
    MOTE_TRY(NewActivation(node, &out));
    ExportOp o;
    o.type = type;
    o.inputs = std::move(inputs);
    o.output = out;
    o.name = model_.node_name(node);
    g_.ops.push_back(std::move(o));
    producer_[size_t(out)] = int(g_.ops.size()) - 1;
    value_[size_t(node)] = out;
    *op = &g_.ops.back();
    return Status::Ok();
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
    const char* type = layer->type();
    const std::vector<NodeId>& in = model_.node_inputs(node);
    std::vector<int> x;
    for (NodeId i : in) x.push_back(value_[size_t(i)]);
    ExportOp* op = nullptr;
    if (IsIdentity(layer)) {
      value_[size_t(node)] = x[0];
      return Status::Ok();
    }
    if (std::strcmp(type, "Conv2D") == 0) return LowerConv(node, static_cast<const Conv2D&>(*layer), x[0]);
    if (std::strcmp(type, "Dense") == 0) return LowerDense(node, static_cast<const Dense&>(*layer), x[0]);
    if (std::strcmp(type, "DepthwiseConv2D") == 0)
      return LowerDepthwise(node, static_cast<const DepthwiseConv2D&>(*layer), x[0]);
    if (std::strcmp(type, "BatchNorm") == 0) return LowerBatchNorm(node, static_cast<const BatchNorm&>(*layer), in[0]);
    if (std::strcmp(type, "ReLU") == 0) {
      op = Absorber(node, in[0], {MOTE_OP_CONV2D, MOTE_OP_DEPTHWISE_CONV2D, MOTE_OP_DENSE, MOTE_OP_ADD,
                                  MOTE_OP_CHANNEL_AFFINE});
      if (op == nullptr) {
        // Nothing to fuse into: an identity affine with the clamp.
        const uint32_t c = g_.tensors[size_t(x[0])].dims.back();
        const int scale = Constant(model_.node_name(node) + "/scale", {c}, std::vector<float>(c, 1.0f));
        const int shift = Constant(model_.node_name(node) + "/shift", {c}, std::vector<float>(c, 0.0f));
        MOTE_TRY(Emit(node, MOTE_OP_CHANNEL_AFFINE, {x[0], scale, shift}, &op));
      }
      op->activation = MOTE_ACT_RELU;
      op->act_min = std::max(op->act_min, 0.0f);
      return Status::Ok();
    }
    if (std::strcmp(type, "Flatten") == 0) return Emit(node, MOTE_OP_RESHAPE, {x[0]}, &op);
    if (std::strcmp(type, "Softmax") == 0) return Emit(node, MOTE_OP_SOFTMAX, {x[0]}, &op);
    if (std::strcmp(type, "MaxPool2D") == 0 || std::strcmp(type, "AvgPool2D") == 0) {
      const auto& pool = static_cast<const Pool2DLayer&>(*layer);
      const kernels::Pool2DGeometry& geo = pool.geometry();
      MOTE_TRY(Emit(node, type[0] == 'M' ? MOTE_OP_MAX_POOL2D : MOTE_OP_AVG_POOL2D, {x[0]}, &op));
      const size_t p[6] = {geo.pool_h, geo.pool_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
      for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
      return Status::Ok();
    }
    if (std::strcmp(type, "GlobalAveragePool") == 0) return Emit(node, MOTE_OP_GLOBAL_AVG_POOL, {x[0]}, &op);
    if (std::strcmp(type, "Add") == 0) return Emit(node, MOTE_OP_ADD, {x[0], x[1]}, &op);
    const MoteOpType recurrent = export_internal::RecurrentOpType(type);
    if (recurrent != MOTE_OP_TYPE_END) return export_internal::LowerRecurrent(*this, node, recurrent);
    return UnsupportedLayer(type);
  }

  // Weights [C_out][...] and bias [C_out] (zeros when absent) of a layer.
  Status Weights(NodeId node, size_t count, std::vector<float>* w, std::vector<float>* b, size_t out) {
    const float* kernel = model_.node_param(node, "kernel");
    if (kernel == nullptr) return InvalidArgument("export: a layer without its kernel (model not prepared?)");
    ReadFloats(kernel, count, w);
    const float* bias = model_.node_param(node, "bias");
    b->assign(out, 0.0f);
    if (bias != nullptr) ReadFloats(bias, out, b);
    return Status::Ok();
  }

  Status LowerConv(NodeId node, const Conv2D& conv, int x) {
    const kernels::Conv2DGeometry& geo = conv.geometry();
    const uint32_t cout = uint32_t(conv.filters());
    const std::vector<uint32_t> wdims = {cout, uint32_t(geo.kernel_h), uint32_t(geo.kernel_w), uint32_t(geo.in_c)};
    std::vector<float> w, b;
    MOTE_TRY(Weights(node, size_t(cout) * geo.patch_size(), &w, &b, cout));
    const std::string& name = model_.node_name(node);
    const int wt = Constant(name + "/kernel", wdims, w);
    const int bt = Constant(name + "/bias", {cout}, b);
    ExportOp* op;
    MOTE_TRY(Emit(node, MOTE_OP_CONV2D, {x, wt, bt}, &op));
    const size_t p[6] = {geo.kernel_h, geo.kernel_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
    for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
    op->params[6] = 1;  // tile_rows, chosen by PlanMemory
    return Status::Ok();
  }

  Status LowerDepthwise(NodeId node, const DepthwiseConv2D& conv, int x) {
    const kernels::Conv2DGeometry& geo = conv.geometry();
    const uint32_t c = uint32_t(geo.in_c);
    std::vector<float> w, b;
    MOTE_TRY(Weights(node, geo.kernel_h * geo.kernel_w * geo.in_c, &w, &b, c));
    const std::string& name = model_.node_name(node);
    const int wt = Constant(name + "/kernel", {uint32_t(geo.kernel_h), uint32_t(geo.kernel_w), c}, w);
    const int bt = Constant(name + "/bias", {c}, b);
    ExportOp* op;
    MOTE_TRY(Emit(node, MOTE_OP_DEPTHWISE_CONV2D, {x, wt, bt}, &op));
    const size_t p[6] = {geo.kernel_h, geo.kernel_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
    for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
    return Status::Ok();
  }

  Status LowerDense(NodeId node, const Dense& dense, int x) {
    const size_t features = g_.tensors[size_t(x)].elements();
    const uint32_t units = uint32_t(dense.units());
    std::vector<float> w, b;
    MOTE_TRY(Weights(node, units * features, &w, &b, units));
    const std::string& name = model_.node_name(node);
    const int wt = Constant(name + "/kernel", {units, uint32_t(features)}, w);
    const int bt = Constant(name + "/bias", {units}, b);
    ExportOp* op;
    return Emit(node, MOTE_OP_DENSE, {x, wt, bt}, &op);
  }

  // Inference batchnorm y = x * scale + shift per channel, in double.
  Status LowerBatchNorm(NodeId node, const BatchNorm& bn, NodeId input) {
    const size_t c = bn.channels();
    const float* gamma = model_.node_param(node, "gamma");
    const float* beta = model_.node_param(node, "beta");
    const float* mean = model_.node_state(node, "moving_mean");
    const float* var = model_.node_state(node, "moving_variance");
    if (mean == nullptr || var == nullptr) return InvalidArgument("export: batchnorm without its statistics");
    std::vector<double> scale(c), shift(c);
    for (size_t i = 0; i < c; ++i) {
      const double s = (gamma ? double(gamma[i]) : 1.0) / std::sqrt(double(var[i]) + double(bn.options().epsilon));
      scale[i] = s;
      shift[i] = (beta ? double(beta[i]) : 0.0) - double(mean[i]) * s;
    }
    // Fold into the conv / depthwise / dense that alone feeds it, before any clamp.
    const int t = value_[size_t(input)];
    const int p = producer_[size_t(t)];
    const bool foldable = p >= 0 && uses_[size_t(rep_[size_t(input)])] == 1 &&
                          (g_.ops[size_t(p)].type == MOTE_OP_CONV2D || g_.ops[size_t(p)].type == MOTE_OP_DENSE ||
                           g_.ops[size_t(p)].type == MOTE_OP_DEPTHWISE_CONV2D) &&
                          g_.ops[size_t(p)].act_min == -kInf && g_.ops[size_t(p)].act_max == kInf;
    if (foldable) {
      ExportOp* op = Absorber(node, input, {MOTE_OP_CONV2D, MOTE_OP_DENSE, MOTE_OP_DEPTHWISE_CONV2D});
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
      return Status::Ok();
    }
    const std::string& name = model_.node_name(node);
    const uint32_t cc = uint32_t(c);
    const int st = Constant(name + "/scale", {cc}, std::vector<float>(scale.begin(), scale.end()));
    const int ht = Constant(name + "/shift", {cc}, std::vector<float>(shift.begin(), shift.end()));
    ExportOp* op;
    return Emit(node, MOTE_OP_CHANNEL_AFFINE, {value_[size_t(input)], st, ht}, &op);
  }

  const Model& model_;
  ExportGraph& g_;
  std::vector<int> value_;     // node -> tensor holding its output
  std::vector<int> producer_;  // tensor -> op writing it (-1: input / constant)
  std::vector<NodeId> rep_;    // node -> itself, or for identity layers what they pass through
  std::vector<int> uses_;
};

}  // namespace

Status LowerModel(const Model& model, ExportGraph* graph, ExportReport* report) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  *graph = ExportGraph();
  if (!model.prepared()) return InvalidArgument("export: Prepare the model first");
  NodeId failed = -1;
  const Status s = Lowering(model, graph).Run(&failed);
  if (!s.ok()) {
    if (report != nullptr && failed >= 0) report->failed_node = model.node_name(failed);
    *graph = ExportGraph();
  }
  return s;
}

}  // namespace mote
