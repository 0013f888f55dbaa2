#include "mote/layers/gaussian_noise.h"

#include "mote/describe.h"

#include <string.h>

#include <cmath>

namespace mote {

Status GaussianNoise::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("GaussianNoise: takes exactly one input");
  if (!(stddev_ >= 0.0f) || !std::isfinite(stddev_))
    return InvalidArgument("GaussianNoise: stddev must be finite and >= 0");
  per_item_ = ctx.input_shape(0).per_item();
  *output_shape = ctx.input_shape(0);
  return Status::Ok();
}

void GaussianNoise::Forward(const ForwardArgs& args) {
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  float* y = args.output;
  if (!(args.training || args.stochastic) || args.rng == nullptr || stddev_ == 0.0f) {
    if (y != x && n > 0) memcpy(y, x, n * sizeof(float));
    return;
  }
  Rng& rng = *args.rng;
  for (size_t i = 0; i < n; ++i) y[i] = x[i] + rng.Normal(0.0f, stddev_);
}

void GaussianNoise::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  const size_t n = args.batch * per_item_;
  if (dx != nullptr && dx != args.output_grad && n > 0) memcpy(dx, args.output_grad, n * sizeof(float));
}

Status GaussianNoise::Describe(OptionWriter& out) const {
  out.Type("gaussian_noise");
  out.Number("stddev", stddev_);
  return Status::Ok();
}

}  // namespace mote
