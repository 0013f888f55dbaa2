// Model: graph bookkeeping, memory planning into one arena, and the training
// step. See include/mote/model.h for the contract.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

namespace mote {
namespace {

constexpr size_t kBlockAlignFloats = 16;  // every block starts on a 64-byte boundary

size_t AlignFloats(size_t n) { return AlignUp(n, kBlockAlignFloats); }

// The shape of `per_item` with a batch dim in front, or rank > 4 as failure.
bool WithBatch(const Shape& per_item, size_t batch, Shape* out) {
  switch (per_item.rank()) {
    case 0: *out = Shape(batch); return true;
    case 1: *out = Shape(batch, per_item.dim(0)); return true;
    case 2: *out = Shape(batch, per_item.dim(0), per_item.dim(1)); return true;
    case 3: *out = Shape(batch, per_item.dim(0), per_item.dim(1), per_item.dim(2)); return true;
    default: return false;
  }
}

Shape WithoutBatch(const Shape& s) {
  switch (s.rank()) {
    case 2: return Shape(s.dim(1));
    case 3: return Shape(s.dim(1), s.dim(2));
    case 4: return Shape(s.dim(1), s.dim(2), s.dim(3));
    default: return Shape(size_t(1));
  }
}

struct ParamDecl {
  NodeId node;
  std::string name;
  Shape shape;
  ParamRole role;
  InitSpec init;
  size_t fan_in, fan_out;
  size_t offset = 0;
  int alias_of = -1;  // index of the declaration whose storage this one shares (tied layers)
};
struct FloatBlockDecl {
  NodeId node;
  std::string name;
  size_t floats;
  float initial;
  size_t offset = 0;
};

struct AlignedBuffer {
  void* data = nullptr;
  size_t bytes = 0;
  ~AlignedBuffer() { std::free(data); }
  bool Reset(size_t n) {
    std::free(data);
    bytes = 0;
    data = n ? std::aligned_alloc(64, AlignUp(n, 64)) : nullptr;
    if (n && data == nullptr) return false;
    bytes = n;
    return true;
  }
};

}  // namespace

struct Model::Impl {
  struct Node {
    std::string name;
    std::unique_ptr<Layer> layer;  // null for a model input
    std::vector<NodeId> inputs;
    int input_index = -1;  // position among model inputs
    Shape per_item;        // output shape of one example
    Shape batch_shape;     // output shape at max batch
    size_t item_size = 0;
    bool reaches_loss = false;
    // Filled at Prepare.
    float* activation = nullptr;
    float* grad = nullptr;
    std::vector<const float*> input_ptrs;   // Forward/Backward argument arrays
    std::vector<float*> input_grad_ptrs;    // where this node writes dL/d input i
    std::vector<float*> extra_grads;        // grads from consumers beyond the first, summed before Backward
    std::vector<int> params;                // indices into param_decls
    float l1 = 0, l2 = 0;
    bool has_layer_regularization = false;
    bool frozen = false;
  };

  std::vector<Node> nodes;
  std::vector<NodeId> inputs, outputs;
  std::unique_ptr<Loss> loss;
  std::unique_ptr<Optimizer> optimizer;
  // Multitask: more losses on other nodes, each weighted; the main loss
  // (SetLoss, output 0) has weight main_weight.
  struct Head {
    NodeId node;
    std::unique_ptr<Loss> loss;
    float weight;
  };
  std::vector<Head> heads;
  float main_weight = 1.0f;
  float global_l1 = 0, global_l2 = 0;
  std::string build_error;
  struct Tie {
    std::string layer, source;  // layer's parameters are source's
  };
  std::vector<Tie> ties;
  struct TyingPenalty {
    std::string a, b;
    float lambda;
    std::vector<std::pair<size_t, size_t>> pairs;  // (offset in A, offset in B) per tensor, at Layout
    std::vector<size_t> sizes;
  };
  std::vector<TyingPenalty> tying_penalties;

  // Prepared state.
  bool prepared = false;
  size_t max_batch = 0;
  std::vector<ParamDecl> param_decls;
  std::vector<FloatBlockDecl> state_decls, buffer_decls;
  std::vector<ParamInfo> param_infos;
  std::vector<StateInfo> state_infos;
  std::vector<ParamRange> ranges;
  size_t param_count = 0, state_count = 0, optimizer_state_count = 0, scratch_floats = 0;
  AlignedBuffer arena;
  float* params = nullptr;
  float* grads = nullptr;
  float* state = nullptr;
  float* optimizer_state = nullptr;
  float* scratch = nullptr;
  std::vector<float*> buffer_ptrs;
  Rng rng;
  uint64_t step = 0;
  float weight_noise = 0.0f;
  float clip_norm = 0.0f;  // 0: no gradient clipping
  std::vector<float> clean_params;  // weight noise: the unperturbed parameters during a step
  // Divergence guard: what a TrainStep may change, as it was before the step
  // (sized at Prepare).
  std::vector<float> params_before, optimizer_state_before, state_before;

