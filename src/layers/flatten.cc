#include "mote/layers/flatten.h"

#include <string.h>

#include "mote/describe.h"
#include "mote/lowering.h"

namespace mote {

Status Flatten::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Flatten: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 2) return ShapeMismatch("Flatten: input must have rank >= 2 [N, ...]");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("Flatten: input has a zero dimension");
  per_item_ = in.per_item();
  *output_shape = Shape(in.n(), per_item_);
  return Status::Ok();
}

void Flatten::Forward(const ForwardArgs& args) {
  if (args.output != args.inputs[0]) memmove(args.output, args.inputs[0], args.batch * per_item_ * sizeof(float));
}

void Flatten::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (dx && dx != args.output_grad) memmove(dx, args.output_grad, args.batch * per_item_ * sizeof(float));
}

Status Flatten::Lower(LoweringContext& ctx) const {
  ExportOp* op;
  return ctx.Emit(MOTE_OP_RESHAPE, {ctx.input(0)}, &op);
}

Status Flatten::Describe(OptionWriter& out) const {
  out.Type("flatten");
  return Status::Ok();
}

}  // namespace mote
