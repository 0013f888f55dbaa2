#include "mote/layers/pool2d.h"

#include "mote/describe.h"
#include "mote/lowering.h"

namespace mote {

Status Pool2DLayer::Plan(PlanContext& ctx, Shape* output_shape) {
  const Messages& m = messages_;
  if (ctx.input_count() != 1) return InvalidArgument(m.one_input);
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 4) return ShapeMismatch(m.rank4);
  if (in.n() == 0 || in.h() == 0 || in.w() == 0 || in.c() == 0) return InvalidArgument(m.zero_dimension);
  if (pool_h_ == 0 || pool_w_ == 0) return InvalidArgument(m.zero_pool);
  if (stride_h_ == 0 || stride_w_ == 0) return InvalidArgument(m.zero_stride);
  // A window made of padding only would have no pixel to take.
  if (padding_ == Padding::kExplicit && (pad_h_ >= pool_h_ || pad_w_ >= pool_w_))
    return InvalidArgument(m.padding_too_large);
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  PaddedAxis ay, ax;
  if (!ResolvePaddedAxis(in.h(), pool_h_, stride_h_, padding_, pad_h_, &ay) ||
      !ResolvePaddedAxis(in.w(), pool_w_, stride_w_, padding_, pad_w_, &ax))
    return ShapeMismatch(m.window_too_large);
  geometry_ = kernels::Pool2DGeometry{in.n(),  in.h(),         in.w(),        in.c(), pool_h_, pool_w_,
                                      stride_h_, stride_w_, ay.pad_before, ax.pad_before, ay.out, ax.out};
  *output_shape = Shape(in.n(), ay.out, ax.out, in.c());
  return Status::Ok();
}

Status Pool2DLayer::Lower(LoweringContext& ctx) const {
  const kernels::Pool2DGeometry& geo = geometry_;
  ExportOp* op;
  MOTE_TRY(ctx.Emit(runtime_op(), {ctx.input(0)}, &op));
  const size_t p[6] = {geo.pool_h, geo.pool_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
  for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
  return Status::Ok();
}

void Pool2DLayer::DescribeWindow(OptionWriter& out) const {
  out.Pair("pool", pool_h_, pool_w_);
  out.Pair("strides", stride_h_, stride_w_);
  out.String("padding", PaddingName(padding_));
  if (padding_ == Padding::kExplicit) out.Pair("pad", pad_h_, pad_w_);
}

}  // namespace mote
