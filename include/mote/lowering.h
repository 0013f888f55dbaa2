// Lowering: how a layer becomes runtime ops at export. Two parts:
//  - the export graph (the intermediate representation every export step
//    works on: ExportTensor, ExportOp, ExportGraph), whose ops and tensors are
//    the model file's (include/mote/model_format.h);
//  - LoweringContext, what a layer's Lower hook (include/mote/layer.h) sees
//    of the graph being built: its inputs, its parameters, and ways to add
//    constants and ops. LowerModel (src/export/lower.cc) implements it.
// This header sits between the layers and export (docs/design.md): it needs
// only core types and the model format, so a layer can lower itself without
// depending on the model, the export steps or the runtime. Host only.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "mote/layer.h"
#include "mote/model_format.h"
#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

// ---- the intermediate representation ------------------------------------------
// One tensor of the exported graph: a constant (weights, biases,
// requantization tables) or an activation living in the arena.
struct ExportTensor {
  std::string name;
  MoteDType dtype = MOTE_DTYPE_F32;
  MoteTensorKind kind = MOTE_TENSOR_ACTIVATION;
  std::vector<uint32_t> dims;  // per example (batch 1), rank 1..4: {F} or {H, W, C}
  std::vector<uint8_t> data;   // constants: the little-endian bytes
  float scale = 0.0f;          // int8 activations: real = scale * (q - zero_point)
  int32_t zero_point = 0;
  uint32_t offset = 0;         // activations: arena offset, set by PlanMemory
  NodeId source = -1;          // activations: the model node whose output this is (calibration)

  size_t elements() const;
  size_t bytes() const;  // elements * dtype size
};

// One runtime op (see MoteOpType for inputs and params of each type).
struct ExportOp {
  MoteOpType type = MOTE_OP_TYPE_END;
  MoteActivation activation = MOTE_ACT_NONE;
  float act_min, act_max;    // fused clamp (int8: exact int8 values)
  std::vector<int> inputs;   // tensor indices
  int output = -1;
  int32_t params[8] = {};
  uint32_t scratch_offset = 0, scratch_bytes = 0;  // scratch_bytes set by PlanMemory
  std::string name;          // the layers it came from, e.g. "conv1+bn1+act1"
  bool trainable = false;    // the trainable tail (stays float through QuantizeGraph)
  bool bias_trainable = false;  // its bias trains on the device too (also stays float)
  bool weights_trainable = false;  // ... and its weights (the layer before the tail, trainable layers = 2)

  ExportOp();
};

struct ExportGraph {
  std::vector<ExportTensor> tensors;
  std::vector<ExportOp> ops;  // run in this order
  std::vector<int> inputs, outputs;  // tensor indices (model inputs / outputs, float)
  uint32_t arena_bytes = 0;   // set by PlanMemory
  bool int8 = false;          // QuantizeGraph ran
  // The trainable tail (MOTE_MODEL_FLAG_TRAINABLE) when one op is marked
  // `trainable`: the loss, optimizer and hyperparameters of `train` are set
  // by the exporter, its op index, arena offsets and sizes by PlanMemory.
  MoteTrainRecord train = {};

  int AddTensor(ExportTensor tensor);  // returns its index
};

// ---- what a layer's Lower hook sees ------------------------------------------------
// Everything is about one node, the one being lowered; its inputs are already
// lowered. Tensors are indices into the graph's tensors.
class LoweringContext {
 public:
  // The node's name (ops and constants are named after it, e.g. "conv1/kernel").
  virtual const std::string& node_name() const = 0;
  // The tensor holding input i's value, and its per-example shape.
  virtual int input(int i) const = 0;
  virtual Shape input_shape(int i) const = 0;
  // The node's parameter / persistent state `name` (e.g. "kernel",
  // "moving_mean"), or null when the layer has none of that name.
  virtual const float* param(const char* name) const = 0;
  virtual const float* state(const char* name) const = 0;

  virtual int AddFloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                               const std::vector<float>& values) = 0;
  // A new op writing the node's output (a new float activation of its shape,
  // calibrated from it); *op stays valid until the next Emit.
  virtual Status Emit(MoteOpType type, std::vector<int> inputs, ExportOp** op) = 0;
  // Fusion: when the op producing input 0 has one of `types` and nothing else
  // reads its output, the node joins it (the op's output becomes the node's,
  // its name gains "+node") and it is returned; otherwise null, nothing changed.
  virtual ExportOp* AbsorbIntoProducer(std::initializer_list<MoteOpType> types) = 0;
  // Folds y = x * scale[c] + shift[c] (c the last-dim channel) into the
  // weights and bias of the CONV2D / DEPTHWISE_CONV2D / DENSE that alone
  // produces input 0 and has no clamp yet, as AbsorbIntoProducer; false when
  // there is no such op (nothing changed).
  virtual bool FoldChannelAffine(const std::vector<double>& scale, const std::vector<double>& shift) = 0;

 protected:
  ~LoweringContext() = default;
};

// The node's "kernel" (kernel_floats values) and "bias" (channels values,
// zeros when the layer has no bias), for layers whose op takes both.
inline Status ReadKernelAndBias(const LoweringContext& ctx, size_t kernel_floats, size_t channels,
                                std::vector<float>* kernel, std::vector<float>* bias) {
  const float* k = ctx.param("kernel");
  if (k == nullptr) return InvalidArgument("export: a layer without its kernel (model not prepared?)");
  kernel->assign(k, k + kernel_floats);
  bias->assign(channels, 0.0f);
  if (const float* b = ctx.param("bias")) bias->assign(b, b + channels);
  return Status::Ok();
}

}  // namespace mote