  Status Plan(size_t batch);
  Status ResolveTies();
  Status CheckHeadTargets(const Targets* targets, size_t count, size_t batch) const;
  Status Layout();
  void BuildRanges();
  float Penalty(bool add_gradients);
  void ClipGradients();
  // Divergence guard of TrainStep.
  void SaveStepStart();
  void RestoreStepStart(uint64_t step_before);
};

// ---- Plan / Bind contexts ----------------------------------------------------

namespace {

class NodePlanContext final : public PlanContext {
 public:
  NodePlanContext(Model::Impl& impl, NodeId node, std::vector<ParamDecl>& params,
                  std::vector<FloatBlockDecl>& states, std::vector<FloatBlockDecl>& buffers, size_t* scratch)
      : impl_(impl), node_(node), params_(params), states_(states), buffers_(buffers), scratch_(scratch) {}

  int input_count() const override { return int(impl_.nodes[size_t(node_)].inputs.size()); }
  const Shape& input_shape(int i) const override {
    return impl_.nodes[size_t(impl_.nodes[size_t(node_)].inputs[size_t(i)])].batch_shape;
  }
  size_t max_batch() const override { return impl_.max_batch; }
  ParamHandle AddParam(const char* name, const Shape& shape, ParamRole role, const InitSpec& init, size_t fan_in,
                       size_t fan_out) override {
    params_.push_back({node_, name ? name : "param", shape, role, init, fan_in, fan_out});
    impl_.nodes[size_t(node_)].params.push_back(int(params_.size()) - 1);
    return ParamHandle{int(params_.size()) - 1};
  }
  BufferHandle AddState(const char* name, size_t floats, float initial) override {
    states_.push_back({node_, name ? name : "state", floats, initial});
    return BufferHandle{int(states_.size()) - 1};
  }
  BufferHandle AddBuffer(size_t floats) override {
    buffers_.push_back({node_, "buffer", floats, 0.0f});
    return BufferHandle{int(buffers_.size()) - 1};
  }
  void RequestScratch(size_t floats) override {
    if (floats > *scratch_) *scratch_ = floats;
  }

 private:
  Model::Impl& impl_;
  NodeId node_;
  std::vector<ParamDecl>& params_;
  std::vector<FloatBlockDecl>& states_;
  std::vector<FloatBlockDecl>& buffers_;
  size_t* scratch_;
};

class ModelBindContext final : public BindContext {
 public:
  explicit ModelBindContext(const Model::Impl& impl) : impl_(impl) {}
  float* param(ParamHandle h) const override { return impl_.params + impl_.param_decls[size_t(h.index)].offset; }
  float* grad(ParamHandle h) const override { return impl_.grads + impl_.param_decls[size_t(h.index)].offset; }
  float* state(BufferHandle h) const override { return impl_.state + impl_.state_decls[size_t(h.index)].offset; }
  float* buffer(BufferHandle h) const override { return impl_.buffer_ptrs[size_t(h.index)]; }

 private:
  const Model::Impl& impl_;
};

}  // namespace

// ---- Impl ---------------------------------------------------------------------

Status Model::Impl::Plan(size_t batch) {
  max_batch = batch;
  param_decls.clear();
  state_decls.clear();
  buffer_decls.clear();
  scratch_floats = 0;
  for (size_t id = 0; id < nodes.size(); ++id) {
    Node& node = nodes[id];
    node.params.clear();
    if (!node.layer) {
      if (!WithBatch(node.per_item, batch, &node.batch_shape))
        return InvalidArgument("model: an input example may have at most 3 dims (the batch makes 4)");
    } else {
      if (int(node.inputs.size()) != node.layer->input_count())
        return InvalidArgument("model: a layer got a different number of inputs than it takes");
      NodePlanContext ctx(*this, NodeId(id), param_decls, state_decls, buffer_decls, &scratch_floats);
      Shape out;
      MOTE_TRY(node.layer->Plan(ctx, &out));
      if (out.rank() < 2 || out.dim(0) != batch)
        return {StatusCode::kInternal, "model: a layer planned an output without the batch as dim 0"};
      node.batch_shape = out;
      node.per_item = WithoutBatch(out);
    }
    MOTE_TRY(node.batch_shape.CheckedElements(&node.item_size));
    node.item_size /= batch;
    if (node.item_size == 0) return ShapeMismatch("model: a node has an empty output");
  }
  return Status::Ok();
}

// Marks the parameters of tied layers as views of their source's, and finds
// the tensor pairs of the tying penalties.
Status Model::Impl::ResolveTies() {
  auto find_node = [this](const std::string& name) -> int {
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].name == name && nodes[i].layer) return int(i);
    return -1;
  };
  // Declarations of one node's parameter called `name`, or -1.
  auto find_decl = [this](int node, const std::string& name) -> int {
    for (size_t i = 0; i < param_decls.size(); ++i)
      if (param_decls[i].node == node && param_decls[i].name == name) return int(i);
    return -1;
  };
  for (const Tie& t : ties) {
    const int layer = find_node(t.layer), source = find_node(t.source);
    if (layer < 0 || source < 0 || layer == source) return InvalidArgument("model: a tie names a missing layer");
    for (ParamDecl& d : param_decls) {
      if (d.node != layer) continue;
      const int owner = find_decl(source, d.name);
      if (owner < 0 || param_decls[size_t(owner)].shape != d.shape)
        return ShapeMismatch("model: tied layers need parameters of the same names and shapes");
      if (param_decls[size_t(owner)].alias_of >= 0) return InvalidArgument("model: tie to the source of a tie");
      d.alias_of = owner;
    }
  }
  for (TyingPenalty& t : tying_penalties) {
    const int a = find_node(t.a), b = find_node(t.b);
    if (a < 0 || b < 0 || a == b) return InvalidArgument("model: a tying penalty names a missing layer");
    t.pairs.clear();
    t.sizes.clear();
    for (size_t i = 0; i < param_decls.size(); ++i) {
      if (param_decls[i].node != a) continue;
      const int other = find_decl(b, param_decls[i].name);
      if (other < 0 || param_decls[size_t(other)].shape != param_decls[i].shape)
        return ShapeMismatch("model: a tying penalty needs parameters of the same names and shapes");
      t.pairs.push_back({i, size_t(other)});  // declaration indices until Layout gives offsets
      t.sizes.push_back(param_decls[i].shape.elements());
    }
  }
  return Status::Ok();
}

