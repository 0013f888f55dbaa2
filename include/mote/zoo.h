// Ready-made networks used by the examples, benchmarks and tests.
#pragma once
#include <stddef.h>

#include "mote/model.h"

namespace mote {

struct SeedNetworkOptions {
  float batchnorm_momentum = 0.99f;
  float batchnorm_epsilon = 1e-3f;
  float learning_momentum = 0.9f;  // SGD momentum (Nesterov)
  bool nesterov = true;
  float label_smoothing = 0.0f;
  // Tanh instead of ReLU: a smooth network whose whole-model gradient check
  // is not spoiled by finite differences straddling ReLU kinks.
  bool tanh_activations = false;
  // Widths: filters of the three convolutions, units of the hidden dense
  // layer. Narrower widths keep every layer type, geometry and kernel path
  // (e.g. NarrowSeedNetworkOptions) at a fraction of the multiply-adds.
  size_t conv1_filters = 10;
  size_t conv2_filters = 40;
  size_t conv3_filters = 80;
  size_t dense_units = 50;
};

// The seed network at about 1/18 of its multiply-adds (4, 16, 8 filters, 16
// units) that still takes the same kernel paths: conv3's kernel rows stay
// >= 64 floats (border-column classes), the dense layer keeps >= 256 inputs
// (row dot products). What emulated test stages (qemu) train end to end.
SeedNetworkOptions NarrowSeedNetworkOptions();

// The seed network, the reference CNN the project is measured on (Fashion-MNIST
// in examples/fashion_mnist.cpp and ports/main-job.sh), for 28x28x1 images, 10
// classes (widths as in SeedNetworkOptions' defaults):
//   Conv2D(10, 5x5, stride 2, same, no bias) -> BN -> ReLU
//   Conv2D(40, 5x5, stride 2, same, no bias) -> BN -> ReLU
//   Conv2D(80, 5x5, stride 1, same, no bias) -> BN -> ReLU
//   Flatten -> Dense(50, no bias) -> BN -> ReLU -> Dense(10)
// with the softmax fused into a SoftmaxCrossEntropy loss and SGD with
// (Nesterov) momentum. Adds an input and the layers to an empty `model`;
// the caller Prepares it.
Status BuildSeedNetwork(Model& model, const SeedNetworkOptions& options = SeedNetworkOptions{});

enum class SequenceCell { kSimpleRnn, kLstm, kGru };
struct SequenceNetworkOptions {
  SequenceCell cell = SequenceCell::kLstm;
  size_t units = 128;
  float clip_norm = 5.0f;  // gradient clipping by global norm (0: off)
};
// Fashion-MNIST read as a sequence of 28 rows of 28 pixels (a many-to-one
// recurrent network: one prediction after the last row): Input [28, 28] "rows" -> SimpleRNN / LSTM / GRU (units,
// last state) named "rnn" / "lstm" / "gru" -> Dense(10) "logits", softmax
// fused into a SoftmaxCrossEntropy loss, Adam, clipping. The caller Prepares.
Status BuildSequenceNetwork(Model& model, const SequenceNetworkOptions& options = SequenceNetworkOptions{});
// "rnn", "lstm", "gru" -> the cell; kInvalidArgument otherwise.
Status ParseSequenceCell(const char* name, SequenceCell* cell);

}  // namespace mote
