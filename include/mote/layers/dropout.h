// Dropout (inverted dropout; Goodfellow, Bengio and Courville, Deep Learning,
// section 7.12).
//
// Input: any shape; output: the same shape.
// Training (ForwardArgs::training): each element is kept with probability p
// (keep_probability), drawn from ForwardArgs::rng (which must not be null),
// and the kept ones are scaled by 1 / p:  y = x * mask / p. The scaled mask is
// kept in a buffer so Backward applies the same: dx = dy * mask / p.
// Inference: the identity (the weight-scaling inference rule, already folded
// into training by the 1 / p), and Backward after it is the identity too.
// p == 1 is the identity everywhere and draws nothing from the RNG.
// Errors (Plan): kInvalidArgument for p outside (0, 1] (or NaN) or not
// exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class Dropout final : public Layer {
 public:
  explicit Dropout(float keep_probability) : keep_(keep_probability) {}

  const char* type() const override { return "Dropout"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  bool identity_at_inference() const override { return true; }

  float keep_probability() const { return keep_; }

 private:
  float keep_;
  size_t per_item_ = 0;
  bool last_masked_ = false;  // the last Forward applied a mask
  BufferHandle mask_h_;
  float* mask_ = nullptr;  // [max_batch, per_item]: 0 or 1 / p
};

}  // namespace mote
