#include "mote/layers/avg_pool2d.h"

#include "mote/describe.h"

namespace mote {
namespace {

constexpr Pool2DLayer::Messages kAvgPool2DMessages = {
    "AvgPool2D: takes exactly one input",
    "AvgPool2D: input must be rank 4 [N, H, W, C]",
    "AvgPool2D: input has a zero dimension",
    "AvgPool2D: pool size must be > 0",
    "AvgPool2D: stride must be > 0",
    "AvgPool2D: explicit padding must be smaller than the pool size",
    "AvgPool2D: pool window larger than the padded input",
};

}  // namespace

AvgPool2D::AvgPool2D(size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w, Padding padding,
                     size_t pad_h, size_t pad_w)
    : Pool2DLayer(kAvgPool2DMessages, pool_h, pool_w, stride_h, stride_w, padding, pad_h, pad_w) {}

void AvgPool2D::Forward(const ForwardArgs& args) { kernels::F32AvgPool(ForBatch(args.batch), args.inputs[0], args.output); }

void AvgPool2D::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  kernels::F32AvgPoolBackward(ForBatch(args.batch), args.output_grad, dx);
}

Status AvgPool2D::Describe(OptionWriter& out) const {
  out.Type("avg_pool2d");
  DescribeWindow(out);
  return Status::Ok();
}

}  // namespace mote
