#include "mote/layers/leaky_relu.h"

#include "mote/describe.h"
#include "mote/lowering.h"

#include <cmath>
#include <cstring>

#include "src/layers/same_shape_plan.h"

namespace mote {

Status LeakyReLU::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "LeakyReLU: takes exactly one input",
      "LeakyReLU: input must have a batch dimension",
      "LeakyReLU: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 1, output_shape, &per_item_));
  if (!std::isfinite(alpha_)) return InvalidArgument("LeakyReLU: alpha must be finite");
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

Status LeakyReLU::Describe(OptionWriter& out) const {
  out.Type("leaky_relu");
  out.Number("alpha", alpha_);
  return Status::Ok();
}

Status LeakyReLU::Lower(LoweringContext& ctx) const {
  ExportOp* op = nullptr;
  MOTE_TRY(ctx.Emit(MOTE_OP_LEAKY_RELU, {ctx.input(0)}, &op));
  std::memcpy(&op->params[0], &alpha_, sizeof(alpha_));  // the op's p[0]: alpha's float32 bits
  return Status::Ok();
}

}  // namespace mote
