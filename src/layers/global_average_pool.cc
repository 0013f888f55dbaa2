#include "mote/layers/global_average_pool.h"

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"

namespace mote {

Status GlobalAveragePool::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("GlobalAveragePool: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 4) return ShapeMismatch("GlobalAveragePool: input must be rank 4 [N, H, W, C]");
  if (in.n() == 0 || in.h() == 0 || in.w() == 0 || in.c() == 0)
    return InvalidArgument("GlobalAveragePool: input has a zero dimension");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  pixels_ = in.h() * in.w();
  channels_ = in.c();
  *output_shape = Shape(in.n(), in.c());
  return Status::Ok();
}

void GlobalAveragePool::Forward(const ForwardArgs& args) {
  const float inv = 1.0f / float(pixels_);
  for (size_t n = 0; n < args.batch; ++n) {
    float* y = args.output + n * channels_;
    kernels::F32ChannelSums(pixels_, channels_, args.inputs[0] + n * pixels_ * channels_, y, nullptr);
    kernels::F32Scale(channels_, inv, y, y);
  }
}

void GlobalAveragePool::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const float inv = 1.0f / float(pixels_);
  for (size_t n = 0; n < args.batch; ++n) {
    const float* dy = args.output_grad + n * channels_;
    for (size_t p = 0; p < pixels_; ++p) kernels::F32Scale(channels_, inv, dy, dx + (n * pixels_ + p) * channels_);
  }
}

Status GlobalAveragePool::Lower(LoweringContext& ctx) const {
  ExportOp* op;
  return ctx.Emit(MOTE_OP_GLOBAL_AVG_POOL, {ctx.input(0)}, &op);
}

Status GlobalAveragePool::Describe(OptionWriter& out) const {
  out.Type("global_average_pool");
  return Status::Ok();
}

}  // namespace mote
