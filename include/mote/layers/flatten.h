// Flatten: [N, d1, ..., dk] -> [N, d1 * ... * dk] (row-major, so an
// NHWC image becomes its pixels in (h, w, c) order). Copies the data;
// Backward copies the gradient back.
// Errors (Plan): kShapeMismatch for an input of rank < 2; kInvalidArgument for
// a zero dimension or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class Flatten final : public Layer {
 public:
  Flatten() = default;

  const char* type() const override { return "Flatten"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;
  bool reshape_only() const override { return true; }

 private:
  size_t per_item_ = 0;
};

}  // namespace mote
