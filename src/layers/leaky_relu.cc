#include "mote/layers/leaky_relu.h"

#include <cmath>

namespace mote {

Status LeakyReLU::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("LeakyReLU: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ShapeMismatch("LeakyReLU: input must have a batch dimension");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("LeakyReLU: input has a zero dimension");
  if (!std::isfinite(alpha_)) return InvalidArgument("LeakyReLU: alpha must be finite");
  per_item_ = in.per_item();
  *output_shape = in;
  return Status::Ok();
}

void LeakyReLU::Forward(const ForwardArgs& args) {
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  float* y = args.output;
  const float alpha = alpha_;
  for (size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
}

void LeakyReLU::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  const float* dy = args.output_grad;
  const float alpha = alpha_;
  for (size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : alpha * dy[i];
}

}  // namespace mote
