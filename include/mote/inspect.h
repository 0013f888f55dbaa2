// Inspect: what an exported model costs on the board, read from
// the model bytes through the runtime's own loader (include/mote/rt.h), so
// it describes exactly what the board runs. Host only.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/model_format.h"
#include "mote/status.h"

namespace mote {

struct InspectOp {
  std::string op;                // "conv2d", "dense", ...
  std::vector<uint32_t> shape;   // output, per example
  MoteDType dtype = MOTE_DTYPE_F32;  // of the output
  uint64_t macs = 0;             // multiply-accumulates (conv, depthwise, dense; 0 for the rest)
  uint64_t param_bytes = 0;      // constants the op reads (weights, bias, requant table)
  uint32_t scratch_bytes = 0;
  std::string activation;        // "none", "relu", "relu6"
  // int8 outputs: real = scale * (q - zero_point); weight scales of int8
  // conv / dense, recovered from the requantization table (0 otherwise).
  float scale = 0.0f;
  int32_t zero_point = 0;
  float weight_scale_min = 0.0f, weight_scale_max = 0.0f;
};

struct InspectReport {
  std::vector<InspectOp> ops;
  std::vector<std::vector<uint32_t>> input_shapes, output_shapes;
  bool int8 = false;
  uint64_t model_bytes = 0;          // flash for the model
  uint64_t arena_bytes = 0;          // RAM for activations and scratch
  uint64_t runtime_state_bytes = 0;  // RAM: sizeof(mote_rt_model)
  uint64_t macs = 0, param_bytes = 0;
  int64_t runtime_text_bytes = -1;   // flash for the runtime code of a port, -1 when unknown
  // The trainable tail (on-device training), else trainable_op is -1.
  int trainable_op = -1;             // index of its dense op
  std::string optimizer;             // "sgd", "momentum", "nesterov", "adam"
  uint64_t trainable_params = 0;     // weights + biases the device trains
  // Arena bytes of the training blocks (included in arena_bytes): the
  // parameters, their gradients, the optimizer state, the loss gradient.
  uint64_t train_params_bytes = 0, train_grads_bytes = 0, train_state_bytes = 0, train_scratch_bytes = 0;
  // MACs of one mote_rt_train_step: the forward pass plus the tail's weight
  // gradient (Cout x F); the update then touches each trainable parameter once.
  uint64_t train_step_macs = 0;
};

// Errors: kCorruptData with the loader's message for bytes the runtime rejects.
Status InspectModel(const void* bytes, size_t len, InspectReport* report);

// The runtime's code size from `arg`: a byte count ("5120"), or the path of
// a file with `arm-none-eabi-size` (Berkeley format) output: the text of its
// "(TOTALS)" line (size -t), else the sum of its lines (an archive lists one
// line per object).
// Errors: kIoError (unreadable file), kCorruptData (no size in it).
Status ParseRuntimeText(const std::string& arg, int64_t* text_bytes);

// A table (one line per op, then the totals) and one JSON object.
std::string FormatInspectText(const InspectReport& report);
std::string FormatInspectJson(const InspectReport& report);

}  // namespace mote
