// SGD with momentum and with Nesterov momentum (Goodfellow, Bengio and
// Courville, Deep Learning, 2016, Algorithms 8.2 and 8.3).
#pragma once
#include "mote/optimizer.h"

namespace mote {

// alpha = momentum (usually 0.8 or 0.9), epsilon = learning rate.
// State: one block, the velocity v (zero at Prepare).
//
// Momentum (nesterov = false), exactly Algorithm 8.2:
//   v <- alpha v - epsilon g(theta);   theta <- theta + v.
//
// Nesterov (nesterov = true). Algorithm 8.3 writes
//   v <- alpha v - epsilon g(theta + alpha v);   theta <- theta + v,
// which needs the gradient at the look-ahead point theta + alpha v, but the
// model computes gradients at the weights it holds. So the buffer holds the
// look-ahead point  Theta = theta + alpha v  instead of theta (the standard
// reparametrisation of Bengio, Boulanger-Lewandowski and Pascanu 2012,
// "Advances in optimizing recurrent networks", also used by Sutskever et al.
// 2013), and one step with g = g(Theta) is
//   v'     <- alpha v - epsilon g
//   Theta' <- Theta + alpha v' - epsilon g      (= Theta + v' + alpha (v' - v))
// Because Theta' = theta' + alpha v', this is Algorithm 8.3, step for step:
// with v = 0 at the start, Theta_0 = theta_0, and after every step the buffer
// holds theta_k + alpha v_k, the velocity buffer holds v_k exactly. The book's
// theta_k is Theta_k - alpha v_k; the two agree once training has converged
// (v -> 0), and the stored weights are the ones whose loss was last measured.
class Momentum final : public Optimizer {
 public:
  explicit Momentum(float momentum = 0.9f, bool nesterov = false) : momentum_(momentum), nesterov_(nesterov) {}
  const char* type() const override { return nesterov_ ? "Nesterov" : "Momentum"; }
  size_t StateFloats(size_t count) const override { return count; }
  void Step(const OptimizerStep& step) override;
  Status Describe(OptionWriter& out) const override;
  Probe ProbeStep(const OptimizerStep& step) const override;
  bool elementwise() const override { return true; }

  float momentum() const { return momentum_; }
  bool nesterov() const { return nesterov_; }

 private:
  float momentum_;
  bool nesterov_;
};

}  // namespace mote
