// Small models covering every layer type ONNX export writes, shared by
// onnx_export_test.cc and onnx_export_fixtures.cc (whose files
// onnx_export_check.py checks with python3-onnx and a NumPy forward pass).
#pragma once
#include <memory>
#include <utility>
#include <vector>

#include "export_models.h"  // BuildEveryKind: test/export/
#include "mote/layers.h"
#include "mote/model.h"

namespace mote {
namespace testing {

// Conv2D same / explicit / valid, with and without bias, strides, LeakyReLU,
// Sigmoid, a bounded ReLU (Clip), Tanh, max and average pools with explicit padding, Flatten of an
// image read by a Dense only (columns permuted), Softmax on logits.
inline void BuildConvStack(Model& model) {
  model.Input(Shape(9, 7, 3), "pixels");
  model.Add(SameConv(4, 3, 2, true), {}, "conv_same");
  model.Add(std::make_unique<LeakyReLU>(0.2f), {}, "leaky");
  Conv2DOptions o;
  o.padding = Padding::kExplicit;
  o.pad_h = 1;
  o.pad_w = 0;
  o.use_bias = false;
  model.Add(std::make_unique<Conv2D>(5, 3, 2, o), {}, "conv_explicit");
  model.Add(std::make_unique<Sigmoid>(), {}, "sigmoid");
  model.Add(std::make_unique<MaxPool2D>(3, 3, 2, 1, Padding::kExplicit, 1, 1), {}, "max_explicit");
  model.Add(std::make_unique<ReLU>(0.625f), {}, "bounded_relu");  // Clip(0, 0.625) of sigmoid values
  model.Add(std::make_unique<AvgPool2D>(2, 2, 1, 2, Padding::kExplicit, 1, 1), {}, "avg_explicit");
  Conv2DOptions valid;
  model.Add(std::make_unique<Conv2D>(3, 2, 2, valid), {}, "conv_valid");
  model.Add(std::make_unique<Tanh>(), {}, "tanh");
  model.Add(std::make_unique<Flatten>(), {}, "flatten");
  model.Add(std::make_unique<Dropout>(0.7f), {}, "dropout");
  model.Add(std::make_unique<Dense>(4), {}, "dense");
  model.Add(std::make_unique<Softmax>(), {}, "softmax");
}

// Dense straight on an image (flattened by the layer) and a Flatten read
// by something else than a Dense (a Transpose to NHWC keeps mote's order);
// two outputs, one of them an image (NCHW in the graph) with a per-pixel
// softmax over the channels.
inline void BuildLayouts(Model& model) {
  const NodeId x = model.Input(Shape(4, 5, 2), "image");
  const NodeId conv = model.Add(std::make_unique<Conv2D>(3, 1, 1), {x}, "pointwise");
  const NodeId pixel_softmax = model.Add(std::make_unique<Softmax>(), {conv}, "pixel_softmax");
  model.Add(std::make_unique<Dense>(5), {x}, "dense_on_image");
  const NodeId relu = model.Add(std::make_unique<ReLU>(), {}, "relu");
  const NodeId flat = model.Add(std::make_unique<Flatten>(), {conv}, "flatten");
  model.Add(std::make_unique<Sigmoid>(), {flat}, "flat_sigmoid");
  const NodeId dense = model.Add(std::make_unique<Dense>(5), {}, "dense");
  const NodeId sum = model.Add(std::make_unique<Add>(), {relu, dense}, "sum");
  // Checked by the tests (output_count() == 2): the builders return nothing.
  (void)model.SetOutputs({sum, pixel_softmax});
}

// SimpleRNN, LSTM and GRU (sequences and last state), batchnorm over a
// sequence's features, Flatten and Dense of a sequence.
inline void BuildRecurrent(Model& model) {
  const NodeId x = model.Input(Shape(6, 3), "sequence");
  RecurrentOptions seq;
  seq.return_sequences = true;
  model.Add(std::make_unique<SimpleRNN>(4, seq), {x}, "rnn");
  model.Add(std::make_unique<BatchNorm>(), {}, "seq_bn");
  model.Add(std::make_unique<LSTM>(5, seq), {}, "lstm");
  const NodeId lstm = model.Add(std::make_unique<Tanh>(), {}, "lstm_tanh");
  model.Add(std::make_unique<GRU>(4), {lstm}, "gru");
  const NodeId gru = model.Add(std::make_unique<Dense>(3), {}, "gru_dense");
  RecurrentOptions no_bias;
  no_bias.use_bias = false;
  model.Add(std::make_unique<LSTM>(2, no_bias), {lstm}, "lstm_last");
  model.Add(std::make_unique<Dense>(3), {}, "lstm_dense");
  const NodeId lstm_out = model.Add(std::make_unique<Add>(), {gru, model.find("lstm_dense")}, "heads");
  model.Add(std::make_unique<Flatten>(), {x}, "flat_sequence");
  const NodeId flat = model.Add(std::make_unique<Dense>(3), {}, "flat_dense");
  model.Add(std::make_unique<Add>(), {lstm_out, flat}, "sum");
}

struct NamedModel {
  const char* name;
  void (*build)(Model&);
};

// BuildEveryKind (test/export/export_models.h): batchnorm on an image and
// on features, depthwise conv, a residual add, pools with "same" padding,
// global average pool, dropout and noise.
inline std::vector<NamedModel> OnnxExportModels() {
  return {{"conv_stack", BuildConvStack},
          {"every_kind", BuildEveryKind},
          {"layouts", BuildLayouts},
          {"recurrent", BuildRecurrent}};
}

}  // namespace testing
}  // namespace mote
