#include "mote/layers/add.h"

#include <string.h>

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"

namespace mote {

Status Add::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 2) return InvalidArgument("Add: takes exactly two inputs");
  const Shape& a = ctx.input_shape(0);
  const Shape& b = ctx.input_shape(1);
  if (a != b) return ShapeMismatch("Add: the two inputs must have the same shape");
  if (a.rank() < 1) return ShapeMismatch("Add: inputs must have a batch dimension");
  size_t elements = 0;
  MOTE_TRY(a.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument("Add: input has a zero dimension");
  per_item_ = a.per_item();
  *output_shape = a;
  return Status::Ok();
}

void Add::Forward(const ForwardArgs& args) {
  kernels::F32Add(args.batch * per_item_, args.inputs[0], args.inputs[1], args.output);
}

void Add::Backward(const BackwardArgs& args) {
  const size_t bytes = args.batch * per_item_ * sizeof(float);
  for (int i = 0; i < 2; ++i) {
    float* dx = args.input_grads[i];
    if (dx && dx != args.output_grad) memmove(dx, args.output_grad, bytes);
  }
}

Status Add::Lower(LoweringContext& ctx) const {
  ExportOp* op;
  return ctx.Emit(MOTE_OP_ADD, {ctx.input(0), ctx.input(1)}, &op);
}

Status Add::Describe(OptionWriter& out) const {
  out.Type("add");
  return Status::Ok();
}

}  // namespace mote
