// Internal to src/train/model*.cc: Model::Impl, the state behind mote::Model,
// and the declarations its parts share. The parts:
//   model.cc                 graph building and accessors
//   model_plan.cc            Prepare: shapes, ties, the one arena, parameter ranges
//   model_step.cc            Forward, Backward, ApplyGradients, TrainStep (divergence guard)
//   model_regularization.cc  penalties, tying, freezing, gradient clipping, weight noise
//   model_predict.cc         Predict, Monte-Carlo prediction, Evaluate
#pragma once
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mote/model.h"
#include "mote/threads.h"

namespace mote {
namespace model_detail {

constexpr size_t kBlockAlignFloats = 16;  // every block starts on a 64-byte boundary

inline size_t AlignFloats(size_t n) { return AlignUp(n, kBlockAlignFloats); }

// The shape of `per_item` with a batch dim in front, or rank > 4 as failure.
inline bool WithBatch(const Shape& per_item, size_t batch, Shape* out) {
  switch (per_item.rank()) {
    case 0: *out = Shape(batch); return true;
    case 1: *out = Shape(batch, per_item.dim(0)); return true;
    case 2: *out = Shape(batch, per_item.dim(0), per_item.dim(1)); return true;
    case 3: *out = Shape(batch, per_item.dim(0), per_item.dim(1), per_item.dim(2)); return true;
    default: return false;
  }
}

inline Shape WithoutBatch(const Shape& s) {
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

}  // namespace model_detail

struct Model::Impl {
  using ParamDecl = model_detail::ParamDecl;
  using FloatBlockDecl = model_detail::FloatBlockDecl;
  using AlignedBuffer = model_detail::AlignedBuffer;

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
    // Predict (PlanPredict): inputs with reshape-only producers (Flatten)
    // looked through (predict_inputs: the nodes read, whose activation, or
    // for a skipped model input the caller's buffer, predict_input_ptrs
    // holds); a producer fusing the nodes after it (Conv2D -> BatchNorm ->
    // ReLU) writes the last one's activation, fused_end, and those nodes
    // (fused_into: the producer) are skipped when it did (fused_ran);
    // reshape-only nodes and model inputs the caller does not see as an
    // output are skipped (predict_skip).
    std::vector<NodeId> predict_inputs;
    std::vector<const float*> predict_input_ptrs;
    NodeId fused_end = -1, fused_into = -1;
    bool fused_ran = false;
    bool predict_skip = false;
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
  // The ranges cut into pieces of at most kUpdatePiece floats, which threads
  // update one at a time (an elementwise optimizer), and the probe's answer
  // for each piece.
  std::vector<ParamRange> update_pieces;
  std::vector<uint8_t> piece_probes;
  size_t param_count = 0, state_count = 0, optimizer_state_count = 0, scratch_floats = 0;
  AlignedBuffer arena;
  float* params = nullptr;
  float* grads = nullptr;
  float* state = nullptr;
  float* optimizer_state = nullptr;
  float* scratch = nullptr;
  std::vector<float*> buffer_ptrs;
  // Threads: requested count (0: DefaultThreadCount), the pool (created at
  // Prepare) and each worker's scratch (worker_stride floats each).
  size_t threads_requested = 0;
  std::unique_ptr<ThreadPool> pool;
  size_t worker_scratch_floats = 0, worker_stride = 0;
  float* worker_scratch = nullptr;
  Rng rng;
  uint64_t step = 0;
  // ForwardArgs::params_version: bumped wherever the parameters or the state
  // may have changed (Prepare, each optimizer update, each training Forward,
  // the end of a Model::Writer); never 0. While writers are open, Forward
  // passes 0 (unknown: the copies are redone on every call).
  uint64_t params_version = 1;
  int open_writers = 0;
  uint64_t ForwardParamsVersion() const { return open_writers > 0 ? 0 : params_version; }
  float weight_noise = 0.0f;
  float clip_norm = 0.0f;  // 0: no gradient clipping
  std::vector<float> clean_params;  // weight noise: the unperturbed parameters during a step
  // Divergence guard: what a TrainStep may change, as it was before the step
  // (sized at Prepare; parameters and optimizer state only for an optimizer
  // that does not probe, see GuardedUpdate in model_step.cc).
  bool optimizer_probes = false;
  std::vector<float> params_before, optimizer_state_before, state_before;

  // Model::Forward; `predict` (Predict, Evaluate): no Backward follows
  // (ForwardArgs::predict).
  Status Forward(const float* const* inputs, size_t batch, bool training, bool stochastic, bool predict);
  Status Plan(size_t batch);
  Status ResolveTies();
  Status CheckHeadTargets(const Targets* targets, size_t count, size_t batch) const;
  Status Layout();
  void BuildRanges();
  void PlanPredict();
  float Penalty(bool add_gradients);
  void ClipGradients();
  // Clips the gradients when asked, counts the step and returns the
  // optimizer's step (ApplyGradients and TrainStep).
  OptimizerStep BeginUpdate(float learning_rate);
  // Divergence guard of TrainStep: the update unless it makes a value
  // non-finite (false: parameters and optimizer state as before; the caller
  // restores layer state and the step count).
  bool GuardedUpdate(float learning_rate);
  // The optimizer's Step / ProbeStep over every range: piece by piece on the
  // pool when there is one and the optimizer is elementwise, else one call.
  void RunOptimizer(const OptimizerStep& s);
  Optimizer::Probe ProbeOptimizer(const OptimizerStep& s);
  void RestoreStepStart(uint64_t step_before);
};


}  // namespace mote
