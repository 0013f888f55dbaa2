#include "mote/layers/dropout.h"

#include <string.h>

#include "mote/describe.h"
#include "mote/kernels.h"

namespace mote {

Status Dropout::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Dropout: takes exactly one input");
  // NaN fails both comparisons.
  if (!(keep_ > 0.0f && keep_ <= 1.0f)) return InvalidArgument("Dropout: keep_probability must be in (0, 1]");
  const Shape& in = ctx.input_shape(0);
  per_item_ = in.per_item();
  if (keep_ < 1.0f) mask_h_ = ctx.AddBuffer(ctx.max_batch() * per_item_);
  *output_shape = in;
  return Status::Ok();
}

void Dropout::Bind(const BindContext& ctx) { mask_ = keep_ < 1.0f ? ctx.buffer(mask_h_) : nullptr; }

void Dropout::Forward(const ForwardArgs& args) {
  const size_t n = args.batch * per_item_;
  const float* x = args.inputs[0];
  float* y = args.output;
  last_masked_ = (args.training || args.stochastic) && keep_ < 1.0f && args.rng != nullptr;
  if (!last_masked_) {
    if (y != x && n > 0) memcpy(y, x, n * sizeof(float));
    return;
  }
  const float scaled = 1.0f / keep_;
  Rng& rng = *args.rng;
  for (size_t i = 0; i < n; ++i) mask_[i] = rng.Bernoulli(keep_) ? scaled : 0.0f;
  kernels::F32Mul(n, x, mask_, y);
}

void Dropout::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (dx == nullptr) return;
  const size_t n = args.batch * per_item_;
  if (last_masked_) {
    kernels::F32Mul(n, args.output_grad, mask_, dx);
  } else if (dx != args.output_grad && n > 0) {
    memcpy(dx, args.output_grad, n * sizeof(float));
  }
}

Status Dropout::Describe(OptionWriter& out) const {
  out.Type("dropout");
  out.Number("keep_probability", keep_);
  return Status::Ok();
}

}  // namespace mote
