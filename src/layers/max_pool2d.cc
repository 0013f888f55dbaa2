#include "mote/layers/max_pool2d.h"

#include "mote/describe.h"

namespace mote {
namespace {

constexpr Pool2DLayer::Messages kMaxPool2DMessages = {
    "MaxPool2D: takes exactly one input",
    "MaxPool2D: input must be rank 4 [N, H, W, C]",
    "MaxPool2D: input has a zero dimension",
    "MaxPool2D: pool size must be > 0",
    "MaxPool2D: stride must be > 0",
    "MaxPool2D: explicit padding must be smaller than the pool size",
    "MaxPool2D: pool window larger than the padded input",
};

}  // namespace

MaxPool2D::MaxPool2D(size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w, Padding padding,
                     size_t pad_h, size_t pad_w)
    : Pool2DLayer(kMaxPool2DMessages, pool_h, pool_w, stride_h, stride_w, padding, pad_h, pad_w) {}

void MaxPool2D::Forward(const ForwardArgs& args) { kernels::F32MaxPool(ForBatch(args.batch), args.inputs[0], args.output); }

void MaxPool2D::Backward(const BackwardArgs& args) {
  float* dx = args.input_grads[0];
  if (!dx) return;
  kernels::F32MaxPoolBackward(ForBatch(args.batch), args.inputs[0], args.output_grad, dx);
}

Status MaxPool2D::Describe(OptionWriter& out) const {
  out.Type("max_pool2d");
  DescribeWindow(out);
  return Status::Ok();
}

}  // namespace mote
