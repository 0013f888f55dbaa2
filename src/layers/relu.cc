#include "mote/layers/relu.h"

#include <algorithm>

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"
#include "mote/threads.h"

#include "src/layers/same_shape_plan.h"

namespace mote {

Status ReLU::Plan(PlanContext& ctx, Shape* output_shape) {
  static constexpr SameShapeMessages kMessages = {
      "ReLU: takes exactly one input",
      "ReLU: input must have a batch dimension",
      "ReLU: input has a zero dimension",
  };
  MOTE_TRY(PlanSameShape(ctx, kMessages, 1, output_shape, &per_item_));
  if (!(max_value_ > 0.0f)) return InvalidArgument("ReLU: max_value must be > 0");
  return Status::Ok();
}

namespace {
// Element-wise: threads take pieces of this many floats.
constexpr size_t kGrain = 16384;
}  // namespace

void ReLU::Forward(const ForwardArgs& args) {
  ForEachRange(args.pool, args.batch * per_item_, kGrain, [&](size_t begin, size_t end) {
    kernels::F32ChannelAffineClamp(1, end - begin, args.inputs[0] + begin, nullptr, nullptr, 0.0f, max_value_,
                                   args.output + begin);
  });
}

void ReLU::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  ForEachRange(args.pool, args.batch * per_item_, kGrain, [&](size_t begin, size_t end) {
    kernels::F32ClampBackward(end - begin, args.output + begin, args.output_grad + begin, 0.0f, max_value_, dx + begin);
  });
}

// The clamp of the op that alone produces the input; with nothing to fuse
// into, an identity CHANNEL_AFFINE carries it.
Status ReLU::Lower(LoweringContext& ctx) const {
  ExportOp* op = ctx.AbsorbIntoProducer(
      {MOTE_OP_CONV2D, MOTE_OP_DEPTHWISE_CONV2D, MOTE_OP_DENSE, MOTE_OP_ADD, MOTE_OP_CHANNEL_AFFINE});
  if (op == nullptr) {
    const Shape in = ctx.input_shape(0);
    const uint32_t c = uint32_t(in.dim(in.rank() - 1));
    const std::string& name = ctx.node_name();
    const int scale = ctx.AddFloatConstant(name + "/scale", {c}, std::vector<float>(c, 1.0f));
    const int shift = ctx.AddFloatConstant(name + "/shift", {c}, std::vector<float>(c, 0.0f));
    MOTE_TRY(ctx.Emit(MOTE_OP_CHANNEL_AFFINE, {ctx.input(0), scale, shift}, &op));
  }
  op->act_min = std::max(op->act_min, 0.0f);
  op->act_max = std::min(op->act_max, max_value_);
  op->activation = op->act_max == 6.0f ? MOTE_ACT_RELU6 : MOTE_ACT_RELU;
  return Status::Ok();
}

Status ReLU::Describe(OptionWriter& out) const {
  out.Type("relu");
  if (max_value_ != kNoMax) out.Number("max_value", max_value_);
  return Status::Ok();
}

}  // namespace mote
