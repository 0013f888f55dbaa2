// Model: a graph of layers (Sequential is the common case) trained with one
// loss and one optimizer.
//
// Memory: Prepare(max_batch) plans every layer, then allocates ONE arena that
// holds all parameters (contiguous), all gradients (same layout), the
// optimizer state, persistent layer state, every activation and gradient
// buffer, the layers' saved buffers and the shared scratch. After Prepare,
// TrainStep, Forward, Backward, Predict and Evaluate allocate nothing.
// Building and Prepare use the host heap (std::vector, std::string).
//
// Errors: every call that can fail returns a Status; a failed call leaves the
// parameters untouched.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/layer.h"
#include "mote/loss.h"
#include "mote/optimizer.h"
#include "mote/rng.h"
#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

class LayerSpec;  // include/mote/build.h

// One trainable tensor inside the parameter buffer.
struct ParamInfo {
  std::string name;      // "<layer name>/<param name>", e.g. "conv1/kernel"
  NodeId node;           // the layer that owns it
  Shape shape;
  ParamRole role;
  size_t offset;         // element offset into params() / grads()
  size_t size;           // elements
  float l1, l2;          // penalty coefficients in force (global or per layer)
  bool frozen;           // excluded from optimizer updates
};

// Persistent, non-trainable layer state (e.g. batchnorm moving averages).
struct StateInfo {
  std::string name;
  NodeId node;
  size_t offset;  // into state()
  size_t size;
};

class Model {
 public:
  Model();
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // ---- building -------------------------------------------------------------
  // A model input with the shape of ONE example (no batch dim), e.g. {28, 28, 1}.
  NodeId Input(const Shape& per_item, const std::string& name = "");
  // Adds a layer fed by `inputs` (empty: the last node added, Sequential
  // style). Names must be unique; empty gives "<type>_<index>". Returns the
  // node, or -1 (and Prepare then fails with the reason) on bad inputs.
  NodeId Add(std::unique_ptr<Layer> layer, std::vector<NodeId> inputs = {}, const std::string& name = "");
  // The same for a layer described by a spec of include/mote/build.h
  // (options and name by name): model.Add(layers::Dense(10).name("logits")).
  NodeId Add(const LayerSpec& spec, std::vector<NodeId> inputs = {});
  // Outputs of the model (default: the last node added). The loss applies to output 0.
  Status SetOutputs(std::vector<NodeId> outputs);

  // The main loss, on output 0, weighted by `weight` in the total loss.
  void SetLoss(std::unique_ptr<Loss> loss, float weight = 1.0f);
  // Multitask learning: another loss on `node` (an end of the graph,
  // e.g. a second head on a shared trunk), weighted; the total loss is the
  // weighted sum. Multitask models train with the TrainStep / Backward that
  // take one Targets per head: main loss first, then heads in AddHead order.
  Status AddHead(NodeId node, std::unique_ptr<Loss> loss, float weight = 1.0f);
  size_t head_count() const;
  void SetOptimizer(std::unique_ptr<Optimizer> optimizer);
  // Global L1 / L2 penalty coefficients for kWeight parameters: the loss
  // gains l1 * sum|w| + l2 / 2 * sum w^2, the gradient l1 sign(w) + l2 w.
  void SetRegularization(float l1, float l2);
  // Per-layer override, for every parameter of that layer, biases and
  // batchnorm parameters included (they are unregularized by default).
  Status SetLayerRegularization(const std::string& layer, float l1, float l2);
  // Parameter sharing: `layer` uses the parameters of `source` (same
  // names and shapes) instead of its own; both layers' gradients add into the
  // one buffer, and param_infos() lists the tensors once (under `source`).
  // Checked at Prepare.
  Status TieParameters(const std::string& layer, const std::string& source);
  // Soft sharing: adds lambda * ||w_a - w_b||^2 over the same-named
  // parameters of two layers to the loss (and its gradient). Checked at Prepare.
  Status AddTyingPenalty(const std::string& a, const std::string& b, float lambda);
  // Weight noise: every TrainStep adds N(0, stddev^2) to the (unfrozen)
  // weights, computes the gradient there, restores the weights and updates
  // them. 0 turns it off. Draws from rng().
  Status SetWeightNoise(float stddev);
  // Gradient clipping by global norm (the usual remedy for exploding
  // gradients, e.g. in recurrent layers): before every optimizer step, when
  // the norm ||g|| of all trainable gradients (regularization included)
  // exceeds max_norm, they are scaled by max_norm / ||g||. 0 turns it off
  // (the default); kInvalidArgument for a negative or non-finite max_norm.
  Status SetGradientClipNorm(float max_norm);
  float gradient_clip_norm() const;
  // Frozen layers keep their parameters in TrainStep (transfer learning).
  Status Freeze(const std::string& layer, bool frozen = true);

