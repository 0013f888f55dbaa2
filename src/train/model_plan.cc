// Model::Prepare: every layer planned at max batch, tied parameters resolved,
// parameters / gradients / optimizer state / activations / scratch laid out
// in one arena, parameter ranges for the optimizer. See include/mote/model.h.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

#include "src/train/model_impl.h"

namespace mote {

using namespace model_detail;

// ---- Plan / Bind contexts ----------------------------------------------------

namespace {

class NodePlanContext final : public PlanContext {
 public:
  NodePlanContext(Model::Impl& impl, NodeId node, std::vector<ParamDecl>& params,
                  std::vector<FloatBlockDecl>& states, std::vector<FloatBlockDecl>& buffers, size_t* scratch,
                  size_t* worker_scratch)
      : impl_(impl),
        node_(node),
        params_(params),
        states_(states),
        buffers_(buffers),
        scratch_(scratch),
        worker_scratch_(worker_scratch) {}

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
  void RequestWorkerScratch(size_t floats) override {
    if (floats > *worker_scratch_) *worker_scratch_ = floats;
  }

 private:
  Model::Impl& impl_;
  NodeId node_;
  std::vector<ParamDecl>& params_;
  std::vector<FloatBlockDecl>& states_;
  std::vector<FloatBlockDecl>& buffers_;
  size_t* scratch_;
  size_t* worker_scratch_;
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
  worker_scratch_floats = 0;
  for (size_t id = 0; id < nodes.size(); ++id) {
    Node& node = nodes[id];
    node.params.clear();
    if (!node.layer) {
      if (!WithBatch(node.per_item, batch, &node.batch_shape))
        return InvalidArgument("model: an input example may have at most 3 dims (the batch makes 4)");
    } else {
      if (int(node.inputs.size()) != node.layer->input_count())
        return InvalidArgument("model: a layer got a different number of inputs than it takes");
      NodePlanContext ctx(*this, NodeId(id), param_decls, state_decls, buffer_decls, &scratch_floats,
                          &worker_scratch_floats);
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
    // Each worker's scratch on its own cache lines.
    worker_stride = worker_scratch_floats ? AlignFloats(worker_scratch_floats) : 0;
    const size_t workers = pool ? pool->threads() : 1;
    if (worker_stride != 0 && workers > std::numeric_limits<size_t>::max() / worker_stride)
      return OutOfMemory("model: too many threads for the per-thread scratch");
    MOTE_TRY(take(workers * worker_stride, &p));
    worker_scratch = p;
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

// Predict's graph, as the export lowers it: Flatten skipped (its consumers
// read its input), and a Conv2D / Dense fusing the BatchNorm and ReLU that
// alone follow it (Layer::SetPredictEpilogue). Nodes whose output the caller
// sees (model outputs, heads) are never skipped or fused into another.
void Model::Impl::PlanPredict() {
  std::vector<size_t> consumers(nodes.size(), 0);
  std::vector<bool> seen(nodes.size(), false);
  for (const Node& n : nodes)
    for (NodeId in : n.inputs) ++consumers[size_t(in)];
  for (NodeId o : outputs) seen[size_t(o)] = true;
  for (const Head& h : heads) seen[size_t(h.node)] = true;
  for (Node& n : nodes) {
    n.fused_end = n.fused_into = -1;
    n.fused_ran = false;
    const bool reshape = n.layer && n.layer->reshape_only() && n.inputs.size() == 1;
    n.predict_skip = (reshape || !n.layer) && !seen[size_t(&n - nodes.data())];
  }
  // The node whose output `id`'s is in Predict: itself, or for a skipped
  // reshape its input's (a skipped model input's is the caller's buffer).
  auto source = [&](NodeId id) {
    while (nodes[size_t(id)].predict_skip && nodes[size_t(id)].layer) id = nodes[size_t(id)].inputs[0];
    return id;
  };
  for (Node& n : nodes) {
    n.predict_inputs.resize(n.inputs.size());
    n.predict_input_ptrs.resize(n.inputs.size());
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      n.predict_inputs[i] = source(n.inputs[i]);
      n.predict_input_ptrs[i] = nodes[size_t(n.predict_inputs[i])].activation;
    }
  }
  // The node that alone reads `id`'s output, with it as its only input; -1
  // when none (or the caller sees id's output).
  auto sole_consumer = [&](NodeId id) -> NodeId {
    if (consumers[size_t(id)] != 1 || seen[size_t(id)]) return -1;
    for (size_t c = 0; c < nodes.size(); ++c)
      if (nodes[c].layer && nodes[c].inputs.size() == 1 && nodes[c].inputs[0] == id) return NodeId(c);
    return -1;
  };
  for (size_t id = 0; id < nodes.size(); ++id) {
    Node& n = nodes[id];
    if (!n.layer || n.fused_into >= 0) continue;
    PredictEpilogue epilogue;
    NodeId end = -1, next = sole_consumer(NodeId(id));
    double scale, shift;
    if (next >= 0 && nodes[size_t(next)].layer->InferenceChannelAffine(0, &scale, &shift)) {
      epilogue.affine = nodes[size_t(next)].layer.get();
      end = next;
      next = sole_consumer(end);
    }
    if (next >= 0 && nodes[size_t(next)].layer->InferenceClamp(&epilogue.lo, &epilogue.hi)) end = next;
    if (end < 0 || !n.layer->SetPredictEpilogue(epilogue)) continue;
    n.fused_end = end;
    for (NodeId f = sole_consumer(NodeId(id)); f >= 0; f = f == end ? -1 : sole_consumer(f))
      nodes[size_t(f)].fused_into = NodeId(id);
  }
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
  // Pieces of a fixed size (whole cache lines, as the ranges start), the same
  // for every thread count.
  constexpr size_t kUpdatePiece = 16384;
  update_pieces.clear();
  for (const ParamRange& r : ranges)
    for (size_t begin = r.begin; begin < r.end; begin += kUpdatePiece)
      update_pieces.push_back({begin, r.end - begin < kUpdatePiece ? r.end : begin + kUpdatePiece, r.decay});
  piece_probes.assign(update_pieces.size(), 0);
  state_infos.clear();
  for (const FloatBlockDecl& s : state_decls)
    state_infos.push_back({nodes[size_t(s.node)].name + "/" + s.name, s.node, s.offset, s.floats});
}


namespace {
// The threads of a model that asked for `requested` (0: the default,
// DefaultThreadCount(): MOTE_NUM_THREADS, else the CPUs of the process's
// affinity mask). Results do not depend on it (fixed chunks).
size_t ThreadsFor(size_t requested) { return requested != 0 ? requested : DefaultThreadCount(); }
}  // namespace

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
  const size_t threads = ThreadsFor(m.threads_requested);
  if (!m.pool)
    m.pool.reset(new ThreadPool(threads));
  else
    m.pool->SetThreads(threads);
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
  m.PlanPredict();

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
  // An optimizer that probes answers for an empty step (include/mote/optimizer.h).
  const OptimizerStep empty{m.params, m.grads, m.optimizer_state, m.param_count, nullptr, 0, 0.0f, 1};
  m.optimizer_probes = m.optimizer->ProbeStep(empty) != Optimizer::Probe::kUnknown;
  m.params_before.assign(m.optimizer_probes ? 0 : m.param_count, 0.0f);
  m.optimizer_state_before.assign(m.optimizer_probes ? 0 : m.optimizer_state_count, 0.0f);
  m.state_before.resize(m.state_count);
  ++m.params_version;
  m.prepared = true;
  return Status::Ok();
}

bool Model::prepared() const { return impl_->prepared; }

Status Model::SetThreads(size_t threads) {
  Impl& m = *impl_;
  m.threads_requested = threads;
  if (!m.prepared) return Status::Ok();
  if (m.pool && m.pool->threads() == ThreadsFor(threads)) return Status::Ok();
  // Another thread count needs another per-thread scratch: prepare again
  // (parameters, state and optimizer state are kept).
  return Prepare(m.max_batch);
}

size_t Model::threads() const {
  const Impl& m = *impl_;
  if (m.prepared && m.pool) return m.pool->threads();
  return ThreadsFor(m.threads_requested);
}
size_t Model::max_batch() const { return impl_->max_batch; }

}  // namespace mote
