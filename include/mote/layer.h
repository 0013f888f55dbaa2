// Layer: the unit of a model. Each layer lives in one file (src/layers/) and
// implements Plan / Bind / Forward / Backward:
//  - Plan computes the output shape from the input shapes and declares every
//    block of memory the layer needs (parameters, persistent state, per-batch
//    buffers, shared scratch). It validates everything; it may fail.
//  - Bind receives the addresses of those blocks, carved from the model's one
//    arena. Pointers stay valid until the model is prepared again.
//  - Forward / Backward compute; they never allocate and cannot fail (all
//    checks happened in Plan). They run on kernels (include/mote/kernels.h),
//    never on SIMD code of their own.
// Layout: activations are NHWC (or [N, features]); the batch is dim 0 and may
// be smaller at run time than the planned maximum (the last batch of an epoch).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/rng.h"
#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

// A node of a model's graph (include/mote/model.h): an input or a layer.
using NodeId = int;

class Layer;
class LoweringContext;  // include/mote/lowering.h
class ThreadPool;       // include/mote/threads.h
class OptionWriter;     // include/mote/describe.h

// What a parameter is, which decides regularization and export defaults:
// weight decay (L1/L2) applies to kWeight only unless a layer overrides it.
enum class ParamRole : uint8_t { kWeight, kBias, kNormScale, kNormShift };

// How a parameter is initialised at Prepare (formulas in include/mote/init.h).
enum class InitKind : uint8_t {
  kZeros,
  kOnes,
  kConstant,       // value
  kUniformFanIn,   // U(-1/sqrt(m), 1/sqrt(m)), m = fan_in
  kGlorotUniform,  // U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))
  kGlorotNormal,   // N(0, gain^2 * 2 / (fan_in + fan_out))
  kHeUniform,      // U(-b, b), b = gain * sqrt(6 / fan_in)
  kHeNormal,       // N(0, gain^2 * 2 / fan_in)
  kScaledNormal,   // N(0, (value / sqrt(fan_in))^2): C / sqrt(d) times a standard normal
  kOrthogonal,     // rows of the [fan_out x fan_in] matrix orthonormal, times gain (Saxe et al.)
  kSparse,         // sparse_k non-zero N(0, value^2) weights per output unit (Martens), rest 0
  kConstantBlock,  // value on elements [block_begin, block_end), 0 elsewhere (an LSTM's forget-gate bias)
};
struct InitSpec {
  InitKind kind = InitKind::kGlorotUniform;
  float value = 0.0f;  // constant / C / stddev, per kind
  float gain = 1.0f;
  uint32_t sparse_k = 15;
  size_t block_begin = 0, block_end = 0;  // kConstantBlock
};

// Opaque handles to blocks declared in Plan and resolved at Bind.
struct ParamHandle {
  int index = -1;
};
struct BufferHandle {
  int index = -1;
};

// What Plan sees and declares. Implemented by the model.
class PlanContext {
 public:
  virtual int input_count() const = 0;
  // Shape of input i with the planned maximum batch as dim 0.
  virtual const Shape& input_shape(int i) const = 0;
  virtual size_t max_batch() const = 0;

  // A trainable parameter; fan_in / fan_out feed the initialiser.
  virtual ParamHandle AddParam(const char* name, const Shape& shape, ParamRole role, const InitSpec& init,
                               size_t fan_in, size_t fan_out) = 0;
  // Persistent, non-trainable values (e.g. batchnorm moving averages), set to
  // `initial` at Prepare; saved with the weights.
  virtual BufferHandle AddState(const char* name, size_t floats, float initial) = 0;
  // A per-model buffer the layer keeps between Forward and Backward (saved
  // activations, masks). Size it for max_batch().
  virtual BufferHandle AddBuffer(size_t floats) = 0;
  // Scratch valid only during one Forward or Backward call, shared by all
  // layers (the model keeps the largest request).
  virtual void RequestScratch(size_t floats) = 0;
  // Scratch for each worker of the model's thread pool, for layers that split
  // their work into chunks (ForwardArgs::pool): `floats` per worker, valid
  // only during one Forward or Backward call (the model keeps the largest
  // request). Contexts that never run the layer may ignore it.
  virtual void RequestWorkerScratch(size_t floats) { (void)floats; }
};

// Addresses of the blocks declared in Plan.
class BindContext {
 public:
  virtual float* param(ParamHandle h) const = 0;
  virtual float* grad(ParamHandle h) const = 0;
  virtual float* state(BufferHandle h) const = 0;
  virtual float* buffer(BufferHandle h) const = 0;
};

