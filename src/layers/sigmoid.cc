#include "mote/layers/sigmoid.h"

#include "mote/describe.h"
#include "mote/lowering.h"
#include "mote/math.h"

#include "src/layers/same_shape_plan.h"

namespace mote {

Status Sigmoid::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "Sigmoid: takes exactly one input",
      "Sigmoid: input must have a batch dimension",
      "Sigmoid: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 1, output_shape, &per_item_));
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

Status Sigmoid::Describe(OptionWriter& out) const {
  out.Type("sigmoid");
  return Status::Ok();
}

Status Sigmoid::Lower(LoweringContext& ctx) const {
  ExportOp* op = nullptr;
  return ctx.Emit(MOTE_OP_SIGMOID, {ctx.input(0)}, &op);
}

}  // namespace mote