// Lays out every block in one arena (a measuring pass, then the real one).
Status Model::Impl::Layout() {
  // Which nodes feed output 0 (the loss): only they run backward.
  for (Node& n : nodes) n.reaches_loss = false;
  nodes[size_t(outputs[0])].reaches_loss = true;
  for (const Head& h : heads) nodes[size_t(h.node)].reaches_loss = true;
  for (size_t id = nodes.size(); id-- > 0;)
    if (nodes[id].reaches_loss)
      for (NodeId in : nodes[id].inputs) nodes[size_t(in)].reaches_loss = true;

  param_count = 0;
  for (ParamDecl& p : param_decls) {
    if (p.alias_of >= 0) continue;
    p.offset = param_count;
    size_t elements;
    MOTE_TRY(p.shape.CheckedElements(&elements));
    param_count += AlignFloats(elements);
  }
  for (ParamDecl& p : param_decls)
    if (p.alias_of >= 0) p.offset = param_decls[size_t(p.alias_of)].offset;
  for (TyingPenalty& t : tying_penalties)
    for (auto& pair : t.pairs) pair = {param_decls[pair.first].offset, param_decls[pair.second].offset};
  state_count = 0;
  for (FloatBlockDecl& s : state_decls) {
    s.offset = state_count;
    state_count += AlignFloats(s.floats);
  }
  optimizer_state_count = optimizer ? optimizer->StateFloats(param_count) : 0;

  // Consumers of each node among the nodes that reach the loss.
  std::vector<size_t> consumers(nodes.size(), 0);
  for (const Node& n : nodes)
    if (n.reaches_loss && n.layer)
      for (NodeId in : n.inputs) ++consumers[size_t(in)];

  // Two passes over the same sequence of requests: measure, then carve.
  for (int pass = 0; pass < 2; ++pass) {
    Arena a = pass == 0 ? Arena() : Arena(arena.data, arena.bytes);
    auto take = [&](size_t floats, float** out) { return a.AllocateArray(AlignFloats(floats ? floats : 1), out); };
    float* p = nullptr;
    MOTE_TRY(take(param_count, &p));
    params = p;
    MOTE_TRY(take(param_count, &p));
    grads = p;
    MOTE_TRY(take(state_count, &p));
    state = p;
    MOTE_TRY(take(optimizer_state_count, &p));
    optimizer_state = p;
    MOTE_TRY(take(scratch_floats, &p));
    scratch = p;
    buffer_ptrs.assign(buffer_decls.size(), nullptr);
    for (size_t i = 0; i < buffer_decls.size(); ++i) MOTE_TRY(take(buffer_decls[i].floats, &buffer_ptrs[i]));
    for (size_t id = 0; id < nodes.size(); ++id) {
      Node& n = nodes[id];
      const size_t floats = max_batch * n.item_size;
      MOTE_TRY(take(floats, &n.activation));
      MOTE_TRY(take(floats, &n.grad));
      n.extra_grads.assign(consumers[id] > 1 ? consumers[id] - 1 : 0, nullptr);
      for (float*& g : n.extra_grads) MOTE_TRY(take(floats, &g));
    }
    if (pass == 0 && !arena.Reset(a.used())) return OutOfMemory("model: cannot allocate the arena");
  }

  // Wire each consumer edge to the producer's grad (first) or an extra buffer.
  std::vector<size_t> used(nodes.size(), 0);
  for (Node& n : nodes) {
    n.input_ptrs.assign(n.inputs.size(), nullptr);
    n.input_grad_ptrs.assign(n.inputs.size(), nullptr);
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      Node& producer = nodes[size_t(n.inputs[i])];
      n.input_ptrs[i] = producer.activation;
      if (!n.reaches_loss || !n.layer) continue;
      const size_t k = used[size_t(n.inputs[i])]++;
      n.input_grad_ptrs[i] = k == 0 ? producer.grad : producer.extra_grads[k - 1];
    }
  }
  return Status::Ok();
}

void Model::Impl::BuildRanges() {
  ranges.clear();
  param_infos.clear();
  for (const ParamDecl& d : param_decls) {
    if (d.alias_of >= 0) continue;  // a view of another layer's parameter
    const Node& n = nodes[size_t(d.node)];
    const bool weight = d.role == ParamRole::kWeight;
    ParamInfo info{n.name + "/" + d.name, d.node, d.shape, d.role, d.offset, d.shape.elements(),
                   n.has_layer_regularization ? n.l1 : (weight ? global_l1 : 0.0f),
                   n.has_layer_regularization ? n.l2 : (weight ? global_l2 : 0.0f), n.frozen};
    param_infos.push_back(info);
    if (n.frozen) continue;
    const size_t end = d.offset + AlignFloats(info.size);
    if (!ranges.empty() && ranges.back().end == d.offset && ranges.back().decay == weight)
      ranges.back().end = end;
    else
      ranges.push_back({d.offset, end, weight});
  }
  state_infos.clear();
  for (const FloatBlockDecl& s : state_decls)
    state_infos.push_back({nodes[size_t(s.node)].name + "/" + s.name, s.node, s.offset, s.floats});
}