struct ForwardArgs {
  size_t batch;                // rows actually present (<= planned maximum)
  const float* const* inputs;  // inputs[i]: batch x per-item elements of input i
  float* output;               // batch x per-item elements of the output
  bool training;               // batch statistics, dropout masks, saved activations
  Rng* rng;                    // the model's RNG (dropout, noise)
  float* scratch;              // RequestScratch floats, 64-byte aligned
  // Stochastic layers (dropout, noise) sample even when not training:
  // Monte-Carlo dropout prediction with inference-mode batchnorm.
  bool stochastic = false;
  // The model's thread pool (include/mote/threads.h), or null: then the layer
  // runs on the calling thread with `scratch` alone. A layer splits its work
  // into chunks whose number does not depend on the thread count, so its
  // results are the same for every thread count. Worker w's scratch (its
  // RequestWorkerScratch floats) starts at worker_scratch + w * worker_stride.
  ThreadPool* pool = nullptr;
  float* worker_scratch = nullptr;
  size_t worker_stride = 0;
  // Predict / Evaluate (never with `training`): no Backward follows, so a
  // layer may skip what only Backward reads (Conv2D's kept columns) and take
  // paths meant for inference on a few rows.
  bool predict = false;
  // Changes whenever the model's parameters or state may have changed
  // (optimizer steps, training Forwards, the end of a Model::Writer,
  // Prepare); 0: unknown (a Writer is open, or no model). Layers keeping a
  // copy of their weights in another layout for predict (Conv2D's panels,
  // Dense's input-major copy, a folded PredictEpilogue) redo it when it differs from the one they made
  // the copy at, or is 0.
  uint64_t params_version = 0;
};

// Predict's fusion, the export's (src/export/lower.cc) done in the library: a
// Conv2D or Dense whose output feeds only a BatchNorm, whose output feeds only
// a ReLU, computes the three in one pass on a few rows (Layer::ForwardFused).
struct PredictEpilogue {
  // Per output channel y = x * scale + shift (its InferenceChannelAffine,
  // read again whenever params_version moves), or null: none.
  const Layer* affine = nullptr;
  // Then y = min(max(y, lo), hi).
  float lo = -__builtin_huge_valf(), hi = __builtin_huge_valf();
};

struct BackwardArgs {
  size_t batch;
  const float* const* inputs;   // as in the matching Forward
  const float* output;          // the Forward output
  const float* output_grad;     // dL/d output
  float* const* input_grads;    // dL/d input i, OVERWRITTEN; an entry is null when not needed
  float* scratch;
  ThreadPool* pool = nullptr;  // as in ForwardArgs
  float* worker_scratch = nullptr;
  size_t worker_stride = 0;
};

class Layer {
 public:
  virtual ~Layer() = default;
  // Short type name, e.g. "Conv2D".
  virtual const char* type() const = 0;
  // Number of inputs the layer takes (2 for Add).
  virtual int input_count() const { return 1; }
  // Computes the output shape (dim 0 = max batch) and declares memory.
  virtual Status Plan(PlanContext& ctx, Shape* output_shape) = 0;
  virtual void Bind(const BindContext& ctx) = 0;
  virtual void Forward(const ForwardArgs& args) = 0;
  // Adds (+=) parameter gradients into the grad blocks; overwrites input grads.
  virtual void Backward(const BackwardArgs& args) = 0;

  // Export (include/mote/lowering.h). A layer that is the identity at
  // inference (dropout, noise) vanishes from the exported graph; any other
  // becomes the runtime ops its Lower emits. Layers the runtime has no op for
  // keep the default, which fails.
  virtual bool identity_at_inference() const { return false; }
  virtual Status Lower(LoweringContext&) const { return Unsupported("export: a layer the runtime has no op for"); }

  // Predict's fusion (PredictEpilogue). A layer computing y = x * scale +
  // shift per channel at inference (BatchNorm) gives channel c's, in double
  // as the export folds them; a clamp at inference (ReLU) gives its bounds.
  virtual bool InferenceChannelAffine(size_t channel, double* scale, double* shift) const {
    (void)channel, (void)scale, (void)shift;
    return false;
  }
  virtual bool InferenceClamp(float* lo, float* hi) const {
    (void)lo, (void)hi;
    return false;
  }
  // A producer that fuses (Conv2D, Dense) takes the epilogue of the layers
  // after it (set by the model after Bind; Bind clears it) and returns true.
  virtual bool SetPredictEpilogue(const PredictEpilogue& epilogue) {
    (void)epilogue;
    return false;
  }
  // Predict with the epilogue: writes args.output as the last fused layer's
  // output, and returns true; false (nothing written) when this call cannot
  // (no epilogue, or the batch or backend takes the ordinary path: then the
  // model runs every layer's Forward).
  virtual bool ForwardFused(const ForwardArgs& args) {
    (void)args;
    return false;
  }
  // Whether the output is the input's floats unchanged (Flatten): Predict
  // skips the layer and its consumers read its input.
  virtual bool reshape_only() const { return false; }

  // Model files (include/mote/describe.h): writes the layer's model-file type
  // and every option it was constructed with. Layers without one keep the
  // default, which fails.
  virtual Status Describe(OptionWriter&) const { return Unsupported("describe: a layer without a model-file form"); }
};

}  // namespace mote
