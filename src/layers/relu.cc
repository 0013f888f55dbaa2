#include "mote/layers/relu.h"

#include <limits>

#include "mote/kernels.h"

#include "src/layers/same_shape_plan.h"

namespace mote {

Status ReLU::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "ReLU: takes exactly one input",
      "ReLU: input must have a batch dimension",
      "ReLU: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 1, output_shape, &per_item_));
  return Status::Ok();
}

void ReLU::Forward(const ForwardArgs& args) {
  const float inf = std::numeric_limits<float>::infinity();
  kernels::F32ChannelAffineClamp(1, args.batch * per_item_, args.inputs[0], nullptr, nullptr, 0.0f, inf,
                                 args.output);
}

void ReLU::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  const size_t n = args.batch * per_item_;
  kernels::F32ClampBackward(n, args.output, args.output_grad, 0.0f, std::numeric_limits<float>::infinity(), dx);
}

}  // namespace mote