float Model::Impl::Penalty(bool add_gradients) {
  double penalty = 0;
  for (const ParamInfo& p : param_infos) {
    if (p.l1 == 0.0f && p.l2 == 0.0f) continue;
    const float* w = params + p.offset;
    float* g = grads + p.offset;
    double sum_abs = 0, sum_sq = 0;
    for (size_t i = 0; i < p.size; ++i) {
      sum_abs += w[i] < 0 ? -w[i] : w[i];
      sum_sq += double(w[i]) * w[i];
    }
    penalty += p.l1 * sum_abs + 0.5 * p.l2 * sum_sq;
    if (add_gradients && !p.frozen) {
      if (p.l2 != 0.0f) kernels::F32Axpy(p.size, p.l2, w, g);
      if (p.l1 != 0.0f)
        for (size_t i = 0; i < p.size; ++i) g[i] += w[i] > 0 ? p.l1 : (w[i] < 0 ? -p.l1 : 0.0f);
    }
  }
  for (const TyingPenalty& t : tying_penalties) {
    for (size_t k = 0; k < t.pairs.size(); ++k) {
      const float* wa = params + t.pairs[k].first;
      const float* wb = params + t.pairs[k].second;
      float* ga = grads + t.pairs[k].first;
      float* gb = grads + t.pairs[k].second;
      double sum_sq = 0;
      for (size_t i = 0; i < t.sizes[k]; ++i) {
        const float diff = wa[i] - wb[i];
        sum_sq += double(diff) * diff;
        if (add_gradients) {
          ga[i] += 2.0f * t.lambda * diff;
          gb[i] -= 2.0f * t.lambda * diff;
        }
      }
      penalty += t.lambda * sum_sq;
    }
  }
  return float(penalty);
}

// ---- Model ----------------------------------------------------------------------

Model::Model() : impl_(new Impl) {}
Model::~Model() = default;

NodeId Model::Input(const Shape& per_item, const std::string& name) {
  Impl::Node n;
  n.name = name.empty() ? "input_" + std::to_string(impl_->inputs.size()) : name;
  n.per_item = per_item;
  n.input_index = int(impl_->inputs.size());
  impl_->nodes.push_back(std::move(n));
  impl_->inputs.push_back(NodeId(impl_->nodes.size() - 1));
  impl_->prepared = false;
  return NodeId(impl_->nodes.size() - 1);
}

NodeId Model::Add(std::unique_ptr<Layer> layer, std::vector<NodeId> inputs, const std::string& name) {
  Impl& m = *impl_;
  m.prepared = false;
  if (!layer) {
    m.build_error = "model: Add got a null layer";
    return -1;
  }
  if (inputs.empty()) {
    if (m.nodes.empty()) {
      m.build_error = "model: add an Input before the first layer";
      return -1;
    }
    inputs.push_back(NodeId(m.nodes.size() - 1));
  }
  for (NodeId in : inputs)
    if (in < 0 || size_t(in) >= m.nodes.size()) {
      m.build_error = "model: a layer input names a node that does not exist (yet)";
      return -1;
    }
  Impl::Node n;
  n.name = name.empty() ? std::string(layer->type()) + "_" + std::to_string(m.nodes.size()) : name;
  if (find(n.name) >= 0) {
    m.build_error = "model: layer names must be unique: " + n.name;
    return -1;
  }
  n.layer = std::move(layer);
  n.inputs = std::move(inputs);
  m.nodes.push_back(std::move(n));
  return NodeId(m.nodes.size() - 1);
}

Status Model::SetOutputs(std::vector<NodeId> outputs) {
  if (outputs.empty()) return InvalidArgument("model: at least one output");
  for (NodeId o : outputs)
    if (o < 0 || size_t(o) >= impl_->nodes.size()) return InvalidArgument("model: output names no node");
  impl_->outputs = std::move(outputs);
  impl_->prepared = false;
  return Status::Ok();
}

void Model::SetLoss(std::unique_ptr<Loss> loss, float weight) {
  impl_->loss = std::move(loss);
  impl_->main_weight = weight;
  impl_->prepared = false;
}

Status Model::AddHead(NodeId node, std::unique_ptr<Loss> loss, float weight) {
  if (!loss) return InvalidArgument("model: AddHead needs a loss");
  if (!(weight >= 0.0f)) return InvalidArgument("model: head weights must be >= 0");
  impl_->heads.push_back({node, std::move(loss), weight});
  impl_->prepared = false;
  return Status::Ok();
}

