// LeakyReLU: y = x for x > 0, alpha * x otherwise.
// Backward: dx = dy for x > 0, alpha * dy otherwise.
//
// Input: any shape [N, ...] (rank >= 1); output: the same shape.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for a rank-0 input; kInvalidArgument for a
// zero dimension, not exactly one input
// or a non-finite alpha.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class LeakyReLU final : public Layer {
 public:
  explicit LeakyReLU(float alpha = 0.01f) : alpha_(alpha) {}

  const char* type() const override { return "LeakyReLU"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  // One MOTE_OP_LEAKY_RELU (f32; float between dequantize and quantize in an int8 export).
  Status Lower(LoweringContext& ctx) const override;

  float alpha() const { return alpha_; }

 private:
  float alpha_;
  size_t per_item_ = 0;
};

}  // namespace mote
