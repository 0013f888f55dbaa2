// Export: a prepared, trained mote::Model -> the flat model
// file the runtime reads (include/mote/model_format.h, include/mote/rt.h).
//
// The pipeline, each step usable on its own (tests drive them one by one):
//   LowerModel      layers -> runtime ops (float), each layer through its
//                   Lower hook (include/mote/lowering.h): BatchNorm folded
//                   into the preceding Conv2D / Dense (a standalone one becomes
//                   CHANNEL_AFFINE), Dropout and GaussianNoise dropped, ReLU
//                   fused into the producing op's clamp, Flatten -> RESHAPE.
//   QuantizeGraph   int8 post-training quantization from calibration
//                   examples, or with parameters given (a quantized ONNX
//                   model's: FixedQuantization) (optional).
//   PlanMemory      activation arena offsets from tensor lifetimes, plus each
//                   op's scratch (the im2col tile).
//   SerializeGraph  the bytes (via the runtime's model writer).
// ExportModel runs them all. Host only (std::vector, std::string); nothing
// here runs on the board.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/fixed_quantization.h"
#include "mote/lowering.h"
#include "mote/model.h"
#include "mote/model_format.h"
#include "mote/status.h"

namespace mote {

// ---- options and report ---------------------------------------------------------
// A trainable tail for on-device training (mote_rt_train_step in
// include/mote/rt.h; the record is MoteTrainRecord in model_format.h): the
// last `trainable_layers` parameterised layers (1: the last dense layer, fp32
// even in an int8 export, where a DEQUANTIZE feeds it), trained with
// softmax cross-entropy on its logits and this optimizer, the training
// library's formulas. The arena plan reserves its weights, gradients,
// optimizer state and the activations the backward pass reads.
struct ExportTraining {
  // 0: none; 1: the last dense layer; 2: the last two, when a dense layer
  // feeds the last one directly (more, or another layer: kUnsupported).
  size_t trainable_layers = 0;
  // Bias-only updates of earlier layers: 1 also trains the bias of the dense
  // layer feeding the tail (its weights stay frozen in flash); more, or a
  // layer that is not a float dense one: kUnsupported.
  size_t bias_layers = 0;
  MoteOptimizerType optimizer = MOTE_OPTIMIZER_SGD;
  float learning_rate = 0.01f;  // the initial one (mote_rt_set_learning_rate changes it)
  float momentum = 0.9f;        // MOMENTUM, NESTEROV
  float rho1 = 0.9f, rho2 = 0.999f, delta = 1e-8f;  // ADAM (mote::Adam's defaults)
  float label_smoothing = 0.0f;
};

struct ExportOptions {
  // Scratch budget of one fp32 CONV2D im2col tile: as many im2col rows (one
  // per output pixel) as fit, or when not even one does, one kernel row of
  // one pixel (MOTE_CONV2D_KERNEL_ROW_TILES). An int8 conv's tile is always a
  // pair of rows (kernels::I8ConvRowsColumnBytes).
  size_t max_tile_bytes = 1024;
  // The host layout (`mote export --target host`): every CONV2D's weights in
  // output-channel panels (MOTE_CONV2D_WEIGHTS_PANELS; the runtime of a
  // microcontroller refuses the file); fp32 convs read their input padded
  // left and right in the scratch (no im2col), int8 ones get an im2col tile
  // of as many rows as fit max_tile_bytes (at least one).
  bool host_layout = false;
  // int8 post-training quantization, calibrated on `calibration_count`
  // examples: calibration[i] points to the examples of model input i, one
  // after another (the model's per-example layout).
  bool int8 = false;
  std::vector<const float*> calibration;
  size_t calibration_count = 0;
  // int8 parameters given, not calibrated (an imported quantized ONNX model:
  // OnnxImportReport::quantization): they replace the calibrated ones of the
  // activations and weights they name. Without calibration data
  // (calibration_count 0) every int8 activation must be named.
  FixedQuantization fixed_quantization;
  ExportTraining training;
};

// What went wrong beyond the static Status message (e.g. the layer that has
// no runtime op), and what was produced.
struct ExportReport {
  std::string failed_node;        // the node a lowering error is about, else empty
  std::string failed_layer_type;  // its layer type, e.g. "LeakyReLU"
  uint32_t model_bytes = 0;
  uint32_t arena_bytes = 0;
};

// ---- the steps -------------------------------------------------------------------
// Float ops for a prepared model. Errors: kInvalidArgument (not prepared),
// kUnsupported (a layer the runtime has no op for; report->failed_node names
// it), kShapeMismatch (a shape the format cannot hold).
Status LowerModel(const Model& model, ExportGraph* graph, ExportReport* report = nullptr);

// Marks the trainable tail of a float graph (before QuantizeGraph, which
// then keeps it float) and fills graph->train's loss and optimizer; nothing
// when training.trainable_layers is 0. Errors: kUnsupported (more than one
// layer, or model output 0 not made by a dense layer without an activation),
// kInvalidArgument (a hyperparameter out of range).
Status MarkTrainableTail(const ExportTraining& training, ExportGraph* graph);

// Calibration: runs `count` examples through the model (inference mode, in
// batches of at most its max_batch) and records min / max of every exported
// activation, widened to include 0. range[t] = {min, max} per tensor index
// (unused entries {0, 0}).
Status CalibrateRanges(Model& model, const ExportGraph& graph, const std::vector<const float*>& inputs,
                       size_t count, std::vector<std::pair<float, float>>* ranges);

// int8 from a float graph and calibrated ranges: per-tensor asymmetric
// activations, per-channel symmetric weights, int32 bias with the input zero
// point folded in, requantization tables; QUANTIZE after float inputs,
// DEQUANTIZE before float-only ops (SOFTMAX, CHANNEL_AFFINE) and at outputs.
Status QuantizeGraph(const std::vector<std::pair<float, float>>& ranges, ExportGraph* graph);
// The same with `fixed` parameters for the activations (by their source node)
// and kernels (by layer) it names; `ranges` may be empty when it names every
// int8 activation. `model` is the one `graph` was lowered from (its node
// names). Errors: kInvalidArgument (an int8 activation with neither, a scale
// not > 0, a zero point outside int8), kUnsupported (a kernel that is not its
// scales times integers in [-128, 127], e.g. asymmetric weights whose zero
// point does not fit; the message names the layer).
Status QuantizeGraph(const std::vector<std::pair<float, float>>& ranges, const FixedQuantization& fixed,
                     const Model& model, ExportGraph* graph);

// Scratch sizes (the CONV2D im2col tile) and arena offsets: tensors alive at
// the same time never overlap, RESHAPE aliases its input, every offset is
// 16-aligned; graph->arena_bytes is the end of the highest block.
Status PlanMemory(ExportGraph* graph, size_t max_tile_bytes = 1024);

// The host layout (ExportOptions::host_layout): MarkHostLayout before
// PlanMemory flags every CONV2D but the trainable ones (int8 ones whose
// kernel rows are not whole 4-byte groups as padded rows; the planner then
// gives them a padded input); PackHostLayout after it rewrites their weights
// into panels (kernels::PackF32Panels / PackI8Panels) and transposes the
// weights of every fp32 DENSE but the trainable ones
// (MOTE_DENSE_WEIGHTS_INPUT_MAJOR); int8 ones get their weight sums and
// channel blocks (MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS, kernels::PackI8DenseBlocks).
void MarkHostLayout(ExportGraph* graph);
Status PackHostLayout(ExportGraph* graph);

// The model file. Errors: kOutOfRange (beyond the format's uint32 / uint16
// limits), kInvalidArgument (an inconsistent graph).
Status SerializeGraph(const ExportGraph& graph, std::vector<uint8_t>* bytes);

// All of the above.
Status ExportModel(Model& model, const ExportOptions& options, std::vector<uint8_t>* bytes,
                   ExportReport* report = nullptr);

// ExportModel into a file at `path` (kIoError naming nothing but the failure
// when it cannot be written; the file is not left half-written on a failed
// export, which writes nothing).
Status ExportModelToFile(Model& model, const ExportOptions& options, const std::string& path,
                         ExportReport* report = nullptr);

// Options for an int8 export calibrated on the first min(count, data.size())
// items of `data` (a data set of the model's single input), so that the
// calibration buffer's size comes from the data set.
ExportOptions Int8CalibratedOn(const Dataset& data, size_t count);

// ---- C array ------------------------------------------------------------------------
// A header declaring `extern const unsigned char NAME[]; extern const
// unsigned int NAME_len;` and a C source defining them with `bytes`, the array
// 16-byte aligned. `name` must be a C identifier (kInvalidArgument otherwise);
// `header_name` is what the source #includes.
Status WriteCArray(const std::string& name, const std::string& header_name, const std::vector<uint8_t>& bytes,
                   std::string* header, std::string* source);

// ---- numeric helpers (exposed for tests) ----------------------------------------------
// Per-tensor asymmetric int8 parameters for a range widened to include 0.
void ChooseActivationParams(float min, float max, float* scale, int32_t* zero_point);
// multiplier in [2^30, 2^31) and shift in [1, 62] with multiplier * 2^-shift
// closest to `real` (> 0); kOutOfRange when `real` is outside what that holds.
Status QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift);

}  // namespace mote