size_t Model::head_count() const { return 1 + impl_->heads.size(); }
void Model::SetOptimizer(std::unique_ptr<Optimizer> optimizer) {
  impl_->optimizer = std::move(optimizer);
  impl_->prepared = false;
}
void Model::SetRegularization(float l1, float l2) {
  impl_->global_l1 = l1;
  impl_->global_l2 = l2;
  if (impl_->prepared) impl_->BuildRanges();
}
Status Model::SetLayerRegularization(const std::string& layer, float l1, float l2) {
  const NodeId id = find(layer);
  if (id < 0 || !impl_->nodes[size_t(id)].layer) return InvalidArgument("model: no layer with that name");
  Impl::Node& n = impl_->nodes[size_t(id)];
  n.l1 = l1;
  n.l2 = l2;
  n.has_layer_regularization = true;
  if (impl_->prepared) impl_->BuildRanges();
  return Status::Ok();
}
Status Model::TieParameters(const std::string& layer, const std::string& source) {
  impl_->ties.push_back({layer, source});
  impl_->prepared = false;
  return Status::Ok();
}

Status Model::AddTyingPenalty(const std::string& a, const std::string& b, float lambda) {
  if (!(lambda >= 0.0f)) return InvalidArgument("model: tying penalty lambda must be >= 0");
  impl_->tying_penalties.push_back({a, b, lambda, {}, {}});
  impl_->prepared = false;
  return Status::Ok();
}

Status Model::Freeze(const std::string& layer, bool frozen) {
  const NodeId id = find(layer);
  if (id < 0 || !impl_->nodes[size_t(id)].layer) return InvalidArgument("model: no layer with that name");
  impl_->nodes[size_t(id)].frozen = frozen;
  if (impl_->prepared) impl_->BuildRanges();
  return Status::Ok();
}

Status Model::Prepare(size_t max_batch, uint64_t seed) {
  Impl& m = *impl_;
  if (!m.build_error.empty()) {
    // The message must outlive this call: keep it in the model.
    return InvalidArgument(m.build_error.c_str());
  }
  if (m.inputs.empty()) return InvalidArgument("model: no Input");
  if (max_batch == 0) return InvalidArgument("model: max_batch must be at least 1");
  if (m.outputs.empty()) m.outputs.push_back(NodeId(m.nodes.size() - 1));
  if (!m.loss) return InvalidArgument("model: SetLoss before Prepare");
  if (!m.optimizer) return InvalidArgument("model: SetOptimizer before Prepare");

  // Keep trained values across a re-Prepare with the same parameter layout.
  const bool had = m.prepared;
  std::vector<float> old_params, old_state, old_opt;
  std::vector<std::pair<std::string, size_t>> old_layout;
  if (had) {
    old_params.assign(m.params, m.params + m.param_count);
    old_state.assign(m.state, m.state + m.state_count);
    old_opt.assign(m.optimizer_state, m.optimizer_state + m.optimizer_state_count);
    for (const ParamInfo& p : m.param_infos) old_layout.emplace_back(p.name, p.size);
  }
  m.prepared = false;
  MOTE_TRY(m.Plan(max_batch));
  MOTE_TRY(m.ResolveTies());
  for (size_t i = 0; i < m.heads.size(); ++i) {
    const NodeId node = m.heads[i].node;
    if (node < 0 || size_t(node) >= m.nodes.size()) return InvalidArgument("model: a head names no node");
    bool consumed = node == m.outputs[0];
    for (size_t j = 0; j < i; ++j) consumed = consumed || m.heads[j].node == node;
    for (const Impl::Node& n : m.nodes)
      for (NodeId in : n.inputs) consumed = consumed || in == node;
    if (consumed) return InvalidArgument("model: a head's node must be an end of the graph with one loss");
    MOTE_TRY(m.heads[i].loss->Check(m.nodes[size_t(node)].item_size));
  }
  MOTE_TRY(m.loss->Check(m.nodes[size_t(m.outputs[0])].item_size));
  MOTE_TRY(m.Layout());
  ModelBindContext bind(m);
  for (Impl::Node& n : m.nodes)
    if (n.layer) n.layer->Bind(bind);
  m.BuildRanges();

  bool same_layout = had && old_layout.size() == m.param_infos.size() && old_params.size() == m.param_count &&
                     old_state.size() == m.state_count && old_opt.size() == m.optimizer_state_count;
  for (size_t i = 0; same_layout && i < old_layout.size(); ++i)
    same_layout = old_layout[i].first == m.param_infos[i].name && old_layout[i].second == m.param_infos[i].size;
  if (same_layout) {
    // An empty vector's data() may be null, which memcpy must not get even for 0 bytes.
    if (!old_params.empty()) std::memcpy(m.params, old_params.data(), old_params.size() * sizeof(float));
    if (!old_state.empty()) std::memcpy(m.state, old_state.data(), old_state.size() * sizeof(float));
    if (!old_opt.empty()) std::memcpy(m.optimizer_state, old_opt.data(), old_opt.size() * sizeof(float));
  } else {
    std::memset(m.params, 0, m.param_count * sizeof(float));
    std::memset(m.optimizer_state, 0, m.optimizer_state_count * sizeof(float));
    Rng init_rng(seed, 0x1e17);
    std::vector<float> init_scratch;
    for (const ParamDecl& d : m.param_decls) {
      if (d.alias_of >= 0) continue;  // initialised as its source
      init_scratch.resize(InitScratchFloats(d.init, d.fan_in, d.fan_out));
      MOTE_TRY(InitializeParameter(d.init, d.fan_in, d.fan_out, d.shape.elements(), m.params + d.offset, init_rng,
                                   init_scratch.data()));
    }
    std::memset(m.state, 0, m.state_count * sizeof(float));  // alignment padding too: checkpoints copy it
    for (const FloatBlockDecl& s : m.state_decls)
      for (size_t i = 0; i < s.floats; ++i) m.state[s.offset + i] = s.initial;
    m.rng.Seed(seed, 0xd50);
    m.step = 0;
  }
  std::memset(m.grads, 0, m.param_count * sizeof(float));
  m.clean_params.resize(m.weight_noise > 0.0f ? m.param_count : 0);
  m.params_before.resize(m.param_count);
  m.optimizer_state_before.resize(m.optimizer_state_count);
  m.state_before.resize(m.state_count);
  m.prepared = true;
  return Status::Ok();
}

