#include "mote/layers/max_pool2d.h"

namespace mote {

MaxPool2D::MaxPool2D(size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w, Padding padding,
                     size_t pad_h, size_t pad_w)
    : pool_h_(pool_h),
      pool_w_(pool_w),
      stride_h_(stride_h),
      stride_w_(stride_w),
      padding_(padding),
      pad_h_(pad_h),
      pad_w_(pad_w) {}

Status MaxPool2D::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("MaxPool2D: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 4) return ShapeMismatch("MaxPool2D: input must be rank 4 [N, H, W, C]");
  if (in.n() == 0 || in.h() == 0 || in.w() == 0 || in.c() == 0)
    return InvalidArgument("MaxPool2D: input has a zero dimension");
  if (pool_h_ == 0 || pool_w_ == 0) return InvalidArgument("MaxPool2D: pool size must be > 0");
  if (stride_h_ == 0 || stride_w_ == 0) return InvalidArgument("MaxPool2D: stride must be > 0");
  // A window made of padding only would have no pixel to take.
  if (padding_ == Padding::kExplicit && (pad_h_ >= pool_h_ || pad_w_ >= pool_w_))
    return InvalidArgument("MaxPool2D: explicit padding must be smaller than the pool size");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  PaddedAxis ay, ax;
  if (!ResolvePaddedAxis(in.h(), pool_h_, stride_h_, padding_, pad_h_, &ay) ||
      !ResolvePaddedAxis(in.w(), pool_w_, stride_w_, padding_, pad_w_, &ax))
    return ShapeMismatch("MaxPool2D: pool window larger than the padded input");
  geometry_ = kernels::Pool2DGeometry{in.n(),  in.h(),         in.w(),        in.c(), pool_h_, pool_w_,
                                      stride_h_, stride_w_, ay.pad_before, ax.pad_before, ay.out, ax.out};
  *output_shape = Shape(in.n(), ay.out, ax.out, in.c());
  return Status::Ok();
}

void MaxPool2D::Forward(const ForwardArgs& args) {
  kernels::Pool2DGeometry g = geometry_;
  g.batch = args.batch;
  kernels::F32MaxPool(g, args.inputs[0], args.output);
}

void MaxPool2D::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  kernels::Pool2DGeometry g = geometry_;
  g.batch = args.batch;
  kernels::F32MaxPoolBackward(g, args.inputs[0], args.output_grad, dx);
}

}  // namespace mote
