// DepthwiseConv2D: each input channel convolved with its own filter
// (depth multiplier 1), the building block of MobileNet-style separable
// convolutions (followed by a 1x1 Conv2D).
//
// Input:  [N, H, W, C] (rank 4, NHWC).
// Output: [N, OH, OW, C]; OH / OW from the padding rule as in Conv2D
//         (mote/layers/padding.h: kValid, kSame, kExplicit), same options.
// Params: "kernel" {kernel_h, kernel_w, C}, i.e. [ky][kx][C], channel-
//         contiguous like TFLite's [1][kh][kw][C] (ParamRole::kWeight,
//         fan_in = fan_out = kh*kw: one filter sees one channel, `init`,
//         default He normal); "bias" {C} (ParamRole::kBias, zeros) when
//         use_bias.
// Memory: no im2col; the kernels walk each window directly. Scratch: C floats
//         (bias gradient sums).
// Errors (Plan): kShapeMismatch for an input that is not rank 4 or a kernel
// larger than the padded input; kInvalidArgument for a zero kernel size,
// stride or input dimension, or not exactly one input; kOutOfRange when the
// buffers would not fit size_t.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "mote/layer.h"
#include "mote/layers/conv2d.h"
#include "mote/layers/padding.h"

namespace mote {

class DepthwiseConv2D final : public Layer {
 public:
  // Conv2DOptions: strides, padding, use_bias, init (as for Conv2D).
  DepthwiseConv2D(size_t kernel_h, size_t kernel_w, Conv2DOptions options = Conv2DOptions{});

  const char* type() const override { return "DepthwiseConv2D"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;

  const Conv2DOptions& options() const { return options_; }
  // Geometry for the planned maximum batch (valid after Plan).
  const kernels::Conv2DGeometry& geometry() const { return geometry_; }

 private:
  size_t kernel_h_, kernel_w_;
  Conv2DOptions options_;
  kernels::Conv2DGeometry geometry_{};
  ParamHandle kernel_param_, bias_param_;
  float* kernel_ = nullptr;
  float* kernel_grad_ = nullptr;
  float* bias_ = nullptr;
  float* bias_grad_ = nullptr;
};

}  // namespace mote
