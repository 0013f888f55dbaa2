// The model fuzz_checkpoint loads into and fuzz_corpus saves its seed
// checkpoint from: dense, batchnorm (state), dense, Adam (moments).
#pragma once
#include <memory>

#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optim/adam.h"

namespace mote {
namespace fuzz {

inline Status BuildCheckpointModel(Model& m) {
  m.Input(Shape(5), "x");
  m.Add(std::make_unique<Dense>(4), {}, "dense");
  m.Add(std::make_unique<BatchNorm>(), {}, "bn");
  m.Add(std::make_unique<Dense>(3), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Adam>());
  return m.Prepare(2);
}

}  // namespace fuzz
}  // namespace mote
