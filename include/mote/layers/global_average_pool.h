// GlobalAveragePool: the mean of each channel over all pixels.
//
// Input:  [N, H, W, C] (rank 4, NHWC).  Output: [N, C].
// Backward spreads dY[n, c] / (H * W) over every pixel of channel c.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for an input that is not rank 4;
// kInvalidArgument for a zero dimension or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

class GlobalAveragePool final : public Layer {
 public:
  GlobalAveragePool() = default;

  const char* type() const override { return "GlobalAveragePool"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;

 private:
  size_t pixels_ = 0, channels_ = 0;
};

}  // namespace mote
