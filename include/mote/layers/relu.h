// ReLU: y = max(x, 0), or with a finite max_value y = min(max(x, 0),
// max_value) (Keras's ReLU(max_value); ReLU6 is max_value 6, ONNX's
// Clip(0, 6)). Backward: dx = dy where 0 < y < max_value, else 0 (the
// subgradient at either bound is 0).
// Export: fused into the producing op's clamp [0, max_value] (activation
// MOTE_ACT_RELU6 when max_value is 6, else MOTE_ACT_RELU), fp32 and int8.
//
// Input: any shape [N, ...] (rank >= 1); output: the same shape.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for a rank-0 input; kInvalidArgument for a
// zero dimension, not exactly one input, or a max_value that is not > 0
// (NaN included; +inf is the plain ReLU).
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class ReLU final : public Layer {
 public:
  // max_value +inf: the plain ReLU.
  explicit ReLU(float max_value = kNoMax) : max_value_(max_value) {}

  const char* type() const override { return "ReLU"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;
  bool InferenceClamp(float* lo, float* hi) const override {
    *lo = 0.0f;
    *hi = max_value_;
    return true;
  }

  float max_value() const { return max_value_; }

 private:
  static constexpr float kNoMax = __builtin_inff();
  float max_value_;
  size_t per_item_ = 0;
};

}  // namespace mote
