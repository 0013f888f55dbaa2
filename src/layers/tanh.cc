#include "mote/layers/tanh.h"

#include "mote/math.h"

namespace mote {

Status Tanh::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Tanh: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ShapeMismatch("Tanh: input must have a batch dimension");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("Tanh: input has a zero dimension");
  per_item_ = in.per_item();
  *output_shape = in;
  return Status::Ok();
}

void Tanh::Forward(const ForwardArgs& args) {
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  float* y = args.output;
  for (size_t i = 0; i < n; ++i) y[i] = TanhF(x[i]);
}

void Tanh::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t n = args.batch * per_item_;
  const float* y = args.output;
  const float* dy = args.output_grad;
  for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

}  // namespace mote
