#include "mote/layers/depthwise_conv2d.h"

#include <limits>

#include "mote/describe.h"
#include "mote/lowering.h"

namespace mote {

namespace {
inline bool MulOverflows(size_t a, size_t b) { return b != 0 && a > std::numeric_limits<size_t>::max() / b; }
}  // namespace

DepthwiseConv2D::DepthwiseConv2D(size_t kernel_h, size_t kernel_w, Conv2DOptions options)
    : kernel_h_(kernel_h), kernel_w_(kernel_w), options_(options) {}

Status DepthwiseConv2D::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("DepthwiseConv2D: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 4) return ShapeMismatch("DepthwiseConv2D: input must be rank 4 [N, H, W, C]");
  if (in.n() == 0 || in.h() == 0 || in.w() == 0 || in.c() == 0)
    return InvalidArgument("DepthwiseConv2D: input has a zero dimension");
  if (kernel_h_ == 0 || kernel_w_ == 0) return InvalidArgument("DepthwiseConv2D: kernel size must be > 0");
  if (options_.stride_h == 0 || options_.stride_w == 0)
    return InvalidArgument("DepthwiseConv2D: stride must be > 0");
  size_t in_elements = 0;
  MOTE_TRY(in.CheckedElements(&in_elements));

  PaddedAxis ay, ax;
  if (!ResolvePaddedAxis(in.h(), kernel_h_, options_.stride_h, options_.padding, options_.pad_h, &ay) ||
      !ResolvePaddedAxis(in.w(), kernel_w_, options_.stride_w, options_.padding, options_.pad_w, &ax))
    return ShapeMismatch("DepthwiseConv2D: kernel larger than the padded input");

  kernels::Conv2DGeometry& g = geometry_;
  g = {in.n(), in.h(), in.w(), in.c(), kernel_h_, kernel_w_, options_.stride_h, options_.stride_w,
       ay.pad_before, ax.pad_before, ay.out, ax.out};
  if (MulOverflows(kernel_h_, kernel_w_) || MulOverflows(kernel_h_ * kernel_w_, g.in_c) ||
      MulOverflows(g.batch, g.out_h) || MulOverflows(g.batch * g.out_h, g.out_w) ||
      MulOverflows(g.rows(), g.in_c))
    return OutOfRange("DepthwiseConv2D: buffers too large");

  const size_t taps = kernel_h_ * kernel_w_;
  kernel_param_ = ctx.AddParam("kernel", Shape(kernel_h_, kernel_w_, g.in_c), ParamRole::kWeight, options_.init,
                               taps, taps);
  if (options_.use_bias)
    bias_param_ = ctx.AddParam("bias", Shape(g.in_c), ParamRole::kBias, InitSpec{InitKind::kZeros}, taps, 1);
  if (options_.use_bias) ctx.RequestScratch(g.in_c);  // bias gradient sums
  *output_shape = Shape(g.batch, g.out_h, g.out_w, g.in_c);
  return Status::Ok();
}

void DepthwiseConv2D::Bind(const BindContext& ctx) {
  kernel_ = ctx.param(kernel_param_);
  kernel_grad_ = ctx.grad(kernel_param_);
  if (options_.use_bias) {
    bias_ = ctx.param(bias_param_);
    bias_grad_ = ctx.grad(bias_param_);
  }
}

void DepthwiseConv2D::Forward(const ForwardArgs& args) {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const float inf = std::numeric_limits<float>::infinity();
  kernels::F32DepthwiseConv2D(g, args.inputs[0], kernel_, bias_, -inf, inf, args.output);
}

void DepthwiseConv2D::Backward(const BackwardArgs& args) {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const float* dy = args.output_grad;  // [N*OH*OW, C]
  if (options_.use_bias) {
    kernels::F32ChannelSums(g.rows(), g.in_c, dy, args.scratch, nullptr);
    kernels::F32Add(g.in_c, bias_grad_, args.scratch, bias_grad_);
  }
  kernels::F32DepthwiseConv2DBackwardWeights(g, args.inputs[0], dy, kernel_grad_);
  if (args.input_grads[0]) kernels::F32DepthwiseConv2DBackwardInput(g, dy, kernel_, args.input_grads[0]);
}

// One DEPTHWISE_CONV2D with the kernel as stored ([kh][kw][C]).
Status DepthwiseConv2D::Lower(LoweringContext& ctx) const {
  const kernels::Conv2DGeometry& geo = geometry_;
  const uint32_t c = uint32_t(geo.in_c);
  std::vector<float> w, b;
  MOTE_TRY(ReadKernelAndBias(ctx, geo.kernel_h * geo.kernel_w * geo.in_c, c, &w, &b));
  const std::string& name = ctx.node_name();
  const int wt = ctx.AddFloatConstant(name + "/kernel", {uint32_t(geo.kernel_h), uint32_t(geo.kernel_w), c}, w);
  const int bt = ctx.AddFloatConstant(name + "/bias", {c}, b);
  ExportOp* op;
  MOTE_TRY(ctx.Emit(MOTE_OP_DEPTHWISE_CONV2D, {ctx.input(0), wt, bt}, &op));
  const size_t p[6] = {geo.kernel_h, geo.kernel_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
  for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
  return Status::Ok();
}

Status DepthwiseConv2D::Describe(OptionWriter& out) const {
  out.Type("depthwise_conv2d");
  out.Pair("kernel", kernel_h_, kernel_w_);
  DescribeConvOptions(out, options_);
  return Status::Ok();
}

}  // namespace mote
