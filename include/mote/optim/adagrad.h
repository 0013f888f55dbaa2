// AdaGrad (Goodfellow, Bengio and Courville, Deep Learning, 2016,
// Algorithm 8.4; Duchi, Hazan and Singer 2011).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// r <- r + g * g;  theta <- theta - epsilon / (delta + sqrt(r)) * g
// (element-wise). delta: small constant for numerical stability, the
// book's 1e-7. State: one block, the squared-gradient sum r.
// Written as "Delta theta <- epsilon / (delta + sqrt(r)) g" the minus sign is
// easy to lose; AdaGrad descends, so the update subtracts.
class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(float delta = 1e-7f) : delta_(delta) {}
  const char* type() const override { return "AdaGrad"; }
  size_t StateFloats(size_t count) const override { return count; }
  void Step(const OptimizerStep& step) override;
  Status Describe(OptionWriter& out) const override;
  Probe ProbeStep(const OptimizerStep& step) const override;
  bool elementwise() const override { return true; }

  float delta() const { return delta_; }

 private:
  float delta_;
};

}  // namespace mote
