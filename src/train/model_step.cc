// Model's training step: Forward, Backward (every head's loss), ApplyGradients
// and TrainStep, which undoes a step that makes the loss or any parameter
// non-finite. See include/mote/model.h.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

#include "src/train/model_impl.h"

namespace mote {

namespace {
// The pool layers split their work over, or null for one thread: one thread
// runs the layers' serial code (the same results, without the chunking).
ThreadPool* LayerPool(const Model::Impl& m) { return m.pool && m.pool->threads() > 1 ? m.pool.get() : nullptr; }
}  // namespace

using namespace model_detail;

Status Model::Forward(const float* const* inputs, size_t batch, bool training, bool stochastic) {
  return impl_->Forward(inputs, batch, training, stochastic, /*predict=*/false);
}

Status Model::Impl::Forward(const float* const* inputs, size_t batch, bool training, bool stochastic,
                            bool predict) {
  Impl& m = *this;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  if (inputs == nullptr) return InvalidArgument("model: null inputs");
  for (NodeId id : m.inputs) {
    const Impl::Node& n = m.nodes[size_t(id)];
    if (inputs[n.input_index] == nullptr) return InvalidArgument("model: null input data");
    if (predict && n.predict_skip) continue;  // its consumers read the caller's buffer
    std::memcpy(n.activation, inputs[n.input_index], batch * n.item_size * sizeof(float));
  }
  if (training) ++m.params_version;  // moves layer state (batchnorm statistics) Predict folds in
  for (Impl::Node& n : m.nodes) {
    if (!n.layer) continue;
    ForwardArgs args{batch,      n.input_ptrs.data(), n.activation,     training,       &m.rng,
                     m.scratch, stochastic,          LayerPool(m), m.worker_scratch, m.worker_stride};
    args.predict = predict;
    args.params_version = m.ForwardParamsVersion();
    if (predict) {  // the graph of PlanPredict
      if (n.predict_skip || (n.fused_into >= 0 && m.nodes[size_t(n.fused_into)].fused_ran)) continue;
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        const Impl::Node& from = m.nodes[size_t(n.predict_inputs[i])];
        if (!from.layer && from.predict_skip) n.predict_input_ptrs[i] = inputs[from.input_index];
      }
      args.inputs = n.predict_input_ptrs.data();
      n.fused_ran = false;
      if (n.fused_end >= 0) {
        args.output = m.nodes[size_t(n.fused_end)].activation;
        n.fused_ran = n.layer->ForwardFused(args);
        if (n.fused_ran) continue;
        args.output = n.activation;
      }
    }
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
  ForEachRange(LayerPool(m), m.param_count, 16384, [&](size_t begin, size_t end) {
    std::memset(m.grads + begin, 0, (end - begin) * sizeof(float));
  });
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
    BackwardArgs args{batch,     n.input_ptrs.data(), n.activation,     n.grad,         grad_ptrs,
                      m.scratch, LayerPool(m),        m.worker_scratch, m.worker_stride};
    n.layer->Backward(args);
  }
  value += m.Penalty(true);
  if (loss) *loss = value;
  return Status::Ok();
}


OptimizerStep Model::Impl::BeginUpdate(float learning_rate) {
  if (clip_norm > 0.0f) ClipGradients();
  ++step;
  ++params_version;
  return OptimizerStep{params, grads, optimizer_state, param_count, ranges.data(), ranges.size(), learning_rate,
                       step};
}

void Model::Impl::RunOptimizer(const OptimizerStep& s) {
  ThreadPool* p = optimizer->elementwise() && update_pieces.size() > 1 ? LayerPool(*this) : nullptr;
  if (p == nullptr) return optimizer->Step(s);
  p->ParallelFor(update_pieces.size(), [&](size_t k, size_t) {
    OptimizerStep piece = s;
    piece.ranges = &update_pieces[k];
    piece.range_count = 1;
    optimizer->Step(piece);
  });
}

Optimizer::Probe Model::Impl::ProbeOptimizer(const OptimizerStep& s) {
  ThreadPool* p = optimizer->elementwise() && update_pieces.size() > 1 ? LayerPool(*this) : nullptr;
  if (p == nullptr) return optimizer->ProbeStep(s);
  p->ParallelFor(update_pieces.size(), [&](size_t k, size_t) {
    OptimizerStep piece = s;
    piece.ranges = &update_pieces[k];
    piece.range_count = 1;
    piece_probes[k] = uint8_t(optimizer->ProbeStep(piece));
  });
  Optimizer::Probe result = Optimizer::Probe::kFinite;
  for (uint8_t r : piece_probes)
    if (Optimizer::Probe(r) != Optimizer::Probe::kFinite) result = Optimizer::Probe(r);
  return result;
}

Status Model::ApplyGradients(float learning_rate) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (!(learning_rate >= 0.0f)) return InvalidArgument("model: learning rate must be >= 0");
  m.RunOptimizer(m.BeginUpdate(learning_rate));
  return Status::Ok();
}

Status Model::TrainStep(const float* const* inputs, const Targets& targets, size_t batch, float learning_rate,
                        float* loss) {
  if (!impl_->heads.empty()) return InvalidArgument("model: a multitask model needs one Targets per head");
  return TrainStep(inputs, &targets, 1, batch, learning_rate, loss);
}

void Model::Impl::RestoreStepStart(uint64_t step_before) {
  if (state_count) std::memcpy(state, state_before.data(), state_count * sizeof(float));
  step = step_before;
}

// The update of a TrainStep, undone when it makes a parameter or optimizer
// state non-finite. An optimizer that probes (Optimizer::ProbeStep) is asked
// first and the update runs only when every value stays finite: nothing to
// copy. Any other optimizer updates between a copy of parameters and state
// and a scan of both.
bool Model::Impl::GuardedUpdate(float learning_rate) {
  const OptimizerStep s = BeginUpdate(learning_rate);
  if (optimizer_probes) {
    if (ProbeOptimizer(s) != Optimizer::Probe::kFinite) return false;
    RunOptimizer(s);
    return true;
  }
  if (param_count) std::memcpy(params_before.data(), params, param_count * sizeof(float));
  if (optimizer_state_count)
    std::memcpy(optimizer_state_before.data(), optimizer_state, optimizer_state_count * sizeof(float));
  RunOptimizer(s);
  if (AllFinite(params, param_count) && AllFinite(optimizer_state, optimizer_state_count)) return true;
  if (param_count) std::memcpy(params, params_before.data(), param_count * sizeof(float));
  if (optimizer_state_count)
    std::memcpy(optimizer_state, optimizer_state_before.data(), optimizer_state_count * sizeof(float));
  return false;
}

Status Model::TrainStep(const float* const* inputs, const Targets* targets, size_t count, size_t batch,
                        float learning_rate, float* loss) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  // Validate before touching anything, so bad labels never corrupt weights.
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  MOTE_TRY(m.CheckHeadTargets(targets, count, batch));
  if (!(learning_rate >= 0.0f)) return InvalidArgument("model: learning rate must be >= 0");
  // Forward in training mode moves layer state (batchnorm statistics): kept
  // to undo a diverging step. Parameters and optimizer state change only in
  // the update (GuardedUpdate).
  if (m.state_count) std::memcpy(m.state_before.data(), m.state, m.state_count * sizeof(float));
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
  if (!m.GuardedUpdate(learning_rate)) {
    m.RestoreStepStart(step_before);
    return OutOfRange("model: the update made a parameter NaN or infinite (diverging: lower the learning rate?); "
                      "step undone");
  }
  return Status::Ok();
}

}  // namespace mote
