#include "mote/layers/softmax.h"

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"

#include "src/layers/same_shape_plan.h"

namespace mote {

Status Softmax::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "Softmax: takes exactly one input",
      "Softmax: input must have rank >= 2 [N, ..., K]",
      "Softmax: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 2, output_shape, &per_item_));
  classes_ = ctx.input_shape(0).c();
  return Status::Ok();
}

void Softmax::Forward(const ForwardArgs& args) {
  kernels::F32Softmax(args.batch * per_item_ / classes_, classes_, args.inputs[0], args.output);
}

void Softmax::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t rows = args.batch * per_item_ / classes_;
  for (size_t r = 0; r < rows; ++r) {
    const float* y = args.output + r * classes_;
    const float* dy = args.output_grad + r * classes_;
    float* d = dx + r * classes_;
    // Accumulate the dot product in double: rows can be long and dy * y of mixed sign.
    double dot = 0.0;
    for (size_t k = 0; k < classes_; ++k) dot += double(dy[k]) * y[k];
    const float s = float(dot);
    for (size_t k = 0; k < classes_; ++k) d[k] = y[k] * (dy[k] - s);
  }
}

Status Softmax::Lower(LoweringContext& ctx) const {
  ExportOp* op;
  return ctx.Emit(MOTE_OP_SOFTMAX, {ctx.input(0)}, &op);
}

Status Softmax::Describe(OptionWriter& out) const {
  out.Type("softmax");
  return Status::Ok();
}

}  // namespace mote
