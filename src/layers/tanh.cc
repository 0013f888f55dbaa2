#include "mote/layers/tanh.h"

#include "mote/describe.h"
#include "mote/lowering.h"
#include "mote/math.h"

#include "src/layers/same_shape_plan.h"

namespace mote {

Status Tanh::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "Tanh: takes exactly one input",
      "Tanh: input must have a batch dimension",
      "Tanh: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 1, output_shape, &per_item_));
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

Status Tanh::Describe(OptionWriter& out) const {
  out.Type("tanh");
  return Status::Ok();
}

Status Tanh::Lower(LoweringContext& ctx) const {
  ExportOp* op = nullptr;
  return ctx.Emit(MOTE_OP_TANH, {ctx.input(0)}, &op);
}

}  // namespace mote
