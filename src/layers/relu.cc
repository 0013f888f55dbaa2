#include "mote/layers/relu.h"

#include <limits>

#include "mote/kernels.h"

namespace mote {

Status ReLU::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("ReLU: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ShapeMismatch("ReLU: input must have a batch dimension");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("ReLU: input has a zero dimension");
  per_item_ = in.per_item();
  *output_shape = in;
  return Status::Ok();
}

void ReLU::Forward(const ForwardArgs& args) {
  const float inf = std::numeric_limits<float>::infinity();
  kernels::F32ChannelAffineClamp(1, args.batch * per_item_, args.inputs[0], nullptr, nullptr, 0.0f, inf,
                                 args.output);
}

void ReLU::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t n = args.batch * per_item_;
  kernels::F32ClampBackward(n, args.output, args.output_grad, 0.0f, std::numeric_limits<float>::infinity(), dx);
}

}  // namespace mote
