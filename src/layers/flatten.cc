#include "mote/layers/flatten.h"

#include <stdint.h>
#include <string.h>

#include "mote/describe.h"
#include "mote/lowering.h"
#include "mote/threads.h"

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

namespace {
// n floats from `from` to `to`: in pieces on the pool when the two do not
// overlap, else one memmove.
void Copy(ThreadPool* pool, const float* from, float* to, size_t n) {
  if (to == from) return;
  const uintptr_t f = uintptr_t(from), t = uintptr_t(to), bytes = n * sizeof(float);
  if (t + bytes <= f || f + bytes <= t)
    return ForEachRange(pool, n, 65536, [&](size_t begin, size_t end) {
      memcpy(to + begin, from + begin, (end - begin) * sizeof(float));
    });
  memmove(to, from, n * sizeof(float));
}
}  // namespace

void Flatten::Forward(const ForwardArgs& args) {
  Copy(args.pool, args.inputs[0], args.output, args.batch * per_item_);
}

void Flatten::Backward(const BackwardArgs& args) {
  if (float* dx = args.input_grads[0]) Copy(args.pool, args.output_grad, dx, args.batch * per_item_);
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
