// Optimizers, exactly as the seed lectures write them (../shared/seeds/001,
// 004). Every optimizer updates the model's one parameter buffer in place,
// one pass over a list of ranges (frozen parameters are simply not in the
// list), with its state in one buffer sized at Prepare: no allocation per step.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {

// A contiguous run of parameters updated together.
struct ParamRange {
  size_t begin, end;     // element indices into the parameter buffer
  bool decay;            // receives decoupled weight decay (AdamW-style) when enabled
};

struct OptimizerStep {
  float* params;             // the whole parameter buffer
  const float* grads;        // gradients, same indexing (regularization already added)
  float* state;              // StateFloats(count) floats, zero at Prepare
  size_t count;              // parameter count
  const ParamRange* ranges;  // ranges to update (sorted, disjoint)
  size_t range_count;
  float learning_rate;       // from the schedule, this step
  uint64_t step;             // 1 for the first update (Adam's bias correction)
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual const char* type() const = 0;
  // Floats of state per model of `count` parameters (e.g. 2 * count for Adam).
  virtual size_t StateFloats(size_t count) const = 0;
  virtual void Step(const OptimizerStep& step) = 0;
};

// Plain (minibatch) SGD: w -= lr * g. Full-batch gradient descent is the same
// update with the whole data set as one batch.
class Sgd final : public Optimizer {
 public:
  const char* type() const override { return "SGD"; }
  size_t StateFloats(size_t) const override { return 0; }
  void Step(const OptimizerStep& step) override;
};

// SGD with momentum: v = alpha v - lr g; w += v. With nesterov, the seeds'
// (Sutskever) form in terms of the current weights: w += alpha v - lr g after
// the velocity update (see src/optim/momentum.cc for the derivation).
class Momentum final : public Optimizer {
 public:
  explicit Momentum(float momentum = 0.9f, bool nesterov = false) : momentum_(momentum), nesterov_(nesterov) {}
  const char* type() const override { return nesterov_ ? "Nesterov" : "Momentum"; }
  size_t StateFloats(size_t count) const override { return count; }
  void Step(const OptimizerStep& step) override;

 private:
  float momentum_;
  bool nesterov_;
};

// AdaGrad: r += g*g; w -= lr / (delta + sqrt(r)) * g.
class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(float delta = 1e-7f) : delta_(delta) {}
  const char* type() const override { return "AdaGrad"; }
  size_t StateFloats(size_t count) const override { return count; }
  void Step(const OptimizerStep& step) override;

 private:
  float delta_;
};

// RMSProp: r = rho r + (1 - rho) g*g; w -= lr / sqrt(delta + r) * g.
// With momentum > 0: the seeds' RMSProp with Nesterov momentum.
class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(float rho = 0.9f, float delta = 1e-6f, float momentum = 0.0f)
      : rho_(rho), delta_(delta), momentum_(momentum) {}
  const char* type() const override { return momentum_ > 0.0f ? "RMSPropNesterov" : "RMSProp"; }
  size_t StateFloats(size_t count) const override { return momentum_ > 0.0f ? 2 * count : count; }
  void Step(const OptimizerStep& step) override;

 private:
  float rho_, delta_, momentum_;
};

// Adam with bias correction: s = rho1 s + (1 - rho1) g; r = rho2 r + (1 - rho2) g*g;
// w -= lr * (s / (1 - rho1^t)) / (delta + sqrt(r / (1 - rho2^t))).
// weight_decay > 0 adds AdamW's decoupled decay w -= lr * wd * w on decay ranges.
class Adam final : public Optimizer {
 public:
  explicit Adam(float rho1 = 0.9f, float rho2 = 0.999f, float delta = 1e-8f, float weight_decay = 0.0f)
      : rho1_(rho1), rho2_(rho2), delta_(delta), weight_decay_(weight_decay) {}
  const char* type() const override { return weight_decay_ > 0.0f ? "AdamW" : "Adam"; }
  size_t StateFloats(size_t count) const override { return 2 * count; }
  void Step(const OptimizerStep& step) override;

 private:
  float rho1_, rho2_, delta_, weight_decay_;
};

}  // namespace mote
