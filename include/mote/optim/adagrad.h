// AdaGrad (seed 001, Algorithm 8.4; Duchi, Hazan and Singer 2011).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// r <- r + g * g;  theta <- theta - epsilon / (delta + sqrt(r)) * g
// (element-wise). delta: small constant for numerical stability, seed
// default 1e-7. State: one block, the squared-gradient sum r.
// The seed slide prints "Delta theta <- epsilon / (delta + sqrt(r)) g" with
// the minus sign missing; the cited algorithm (Goodfellow et al., Deep
// Learning, Alg. 8.4) and the seed's AdaGrad motivation descend, so the
// update subtracts.
class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(float delta = 1e-7f) : delta_(delta) {}
  const char* type() const override { return "AdaGrad"; }
  size_t StateFloats(size_t count) const override { return count; }
  void Step(const OptimizerStep& step) override;

  float delta() const { return delta_; }

 private:
  float delta_;
};

}  // namespace mote
