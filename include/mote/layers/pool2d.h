// Pool2DLayer: what MaxPool2D and AvgPool2D share, i.e. the window options
// and Plan (shape rules and validation). Subclasses add Forward/Backward.
// Errors (Plan): kShapeMismatch for an input that is not rank 4 or a window
// larger than the padded input; kInvalidArgument for a zero pool size, stride
// or input dimension, explicit padding >= the pool size (a window of padding
// only), or not exactly one input. Messages start with the layer type.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "mote/layer.h"
#include "mote/model_format.h"
#include "mote/layers/padding.h"

namespace mote {

class Pool2DLayer : public Layer {
 public:
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext&) override {}
  Status Lower(LoweringContext& ctx) const final;

  // Geometry for the planned maximum batch (valid after Plan).
  const kernels::Pool2DGeometry& geometry() const { return geometry_; }

  // Plan's error messages, per layer type (Status messages are static).
  struct Messages {
    const char* one_input;
    const char* rank4;
    const char* zero_dimension;
    const char* zero_pool;
    const char* zero_stride;
    const char* padding_too_large;
    const char* window_too_large;
  };

 protected:
  // The runtime op the pool exports to (MOTE_OP_MAX_POOL2D / AVG_POOL2D).
  virtual MoteOpType runtime_op() const = 0;
  // pad_h / pad_w: zeros on each side, for Padding::kExplicit only.
  Pool2DLayer(const Messages& messages, size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w,
              Padding padding, size_t pad_h, size_t pad_w)
      : messages_(messages),
        pool_h_(pool_h),
        pool_w_(pool_w),
        stride_h_(stride_h),
        stride_w_(stride_w),
        padding_(padding),
        pad_h_(pad_h),
        pad_w_(pad_w) {}
  // Writes pool, strides, padding (and pad) for the subclasses' Describe.
  void DescribeWindow(OptionWriter& out) const;
  // The planned geometry with the batch of one call.
  kernels::Pool2DGeometry ForBatch(size_t batch) const {
    kernels::Pool2DGeometry g = geometry_;
    g.batch = batch;
    return g;
  }

 private:
  const Messages& messages_;
  size_t pool_h_, pool_w_, stride_h_, stride_w_;
  Padding padding_;
  size_t pad_h_, pad_w_;
  kernels::Pool2DGeometry geometry_{};
};

}  // namespace mote
