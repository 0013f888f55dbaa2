// AvgPool2D, SPEC L4: 2-D avg pooling over each channel.
//
// Input:  [N, H, W, C] (rank 4, NHWC).
// Output: [N, OH, OW, C]; OH / OW from the padding rule (mote/layers/padding.h);
//         stride < pool size gives overlapping windows.
// Mean over each window's in-bounds pixels (padding is not counted, as in
// TensorFlow's SAME average pooling). Backward spreads each output gradient
// evenly over those pixels; overlapping windows accumulate.
// No parameters, no buffers, no scratch.
// Errors (Plan): kShapeMismatch for an input that is not rank 4 or a window
// larger than the padded input; kInvalidArgument for a zero pool size, stride
// or input dimension, explicit padding >= the pool size (a window of padding
// only), or not exactly one input.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "mote/layer.h"
#include "mote/layers/padding.h"

namespace mote {

class AvgPool2D final : public Layer {
 public:
  // pad_h / pad_w: zeros on each side, for Padding::kExplicit only.
  AvgPool2D(size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w, Padding padding = Padding::kValid,
            size_t pad_h = 0, size_t pad_w = 0);

  const char* type() const override { return "AvgPool2D"; }
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;

  // Geometry for the planned maximum batch (valid after Plan).
  const kernels::Pool2DGeometry& geometry() const { return geometry_; }

 private:
  size_t pool_h_, pool_w_, stride_h_, stride_w_;
  Padding padding_;
  size_t pad_h_, pad_w_;
  kernels::Pool2DGeometry geometry_{};
};

}  // namespace mote
