// ONNX export: a prepared, trained mote::Model as an ONNX model (opset 13,
// IR version 7), so it opens in Netron, runs in onnxruntime and comes back
// into mote through the importer (docs/onnx.md, "Export to ONNX").
//
// What is written is the training library's graph in fp32, layer by layer,
// not the runtime's lowered one: BatchNorm stays a BatchNormalization node
// with its moving statistics (nothing folded), so a model that goes to ONNX
// and back is the same model and stays trainable. Dropout and GaussianNoise,
// the identity at inference, are left out.
//
// Layout: ONNX's (and PyTorch's) NCHW. A model input or output of shape
// [H, W, C] per example is [N, C, H, W] in the ONNX graph, every image
// tensor in between too; weights are permuted to ONNX's layouts (Conv W
// [C_out][C_in][kh][kw]; Gemm B stays mote's [units][features] with
// transB = 1). A Flatten of an image whose only readers are Dense layers
// flattens in ONNX's (c, h, w) order and those layers' weight columns are
// permuted to match (the graph PyTorch exports); a Flatten read by anything
// else gets a Transpose to NHWC first, so its values keep mote's (h, w, c)
// order. Other tensors keep mote's shapes with the batch in front.
//
// Layers -> nodes: Conv2D -> Conv; DepthwiseConv2D -> Conv (group = C);
// Dense -> Gemm (a Flatten first on rank > 1 inputs); BatchNorm ->
// BatchNormalization (transposed around it for [N, T, F]); ReLU, LeakyReLU,
// Sigmoid, Tanh, Softmax (over the channels) -> the same ops; MaxPool2D,
// AvgPool2D -> MaxPool, AveragePool (padding "same" -> auto_pad SAME_UPPER,
// TensorFlow's rule; padding never counted or taken as a maximum, as in
// mote); GlobalAveragePool -> GlobalAveragePool + Flatten; Flatten ->
// Flatten; Add -> Add; SimpleRNN, LSTM, GRU -> RNN, LSTM, GRU (sequence-major,
// between Transposes, Squeeze of the output). Gates: LSTM (i, f, g, o) ->
// ONNX (i, o, f, c); GRU is linear_before_reset = 0 (mote's GRU applies the
// reset gate before the recurrent product, as Cho et al.), and since ONNX's
// update gate weighs the old state where mote's weighs the candidate, the
// update gate's weights and bias are negated (sigmoid(-a) = 1 - sigmoid(a),
// exact). Host only.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/model.h"
#include "mote/status.h"

namespace mote {

inline constexpr int64_t kOnnxOpset = 13;
inline constexpr int64_t kOnnxIrVersion = 7;  // the IR version of opset 13 (ONNX 1.8 and later read it)

struct OnnxExportOptions {
  // Dim 0 of every graph input and output: 0 writes a symbolic dimension
  // "batch" (any batch size), N > 0 a fixed N.
  size_t batch = 0;
  // Stored as the model's metadata "mote.model_file" when not empty: the
  // model file text (loss, optimizer, initializers, normalization) that the
  // graph alone does not carry.
  std::string model_file_text;
  std::string graph_name = "mote";
};

struct OnnxExportReport {
  std::string failed_node;        // the node an error is about, else empty
  std::string failed_layer_type;  // its layer type, e.g. "Conv2D"
  size_t nodes = 0;               // ONNX nodes written
  size_t initializers = 0;        // ONNX initializers (weights, statistics, constants)
};

// Whether this build has the ONNX libraries (meson option `onnx`); without
// them ExportOnnx returns kUnsupported.
bool OnnxSupported();

// The ONNX model's protobuf bytes. Errors: kInvalidArgument (model not
// prepared), kUnsupported (a layer without an ONNX form, e.g. one that has
// no model-file description; the message and report name it), kOutOfRange
// (beyond protobuf's 2 GiB).
Status ExportOnnx(const Model& model, const OnnxExportOptions& options, std::vector<uint8_t>* bytes,
                  OnnxExportReport* report = nullptr);

// ExportOnnx into a file (nothing written on a failed export; kIoError when
// the file cannot be written, and then no partial file is left).
Status ExportOnnxToFile(const Model& model, const OnnxExportOptions& options, const std::string& path,
                        OnnxExportReport* report = nullptr);

}  // namespace mote