bool Model::prepared() const { return impl_->prepared; }
size_t Model::max_batch() const { return impl_->max_batch; }

Status Model::Forward(const float* const* inputs, size_t batch, bool training, bool stochastic) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  if (inputs == nullptr) return InvalidArgument("model: null inputs");
  for (NodeId id : m.inputs) {
    const Impl::Node& n = m.nodes[size_t(id)];
    if (inputs[n.input_index] == nullptr) return InvalidArgument("model: null input data");
    std::memcpy(n.activation, inputs[n.input_index], batch * n.item_size * sizeof(float));
  }
  for (Impl::Node& n : m.nodes) {
    if (!n.layer) continue;
    ForwardArgs args{batch, n.input_ptrs.data(), n.activation, training, &m.rng, m.scratch, stochastic};
    n.layer->Forward(args);
  }
  return Status::Ok();
}

Status Model::Backward(const Targets& targets, size_t batch, bool input_grads, float* loss) {
  if (!impl_->heads.empty()) return InvalidArgument("model: a multitask model needs one Targets per head");
  return Backward(&targets, 1, batch, input_grads, loss);
}

Status Model::Impl::CheckHeadTargets(const Targets* targets, size_t count, size_t batch) const {
  if (targets == nullptr || count != 1 + heads.size()) return InvalidArgument("model: one Targets per head needed");
  MOTE_TRY(loss->CheckTargets(batch, nodes[size_t(outputs[0])].item_size, targets[0]));
  for (size_t h = 0; h < heads.size(); ++h)
    MOTE_TRY(heads[h].loss->CheckTargets(batch, nodes[size_t(heads[h].node)].item_size, targets[1 + h]));
  return Status::Ok();
}

Status Model::Backward(const Targets* targets, size_t count, size_t batch, bool input_grads, float* loss) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  MOTE_TRY(m.CheckHeadTargets(targets, count, batch));
  // Each head's loss and weighted gradient into its output node.
  auto apply_head = [batch](Impl::Node& out, const Loss& head_loss, const Targets& t, float weight) {
    const float value = head_loss.Compute(batch, out.item_size, out.activation, t, out.grad);
    if (weight != 1.0f) kernels::F32Scale(batch * out.item_size, weight, out.grad, out.grad);
    return weight * value;
  };
  float value = apply_head(m.nodes[size_t(m.outputs[0])], *m.loss, targets[0], m.main_weight);
  for (size_t h = 0; h < m.heads.size(); ++h)
    value += apply_head(m.nodes[size_t(m.heads[h].node)], *m.heads[h].loss, targets[1 + h], m.heads[h].weight);
  std::memset(m.grads, 0, m.param_count * sizeof(float));
  for (size_t id = m.nodes.size(); id-- > 0;) {
    Impl::Node& n = m.nodes[id];
    if (!n.reaches_loss || (!n.layer && !input_grads)) continue;
    for (float* extra : n.extra_grads) kernels::F32Add(batch * n.item_size, n.grad, extra, n.grad);
    if (!n.layer) continue;
    // Gradients into model inputs only when asked (the first conv skips col2im).
    float* const* grad_ptrs = n.input_grad_ptrs.data();
    float* masked[8];
    if (!input_grads && n.inputs.size() <= 8) {
      for (size_t i = 0; i < n.inputs.size(); ++i)
        masked[i] = m.nodes[size_t(n.inputs[i])].layer ? n.input_grad_ptrs[i] : nullptr;
      grad_ptrs = masked;
    }
    BackwardArgs args{batch, n.input_ptrs.data(), n.activation, n.grad, grad_ptrs, m.scratch};
    n.layer->Backward(args);
  }
  value += m.Penalty(true);
  if (loss) *loss = value;
  return Status::Ok();
}

namespace {
// Sum of x[i]^2 with the reduction kernel: rows of 64 channels, then the tail.
double SumOfSquares(const float* x, size_t n) {
  constexpr size_t kWidth = 64;
  float sums[kWidth], squares[kWidth];
  double total = 0.0;
  const size_t rows = n / kWidth, tail = n % kWidth;
  if (rows > 0) {
    kernels::F32ChannelSums(rows, kWidth, x, sums, squares);
    for (size_t c = 0; c < kWidth; ++c) total += squares[c];
  }
  if (tail > 0) {
    kernels::F32ChannelSums(1, tail, x + rows * kWidth, sums, squares);
    for (size_t c = 0; c < tail; ++c) total += squares[c];
  }
  return total;
}
}  // namespace

void Model::Impl::ClipGradients() {
  double norm2 = 0.0;
  for (const ParamRange& r : ranges) norm2 += SumOfSquares(grads + r.begin, r.end - r.begin);
  const double norm = std::sqrt(norm2);
  if (!(norm > double(clip_norm))) return;
  const float scale = float(double(clip_norm) / norm);
  for (const ParamRange& r : ranges) kernels::F32Scale(r.end - r.begin, scale, grads + r.begin, grads + r.begin);
}

