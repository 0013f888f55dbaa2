// ONNX import: a model trained elsewhere (PyTorch's torch.onnx.export, Keras
// through tf2onnx, ...) -> a mote Model with its weights, which mote can then
// fine-tune, evaluate, save as a checkpoint (SaveCheckpoint stores its model
// file) and export to the runtime, fp32 or int8. docs/onnx.md lists the
// operators, the layout conversion and what is refused.
//
// Layout: mote is channels-last. An NCHW graph input [1, C, H, W] becomes
// mote's input [H, W, C]; convolution weights [O][I][kH][kW] become
// [O][kH][kW][I]; a Flatten / Reshape of an NCHW tensor feeding a Gemm or
// MatMul has that layer's weight columns permuted so that it sees the same
// values. Inputs to the imported model must therefore be given channels-last
// (for C = 1 that is the same order).
//
// The parsing is Debian's libonnx (protobuf); a mote built without it
// (meson option `onnx`) refuses every import with kUnsupported and says so.
// Errors: kCorruptData (not a ModelProto, inconsistent tensors, a node that
// reads a value nothing defines), kUnsupported (an operator, attribute or
// opset mote does not import; the message names the node and its op type),
// kShapeMismatch (dynamic or wrong-rank shapes), kIoError (unreadable file).
// On error the report's failed_node / failed_op name the node (when one is
// at fault) and *model must be discarded.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/fixed_quantization.h"
#include "mote/model.h"
#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

struct OnnxImportOptions {
  // The batch the model is prepared for (and the batch size its description
  // records for training).
  size_t batch_size = 32;
  uint64_t seed = 1;
  // A graph input or a node output of more values per example is refused
  // (kUnsupported): a file cannot make the import allocate without bound.
  size_t max_input_elements = size_t(1) << 24;
};

struct OnnxImportReport {
  int64_t opset = 0;  // of the default domain
  std::string producer;
  std::string input_name;
  std::vector<int64_t> onnx_input_shape;  // as declared, batch included (-1: symbolic batch)
  Shape input_shape;                      // mote's, per example
  bool channels_last_input = false;       // an NCHW input became [H, W, C]
  size_t onnx_nodes = 0;                  // nodes in the graph
  size_t layers = 0;                      // mote layers made
  // What the import did besides one layer per node: dropped nodes, fused
  // pairs, permuted weights, an output in channels-last order.
  std::vector<std::string> notes;
  // A quantized model's (QuantizeLinear / DequantizeLinear pairs, QLinearConv,
  // QLinearMatMul) int8 parameters, converted to mote's int8 scheme: pass
  // them as ExportOptions::fixed_quantization for an int8 export that runs
  // as the file says (no calibration). Empty for a float model.
  FixedQuantization quantization;
  // On error: the node at fault and its op type (empty when none is).
  std::string failed_node, failed_op;
};

// True when this build can read ONNX files.
bool OnnxImportAvailable();

// `size` bytes of a serialized ONNX ModelProto -> `model` (empty on entry:
// no inputs or layers yet), prepared for options.batch_size, with the
// ONNX initializers as its parameters and batchnorm statistics, a
// softmax cross-entropy loss (mean squared error when the output is not one
// vector per example) and plain SGD, so that DescribeModel / SaveCheckpoint
// write it. `report` may be null.
Status ImportOnnx(const uint8_t* data, size_t size, const OnnxImportOptions& options, Model* model,
                  OnnxImportReport* report);
// The same for a file.
Status ImportOnnxFile(const std::string& path, const OnnxImportOptions& options, Model* model,
                      OnnxImportReport* report);

}  // namespace mote
