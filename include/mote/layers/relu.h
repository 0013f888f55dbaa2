// ReLU: y = max(x, 0). Backward: dx = dy where y > 0, else 0
// (the subgradient at 0 is 0).
//
// Input: any shape [N, ...] (rank >= 1); output: the same shape.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for a rank-0 input; kInvalidArgument for a
// zero dimension or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class ReLU final : public Layer {
 public:
  ReLU() = default;

  const char* type() const override { return "ReLU"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;

 private:
  size_t per_item_ = 0;
};

}  // namespace mote
