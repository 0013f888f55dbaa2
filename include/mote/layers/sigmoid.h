// Sigmoid: y = 1 / (1 + e^-x) (mote::SigmoidF).
// Backward: dx = dy * y * (1 - y).
//
// Input: any shape [N, ...] (rank >= 1); output: the same shape.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for a rank-0 input; kInvalidArgument for a
// zero dimension or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class Sigmoid final : public Layer {
 public:
  Sigmoid() = default;

  const char* type() const override { return "Sigmoid"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  // One MOTE_OP_SIGMOID (f32; float between dequantize and quantize in an int8 export).
  Status Lower(LoweringContext& ctx) const override;

 private:
  size_t per_item_ = 0;
};

}  // namespace mote