  // Plans every layer for batches of up to max_batch, allocates the arena and
  // initialises parameters from `seed` (the same seed gives the same model).
  // May be called again (e.g. another batch size): parameters, state, optimizer
  // state and the RNG are kept when the parameter layout is unchanged.
  Status Prepare(size_t max_batch, uint64_t seed = 1);
  bool prepared() const;
  size_t max_batch() const;

  // Threads that run TrainStep, Forward, Backward, Predict and Evaluate (the
  // caller's included). 0 (the default) means DefaultThreadCount() of
  // include/mote/threads.h: MOTE_NUM_THREADS when set, else the CPUs this
  // process may run on (its affinity mask). The workers are created here or at Prepare, never
  // per step; on a prepared model this prepares it again (parameters and state
  // are kept). Results are bit-identical for every thread count: layers, the
  // gradient reset and an elementwise optimizer's update split their work
  // into chunks whose number does not depend on it (Conv2D, Dense, BatchNorm,
  // ReLU so far; other layers run on the calling thread).
  Status SetThreads(size_t threads);
  // The thread count in force (after Prepare), else the one requested.
  size_t threads() const;

  // ---- running (no allocation) ------------------------------------------------
  // One optimizer step on a batch: forward (training mode), loss, backward,
  // regularization, update. `inputs[i]` holds batch examples of input i.
  // Divergence guard: when the loss is NaN or infinite, or the update would
  // make a parameter or optimizer state NaN or infinite, the step is undone
  // (parameters, optimizer state, layer state such as batchnorm statistics
  // and step() as before it; *loss still receives the loss) and kOutOfRange
  // is returned. The model thus stays at its last finite state.
  Status TrainStep(const float* const* inputs, const Targets& targets, size_t batch, float learning_rate,
                   float* loss = nullptr);
  Status TrainStep(const float* input, const Targets& targets, size_t batch, float learning_rate,
                   float* loss = nullptr) {
    return TrainStep(&input, targets, batch, learning_rate, loss);
  }
  // Multitask step: `targets` holds head_count() entries (main loss first).
  Status TrainStep(const float* const* inputs, const Targets* targets, size_t count, size_t batch,
                   float learning_rate, float* loss = nullptr);
  // Inference-mode forward of `batch` examples; copies output 0 (batch x
  // output_size(0) floats) to `out`. The lengths are the buffers' sizes in
  // floats: input_len must be at least batch x input_size(0) and out_len at
  // least batch x output_size(0), else kShapeMismatch (the message gives both
  // sizes) and nothing is read or written. Single-input models only
  // (kInvalidArgument otherwise: use Forward). Allocates nothing. Up to 4
  // examples run as the runtime does (ForwardArgs::predict): convolutions on
  // weights packed in panels and dense layers on input-major weights that
  // skip zero inputs (16 units or more; else row dot products), with a
  // following BatchNorm and ReLU fused in as the export folds them, Flatten
  // skipped (docs/design.md): the same results up to float rounding, a few
  // times faster than the GEMMs at batch 1.
  Status Predict(const float* input, size_t input_len, size_t batch, float* out, size_t out_len);
  // Mean loss (with the penalty) and accuracy (argmax vs label, when the loss
  // uses labels) over one batch in inference mode.
  Status Evaluate(const float* input, const Targets& targets, size_t batch, float* loss, float* accuracy);

  // Lower level, for gradient checks and adversarial examples:
  // Forward in training or inference mode; output(i) then holds the result.
  // `stochastic` keeps dropout (and other sampling layers) active in
  // inference mode, for Monte-Carlo prediction.
  Status Forward(const float* const* inputs, size_t batch, bool training, bool stochastic = false);
  // Monte-Carlo dropout: the mean of `samples` inference passes
  // with dropout active (batchnorm uses its moving statistics), of the
  // softmax of output 0 when `softmax`, else of the raw output. Writes
  // batch x output_size(0) floats to `out`; allocates nothing.
  Status PredictMonteCarlo(const float* input, size_t batch, uint32_t samples, bool softmax, float* out);
  // After Forward: loss of output 0 (+ penalty), gradients of every
  // parameter into grads() (overwritten) and, with input_grads, of each input
  // into input_grad(i). Does not update parameters.
  Status Backward(const Targets& targets, size_t batch, bool input_grads, float* loss);
  // Multitask Backward: one Targets per head (main loss first).
  Status Backward(const Targets* targets, size_t count, size_t batch, bool input_grads, float* loss);
  // Applies regularization gradients and one optimizer step to the current grads().
  Status ApplyGradients(float learning_rate);

