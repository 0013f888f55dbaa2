#include "mote/layers/sigmoid.h"

#include "mote/math.h"

namespace mote {

Status Sigmoid::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Sigmoid: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ShapeMismatch("Sigmoid: input must have a batch dimension");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("Sigmoid: input has a zero dimension");
  per_item_ = in.per_item();
  *output_shape = in;
  return Status::Ok();
}

void Sigmoid::Forward(const ForwardArgs& args) {
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  float* y = args.output;
  for (size_t i = 0; i < n; ++i) y[i] = SigmoidF(x[i]);
}

void Sigmoid::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t n = args.batch * per_item_;
  const float* y = args.output;
  const float* dy = args.output_grad;
  for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}

}  // namespace mote
