// Stochastic gradient descent (Goodfellow, Bengio and Courville, Deep
// Learning, 2016, Algorithm 8.1).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// theta <- theta - epsilon * g. Batch gradient descent is the same update with
// the whole data set as one batch, minibatch SGD with a minibatch. No state.
class Sgd final : public Optimizer {
 public:
  const char* type() const override { return "SGD"; }
  size_t StateFloats(size_t) const override { return 0; }
  void Step(const OptimizerStep& step) override;
  Status Describe(OptionWriter& out) const override;
  Probe ProbeStep(const OptimizerStep& step) const override;
  bool elementwise() const override { return true; }
};

}  // namespace mote
