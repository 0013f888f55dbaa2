#include "mote/zoo.h"

#include <memory>

#include "mote/layers.h"
#include "mote/optim/momentum.h"

namespace mote {

Status BuildSeedNetwork(Model& model, const SeedNetworkOptions& options) {
  if (model.node_count() != 0) return InvalidArgument("zoo: BuildSeedNetwork needs an empty model");
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
  model.Add(conv(10, 2), {}, "conv1");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn1");
  model.Add(activation(), {}, "act1");
  model.Add(conv(40, 2), {}, "conv2");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn2");
  model.Add(activation(), {}, "act2");
  model.Add(conv(80, 1), {}, "conv3");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn3");
  model.Add(activation(), {}, "act3");
  model.Add(std::make_unique<Flatten>(), {}, "flatten");
  model.Add(std::make_unique<Dense>(50, false), {}, "dense1");
  model.Add(std::make_unique<BatchNorm>(bn), {}, "bn4");
  model.Add(activation(), {}, "act4");
  model.Add(std::make_unique<Dense>(10), {}, "logits");
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>(options.label_smoothing));
  model.SetOptimizer(std::make_unique<Momentum>(options.learning_momentum, options.nesterov));
  return Status::Ok();
}

}  // namespace mote
