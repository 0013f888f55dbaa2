// Conv2D, SPEC L2: 2-D convolution as im2col + GEMM.
//
// Input:  [N, H, W, C] (rank 4, NHWC).
// Output: [N, OH, OW, filters]; OH / OW from the padding rule (mote/layers/padding.h):
//         kValid, kSame (TensorFlow: OH = ceil(H / stride_h), extra pad at the
//         bottom / right) or kExplicit (pad_h / pad_w zeros on each side).
// Params: "kernel" {filters, kernel_h, kernel_w, C}, i.e. [C_out][ky][kx][C_in]
//         (ParamRole::kWeight, fan_in kh*kw*C, fan_out filters*kh*kw, `init`,
//         default He normal); "bias" {filters} (ParamRole::kBias, zeros) when use_bias.
// Memory: im2col runs in L2-sized tiles of rows (about 512 KiB of columns) in
//         scratch, and Backward rebuilds each tile from the input instead of
//         keeping the whole column matrix; when one tile covers the batch it
//         is a per-model buffer that Backward reuses (so each Backward needs
//         its Forward just before, as the Model runs them). A 1x1,
//         stride-1 convolution without padding multiplies the input directly.
//         Scratch: the tile, the weights packed once per call, GEMM workspace.
// Errors (Plan): kShapeMismatch for an input that is not rank 4 or a kernel
// larger than the padded input; kInvalidArgument for zero filters, kernel
// size, stride or input dimension, or not exactly one input; kOutOfRange
// when the buffers would not fit size_t.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "mote/layer.h"
#include "mote/layers/padding.h"

namespace mote {

struct Conv2DOptions {
  size_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  size_t pad_h = 0, pad_w = 0;  // kExplicit only: zeros on each side
  bool use_bias = true;
  InitSpec init = InitSpec{InitKind::kHeNormal};
};

class Conv2D final : public Layer {
 public:
  Conv2D(size_t filters, size_t kernel_h, size_t kernel_w, Conv2DOptions options = Conv2DOptions{});

  const char* type() const override { return "Conv2D"; }
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;

  size_t filters() const { return filters_; }
  const Conv2DOptions& options() const { return options_; }
  // Geometry for the planned maximum batch (valid after Plan).
  const kernels::Conv2DGeometry& geometry() const { return geometry_; }

 private:
  size_t filters_, kernel_h_, kernel_w_;
  Conv2DOptions options_;
  kernels::Conv2DGeometry geometry_{};
  bool direct_ = false;  // 1x1, stride 1, no padding: the input is the im2col matrix
  size_t tile_rows_ = 0;      // im2col rows per tile
  bool single_tile_ = false;  // one tile covers the batch: kept in columns_ for Backward
  BufferHandle columns_handle_;
  float* columns_ = nullptr;
  size_t bias_sums_offset_ = 0, tile_offset_ = 0, packed_offset_ = 0, workspace_offset_ = 0;  // into scratch (floats)
  ParamHandle kernel_param_, bias_param_;
  float* kernel_ = nullptr;
  float* kernel_grad_ = nullptr;
  float* bias_ = nullptr;
  float* bias_grad_ = nullptr;
};

}  // namespace mote
