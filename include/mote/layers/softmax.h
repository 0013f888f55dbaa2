// Softmax: y = softmax over the last dimension (numerically stable:
// the row maximum is subtracted first). For [N, K] that is per example; for
// [N, H, W, C] per pixel over the channels.
// Backward: dx = y * (dy - sum(dy * y)) per row. (For training, a
// classification loss should use the fused softmax cross-entropy instead.)
//
// Input: [N, ..., K] (rank >= 2); output: the same shape.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for rank < 2; kInvalidArgument for a zero
// dimension or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class Softmax final : public Layer {
 public:
  Softmax() = default;

  const char* type() const override { return "Softmax"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;

 private:
  size_t per_item_ = 0;
  size_t classes_ = 0;  // the last dimension
};

}  // namespace mote