Status Model::SetGradientClipNorm(float max_norm) {
  if (!(max_norm >= 0.0f) || !std::isfinite(max_norm))
    return InvalidArgument("model: gradient clip norm must be finite and >= 0");
  impl_->clip_norm = max_norm;
  return Status::Ok();
}
float Model::gradient_clip_norm() const { return impl_->clip_norm; }

Status Model::ApplyGradients(float learning_rate) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (!(learning_rate >= 0.0f)) return InvalidArgument("model: learning rate must be >= 0");
  if (m.clip_norm > 0.0f) m.ClipGradients();
  ++m.step;
  OptimizerStep s{m.params, m.grads, m.optimizer_state, m.param_count, m.ranges.data(), m.ranges.size(),
                  learning_rate, m.step};
  m.optimizer->Step(s);
  return Status::Ok();
}

Status Model::TrainStep(const float* const* inputs, const Targets& targets, size_t batch, float learning_rate,
                        float* loss) {
  if (!impl_->heads.empty()) return InvalidArgument("model: a multitask model needs one Targets per head");
  return TrainStep(inputs, &targets, 1, batch, learning_rate, loss);
}

void Model::Impl::SaveStepStart() {
  if (param_count) std::memcpy(params_before.data(), params, param_count * sizeof(float));
  if (optimizer_state_count)
    std::memcpy(optimizer_state_before.data(), optimizer_state, optimizer_state_count * sizeof(float));
  if (state_count) std::memcpy(state_before.data(), state, state_count * sizeof(float));
}

void Model::Impl::RestoreStepStart(uint64_t step_before) {
  if (param_count) std::memcpy(params, params_before.data(), param_count * sizeof(float));
  if (optimizer_state_count)
    std::memcpy(optimizer_state, optimizer_state_before.data(), optimizer_state_count * sizeof(float));
  if (state_count) std::memcpy(state, state_before.data(), state_count * sizeof(float));
  step = step_before;
}

Status Model::TrainStep(const float* const* inputs, const Targets* targets, size_t count, size_t batch,
                        float learning_rate, float* loss) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  // Validate before touching anything, so bad labels never corrupt weights.
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  MOTE_TRY(m.CheckHeadTargets(targets, count, batch));
  if (!(learning_rate >= 0.0f)) return InvalidArgument("model: learning rate must be >= 0");
  // Forward in training mode moves batchnorm statistics, the update moves
  // parameters and optimizer state: kept to undo a diverging step.
  m.SaveStepStart();
  const uint64_t step_before = m.step;
  float value = 0.0f;
  if (m.weight_noise > 0.0f) {
    // Weight noise: gradients at perturbed weights, the update applied to
    // the clean ones.
    if (m.param_count) std::memcpy(m.clean_params.data(), m.params, m.param_count * sizeof(float));
    for (const ParamInfo& p : m.param_infos)
      if (p.role == ParamRole::kWeight && !p.frozen)
        for (size_t i = 0; i < p.size; ++i) m.params[p.offset + i] += m.rng.Normal(0.0f, m.weight_noise);
    Status s = Forward(inputs, batch, true);
    if (s.ok()) s = Backward(targets, count, batch, false, &value);
    if (m.param_count) std::memcpy(m.params, m.clean_params.data(), m.param_count * sizeof(float));
    MOTE_TRY(s);
  } else {
    MOTE_TRY(Forward(inputs, batch, true));
    MOTE_TRY(Backward(targets, count, batch, false, &value));
  }
  if (loss) *loss = value;
  if (!std::isfinite(value)) {
    m.RestoreStepStart(step_before);
    return OutOfRange("model: the loss is NaN or infinite (non-finite input or diverging training); step undone");
  }
  MOTE_TRY(ApplyGradients(learning_rate));
  if (!AllFinite(m.params, m.param_count) || !AllFinite(m.optimizer_state, m.optimizer_state_count)) {
    m.RestoreStepStart(step_before);
    return OutOfRange("model: the update made a parameter NaN or infinite (diverging: lower the learning rate?); "
                      "step undone");
  }
  return Status::Ok();
}

Status Model::SetWeightNoise(float stddev) {
  if (!(stddev >= 0.0f) || !std::isfinite(stddev)) return InvalidArgument("model: weight noise must be finite and >= 0");
  impl_->weight_noise = stddev;
  // Sized here or at Prepare, never during a step.
  if (impl_->prepared) impl_->clean_params.resize(stddev > 0.0f ? impl_->param_count : 0);
  return Status::Ok();
}

Status Model::Predict(const float* input, size_t batch, float* out) {
  if (out == nullptr) return InvalidArgument("model: null output buffer");
  MOTE_TRY(Forward(&input, batch, false));
  const Impl::Node& o = impl_->nodes[size_t(impl_->outputs[0])];
  std::memcpy(out, o.activation, batch * o.item_size * sizeof(float));
  return Status::Ok();
}

