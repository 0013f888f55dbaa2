// RMSProp and RMSProp with Nesterov momentum (Goodfellow, Bengio and
// Courville, Deep Learning, 2016, Algorithms 8.5 and 8.6).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// rho: decay rate of the squared-gradient average (the book gives no default;
// 0.9 as in Hinton's lecture 6e and Keras). delta: stabilizer, the book's
// 1e-6. alpha = momentum.
//
// momentum == 0: RMSProp, Algorithm 8.5 exactly:
//   r <- rho r + (1 - rho) g * g;   theta <- theta - epsilon / sqrt(delta + r) * g.
// (Some course notes write epsilon / (delta + sqrt(r)); we follow the
// algorithm: delta inside the root.)
// State: one block, r.
//
// momentum > 0: RMSProp with Nesterov momentum, Algorithm 8.6:
//   theta~ <- theta + alpha v;  g = g(theta~);  r <- rho r + (1 - rho) g * g;
//   v <- alpha v - epsilon / sqrt(r) * g;  theta <- theta + v.
// Two choices, both documented in src/optim/rmsprop.cc:
//  * delta is kept inside the root, epsilon / sqrt(delta + r), as in 8.5: the
//    algorithm's epsilon / sqrt(r) is 0/0 = NaN for a parameter whose gradient
//    has always been 0 (e.g. behind a dead ReLU). delta = 0 gives Algorithm 8.6
//    exactly.
//  * As for Momentum(nesterov = true) (see mote/optim/momentum.h), the buffer
//    holds the look-ahead point Theta = theta + alpha v, so the model's
//    gradient is g(theta~). With u = epsilon / sqrt(delta + r) * g one step is
//      v' <- alpha v - u;   Theta' <- Theta + alpha v' - u,
//    which keeps Theta_k = theta_k + alpha v_k for every k (v_0 = 0).
// State: two blocks, r then v.
class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(float rho = 0.9f, float delta = 1e-6f, float momentum = 0.0f)
      : rho_(rho), delta_(delta), momentum_(momentum) {}
  const char* type() const override { return momentum_ > 0.0f ? "RMSPropNesterov" : "RMSProp"; }
  size_t StateFloats(size_t count) const override { return momentum_ > 0.0f ? 2 * count : count; }
  void Step(const OptimizerStep& step) override;
  Status Describe(OptionWriter& out) const override;
  Probe ProbeStep(const OptimizerStep& step) const override;
  bool elementwise() const override { return true; }

  float rho() const { return rho_; }
  float delta() const { return delta_; }
  float momentum() const { return momentum_; }

 private:
  float rho_, delta_, momentum_;
};

}  // namespace mote