  // ---- inspection ---------------------------------------------------------------
  const float* output(int i = 0) const;
  size_t output_size(int i = 0) const;  // elements per example
  Shape output_shape(int i = 0) const;  // per example
  const float* input_grad(int i = 0) const;
  size_t input_size(int i = 0) const;   // elements per example
  int input_count() const;
  size_t node_count() const;
  const std::string& node_name(NodeId node) const;
  const Layer* layer(NodeId node) const;  // null for inputs
  NodeId find(const std::string& name) const;  // -1 if absent
  Shape node_shape(NodeId node) const;        // per example
  // Read-only graph access for export (src/export): the nodes feeding `node`
  // (empty for a model input), the node of model input / output i (-1 when
  // out of range), and the output count.
  const std::vector<NodeId>& node_inputs(NodeId node) const;
  NodeId input_node(int i) const;
  NodeId output_node(int i) const;
  int output_count() const;
  // The node's output of the last Forward (batch x node_shape elements), or
  // null before Prepare. Predict / Evaluate leave the outputs of the layers
  // they fuse into another or skip (a BatchNorm after a Conv2D, Flatten), and
  // the model input's copy (read in place), as they were.
  const float* node_output(NodeId node) const;
  // The node's parameter `name` (e.g. "kernel"; tied layers resolve to their
  // source's storage) or state (e.g. "moving_mean"); null when the layer has
  // none of that name or the model is not prepared.
  const float* node_param(NodeId node, const char* name) const;
  const float* node_state(NodeId node, const char* name) const;

  // Write access to params() or state(), held for as long as the writes take
  // (move-only): Predict keeps copies of the weights in other layouts (Conv2D
  // packed in panels with the following BatchNorm folded in, Dense's folded
  // BatchNorm), and a Writer is how the model learns they must be redone.
  // While one is alive, Predict / Evaluate rebuild those copies on every call;
  // when the last one ends, the next Predict rebuilds them once. So reads
  // through params() / state() are free, and no sequence of documented calls
  // serves stale weights. A pointer from data() is for writing only while its
  // Writer lives (read through params() / state() after it). A Writer must
  // not outlive its model.
  // Why not a mutable pointer that bumps a version when handed out: a pointer
  // kept across a Predict would write unseen (the copies were already rebuilt).
  struct Impl;  // opaque (src/train/model.cc)

  class Writer {
   public:
    Writer(Writer&& other) noexcept;
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    Writer& operator=(Writer&&) = delete;
    ~Writer();
    float* data() const { return data_; }
    size_t size() const { return size_; }
    float& operator[](size_t i) const { return data_[i]; }

   private:
    friend class Model;
    Writer(Impl* impl, float* data, size_t size);
    Impl* impl_;
    float* data_;
    size_t size_;
  };

  // The parameter and gradient buffers (same layout): param_buffer_floats()
  // floats each, every tensor at its ParamInfo offset, 16-float aligned.
  // params() reads; mutable_params() writes (a Writer, above). Optimizer
  // steps, checkpoint loads, transfer, ONNX import and the weight files go
  // through the same Writer.
  const float* params() const;
  Writer mutable_params();
  float* grads();
  // Trainable parameters, counted exactly (each tied tensor once; the seed
  // network has 2410), as Keras's count_params() would report.
  size_t param_count() const;
  // Floats of params() / grads(): param_count() plus the alignment padding
  // between tensors (the size to copy or save the whole buffer).
  size_t param_buffer_floats() const;
  const std::vector<ParamInfo>& param_infos() const;
  // Persistent layer state (BatchNorm's moving statistics, which Predict folds
  // into the weights before it): state() reads, mutable_state() writes.
  const float* state() const;
  Writer mutable_state();
  size_t state_count() const;
  const std::vector<StateInfo>& state_infos() const;
  float* optimizer_state();
  size_t optimizer_state_count() const;
  uint64_t step() const;  // optimizer steps taken
  void set_step(uint64_t step);
  Rng& rng();
  // Bytes of the arena allocated at Prepare.
  size_t arena_bytes() const;
  Loss* loss() const;
  Optimizer* optimizer() const;

  // ---- what the building calls set (DescribeModel, include/mote/model_file.h) ----
  float loss_weight() const;  // of the main loss
  // Head i of head_count(): 0 is the main loss on output 0, then AddHead's in
  // order: node (-1), loss (null) and weight (0) when out of range.
  NodeId head_node(size_t i) const;
  const Loss* head_loss(size_t i) const;
  float head_weight(size_t i) const;
  float regularization_l1() const;  // SetRegularization's
  float regularization_l2() const;
  // SetLayerRegularization's coefficients for `node`; false when it has none.
  bool layer_regularization(NodeId node, float* l1, float* l2) const;
  bool frozen(NodeId node) const;
  // TieParameters(layer, source) calls, in order.
  size_t tie_count() const;
  void tie(size_t i, std::string* layer, std::string* source) const;
  // AddTyingPenalty(a, b, lambda) calls, in order.
  size_t tying_penalty_count() const;
  void tying_penalty(size_t i, std::string* a, std::string* b, float* lambda) const;
  float weight_noise() const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mote