Status Model::PredictMonteCarlo(const float* input, size_t batch, uint32_t samples, bool softmax, float* out) {
  if (out == nullptr) return InvalidArgument("model: null output buffer");
  if (samples == 0) return InvalidArgument("model: Monte-Carlo prediction needs at least one sample");
  const Impl::Node& o = impl_->nodes[size_t(impl_->outputs[0])];
  for (uint32_t s = 0; s < samples; ++s) {
    MOTE_TRY(Forward(&input, batch, /*training=*/false, /*stochastic=*/true));
    const size_t n = batch * o.item_size;
    if (softmax) kernels::F32Softmax(batch, o.item_size, o.activation, o.activation);  // in place, recomputed next pass
    if (s == 0) {
      std::memcpy(out, o.activation, n * sizeof(float));
    } else {
      kernels::F32Add(n, out, o.activation, out);
    }
  }
  kernels::F32Scale(batch * o.item_size, 1.0f / float(samples), out, out);
  return Status::Ok();
}

Status Model::Evaluate(const float* input, const Targets& targets, size_t batch, float* loss, float* accuracy) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  const Impl::Node& o = m.nodes[size_t(m.outputs[0])];
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  MOTE_TRY(m.loss->CheckTargets(batch, o.item_size, targets));
  MOTE_TRY(Forward(&input, batch, false));
  if (loss) *loss = m.loss->Compute(batch, o.item_size, o.activation, targets, nullptr) + m.Penalty(false);
  if (accuracy) {
    size_t correct = 0;
    if (m.loss->uses_labels() && targets.labels) {
      for (size_t r = 0; r < batch; ++r) {
        const float* row = o.activation + r * o.item_size;
        size_t best = 0;
        for (size_t j = 1; j < o.item_size; ++j)
          if (row[j] > row[best]) best = j;
        correct += int32_t(best) == targets.labels[r];
      }
    }
    *accuracy = float(correct) / float(batch);
  }
  return Status::Ok();
}

const float* Model::output(int i) const {
  if (!impl_->prepared || i < 0 || size_t(i) >= impl_->outputs.size()) return nullptr;
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].activation;
}
size_t Model::output_size(int i) const {
  if (i < 0 || size_t(i) >= impl_->outputs.size()) return 0;
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].item_size;
}
Shape Model::output_shape(int i) const {
  if (i < 0 || size_t(i) >= impl_->outputs.size()) return Shape();
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].per_item;
}
const float* Model::input_grad(int i) const {
  if (!impl_->prepared || i < 0 || size_t(i) >= impl_->inputs.size()) return nullptr;
  return impl_->nodes[size_t(impl_->inputs[size_t(i)])].grad;
}
size_t Model::input_size(int i) const {
  if (i < 0 || size_t(i) >= impl_->inputs.size()) return 0;
  return impl_->nodes[size_t(impl_->inputs[size_t(i)])].per_item.elements();
}
int Model::input_count() const { return int(impl_->inputs.size()); }
size_t Model::node_count() const { return impl_->nodes.size(); }
const std::string& Model::node_name(NodeId node) const { return impl_->nodes[size_t(node)].name; }
const Layer* Model::layer(NodeId node) const { return impl_->nodes[size_t(node)].layer.get(); }
NodeId Model::find(const std::string& name) const {
  for (size_t i = 0; i < impl_->nodes.size(); ++i)
    if (impl_->nodes[i].name == name) return NodeId(i);
  return -1;
}
Shape Model::node_shape(NodeId node) const { return impl_->nodes[size_t(node)].per_item; }
const std::vector<NodeId>& Model::node_inputs(NodeId node) const { return impl_->nodes[size_t(node)].inputs; }
NodeId Model::input_node(int i) const {
  return i >= 0 && size_t(i) < impl_->inputs.size() ? impl_->inputs[size_t(i)] : -1;
}
NodeId Model::output_node(int i) const {
  return i >= 0 && size_t(i) < impl_->outputs.size() ? impl_->outputs[size_t(i)] : -1;
}
int Model::output_count() const { return int(impl_->outputs.size()); }
const float* Model::node_output(NodeId node) const {
  return impl_->prepared ? impl_->nodes[size_t(node)].activation : nullptr;
}
const float* Model::node_param(NodeId node, const char* name) const {
  if (!impl_->prepared) return nullptr;
  for (const ParamDecl& d : impl_->param_decls)
    if (d.node == node && d.name == name) return impl_->params + d.offset;
  return nullptr;
}
const float* Model::node_state(NodeId node, const char* name) const {
  if (!impl_->prepared) return nullptr;
  for (const FloatBlockDecl& s : impl_->state_decls)
    if (s.node == node && s.name == name) return impl_->state + s.offset;
  return nullptr;
}
float* Model::params() { return impl_->params; }
float* Model::grads() { return impl_->grads; }
size_t Model::param_count() const { return impl_->param_count; }
const std::vector<ParamInfo>& Model::param_infos() const { return impl_->param_infos; }
float* Model::state() { return impl_->state; }
size_t Model::state_count() const { return impl_->state_count; }
const std::vector<StateInfo>& Model::state_infos() const { return impl_->state_infos; }
float* Model::optimizer_state() { return impl_->optimizer_state; }
size_t Model::optimizer_state_count() const { return impl_->optimizer_state_count; }
uint64_t Model::step() const { return impl_->step; }
void Model::set_step(uint64_t step) { impl_->step = step; }
Rng& Model::rng() { return impl_->rng; }
size_t Model::arena_bytes() const { return impl_->arena.bytes; }
Loss* Model::loss() const { return impl_->loss.get(); }
Optimizer* Model::optimizer() const { return impl_->optimizer.get(); }

}  // namespace mote
