// GaussianNoise: y = x + N(0, stddev^2) noise while training (and in
// stochastic inference), identity otherwise. Put it after the input for input
// noise or between layers for noise on hidden units. Backward: dx = dy (the
// noise does not depend on x).
//
// Input: any shape [N, ...]; output: the same shape. No parameters, no buffers.
// Errors (Plan): kInvalidArgument for a negative or non-finite stddev or not
// exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class GaussianNoise final : public Layer {
 public:
  explicit GaussianNoise(float stddev) : stddev_(stddev) {}

  const char* type() const override { return "GaussianNoise"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  bool identity_at_inference() const override { return true; }

  float stddev() const { return stddev_; }

 private:
  float stddev_;
  size_t per_item_ = 0;
};

}  // namespace mote
