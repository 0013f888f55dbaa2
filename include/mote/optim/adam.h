// Adam with bias correction (Goodfellow, Bengio and Courville, Deep
// Learning, 2016, Algorithm 8.7; Kingma and Ba 2015), optionally with AdamW's decoupled weight decay
// (Loshchilov and Hutter 2019).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// Defaults of Algorithm 8.7: epsilon (the learning rate) 0.001, rho1 0.9, rho2 0.999,
// delta 1e-8. With t = OptimizerStep::step (1 for the first update):
//   s <- rho1 s + (1 - rho1) g;        r <- rho2 r + (1 - rho2) g * g
//   s^ = s / (1 - rho1^t);             r^ = r / (1 - rho2^t)
//   theta <- theta - epsilon * s^ / (sqrt(r^) + delta)
// weight_decay = lambda > 0 adds AdamW's decoupled decay on the ranges with
// ParamRange::decay set (not on the others: biases, batchnorm), computed from
// the weights before this step and scaled by the learning rate (as PyTorch
// and Keras do; Loshchilov and Hutter's schedule multiplier eta_t is our
// epsilon):
//   theta <- theta - epsilon * (s^ / (sqrt(r^) + delta) + lambda * theta).
// Moments are updated on every range either way. t = 0 is treated as 1.
// State: two blocks, s then r.
class Adam final : public Optimizer {
 public:
  explicit Adam(float rho1 = 0.9f, float rho2 = 0.999f, float delta = 1e-8f, float weight_decay = 0.0f)
      : rho1_(rho1), rho2_(rho2), delta_(delta), weight_decay_(weight_decay) {}
  const char* type() const override { return weight_decay_ > 0.0f ? "AdamW" : "Adam"; }
  size_t StateFloats(size_t count) const override { return 2 * count; }
  void Step(const OptimizerStep& step) override;
  Status Describe(OptionWriter& out) const override;
  Probe ProbeStep(const OptimizerStep& step) const override;
  bool elementwise() const override { return true; }

  float rho1() const { return rho1_; }
  float rho2() const { return rho2_; }
  float delta() const { return delta_; }
  float weight_decay() const { return weight_decay_; }

 private:
  float rho1_, rho2_, delta_, weight_decay_;
};

}  // namespace mote
