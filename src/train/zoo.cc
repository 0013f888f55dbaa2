#include "mote/zoo.h"

#include <memory>
#include <string>

#include "mote/layers.h"
#include "mote/optim/adam.h"
#include "mote/optim/momentum.h"

namespace mote {

SeedNetworkOptions NarrowSeedNetworkOptions() {
  SeedNetworkOptions o;
  o.conv1_filters = 4;
  o.conv2_filters = 16;  // conv3's kernel rows: 5 * 16 = 80 >= 64 floats
  o.conv3_filters = 8;   // dense1's inputs: 7 * 7 * 8 = 392 >= 256
  o.dense_units = 16;
  return o;
}

Status BuildSeedNetwork(Model& model, const SeedNetworkOptions& options) {
  if (model.node_count() != 0) return InvalidArgument("zoo: BuildSeedNetwork needs an empty model");
  if (options.conv1_filters == 0 || options.conv2_filters == 0 || options.conv3_filters == 0 ||
      options.dense_units == 0)
    return InvalidArgument("zoo: every seed network width must be at least 1");
  const BatchNormOptions bn{options.batchnorm_momentum, options.batchnorm_epsilon, true, true};
  auto conv = [](size_t filters, size_t stride) {
    Conv2DOptions o;
    o.stride_h = o.stride_w = stride;
    o.padding = Padding::kSame;
    o.use_bias = false;  // the following batchnorm's beta is the bias
    return std::make_unique<Conv2D>(filters, 5, 5, o);
  };
  auto activation = [&options]() -> std::unique_ptr<Layer> {
    if (options.tanh_activations) return std::make_unique<Tanh>();
    return std::make_unique<ReLU>();
  };
  model.Input(Shape(28, 28, 1), "image");
  model.Add(conv(options.conv1_filters, 2), {}, "conv1");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn1");
  model.Add(activation(), {}, "act1");
  model.Add(conv(options.conv2_filters, 2), {}, "conv2");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn2");
  model.Add(activation(), {}, "act2");
  model.Add(conv(options.conv3_filters, 1), {}, "conv3");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn3");
  model.Add(activation(), {}, "act3");
  model.Add(std::make_unique<Flatten>(), {}, "flatten");
  model.Add(std::make_unique<Dense>(options.dense_units, false), {}, "dense1");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn4");
  model.Add(activation(), {}, "act4");
  model.Add(std::make_unique<Dense>(10), {}, "logits");
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>(options.label_smoothing));
  model.SetOptimizer(std::make_unique<Momentum>(options.learning_momentum, options.nesterov));
  return Status::Ok();
}

Status ParseSequenceCell(const char* name, SequenceCell* cell) {
  const std::string n = name == nullptr ? "" : name;
  if (n == "rnn") {
    *cell = SequenceCell::kSimpleRnn;
  } else if (n == "lstm") {
    *cell = SequenceCell::kLstm;
  } else if (n == "gru") {
    *cell = SequenceCell::kGru;
  } else {
    return InvalidArgument("zoo: the sequence cell must be rnn, lstm or gru");
  }
  return Status::Ok();
}

Status BuildSequenceNetwork(Model& model, const SequenceNetworkOptions& options) {
  if (model.node_count() != 0) return InvalidArgument("zoo: BuildSequenceNetwork needs an empty model");
  if (options.units == 0) return InvalidArgument("zoo: a sequence network needs at least one unit");
  model.Input(Shape(28, 28), "rows");
  switch (options.cell) {
    case SequenceCell::kSimpleRnn:
      model.Add(std::make_unique<SimpleRNN>(options.units), {}, "rnn");
      break;
    case SequenceCell::kLstm:
      model.Add(std::make_unique<LSTM>(options.units), {}, "lstm");
      break;
    case SequenceCell::kGru:
      model.Add(std::make_unique<GRU>(options.units), {}, "gru");
      break;
  }
  model.Add(std::make_unique<Dense>(10), {}, "logits");
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Adam>());
  return model.SetGradientClipNorm(options.clip_norm);
}

}  // namespace mote
