// Add: elementwise sum of two inputs of the same shape (the residual
// connection of ResNet-style blocks). Output: that shape.
// Backward copies dY to each input gradient that is requested (non-null).
// Errors (Plan): kInvalidArgument unless there are exactly two inputs or for
// an empty input; kShapeMismatch when the two shapes differ.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class Add final : public Layer {
 public:
  Add() = default;

  const char* type() const override { return "Add"; }
  Status Describe(OptionWriter& out) const override;
  int input_count() const override { return 2; }
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;

 private:
  size_t per_item_ = 0;
};

}  // namespace mote
