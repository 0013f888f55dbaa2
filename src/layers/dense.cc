#include "mote/layers/dense.h"

#include <limits>

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"
#include "mote/threads.h"
#include "src/layers/conv_rows.h"

namespace mote {

namespace {
using kernels::Transpose;
inline size_t RoundUp16(size_t v) { return (v + 15) / 16 * 16; }
inline size_t Max(size_t a, size_t b) { return a > b ? a : b; }
inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }
// From this many input features on, the forward pass runs as row dot products
// (F32DenseRows) instead of a GEMM: packing W^T no longer pays for itself.
constexpr size_t kDotFeatures = 256;
// Threads: layers of fewer multiply-adds per example run on the caller alone.
// Bigger ones split the forward pass by units (chunks of whole 4-unit blocks
// of the row kernels, at most about 16 chunks) and the backward pass by input
// features (chunks of kFeatureGrain columns of dW and dX). Every output
// element sums the same products in the same order as the serial pass.
constexpr size_t kParallelMacs = size_t(1) << 16;
constexpr size_t kFeatureGrain = 512;
// Predict on a few rows keeps an input-major copy of the weights (memory as
// much as the kernel's) for layers of at least kInputMajorUnits units, on
// backends whose F32DenseInputMajor vectors hold at least kInputMajorLanes
// floats: there it skips the weight rows of zero inputs and beats the row
// dot products (seed dense1, 50 x 3920, half the inputs zero: 0.67-0.80 of
// their time on AVX-512), while with fewer units (16, 20: 1.2-1.6x) or
// narrower vectors (AVX2: 0.8-1.1x, SSE4: 1.0-1.7x) it gains little or
// loses (bench/kernels/dense-rows_bench.cc, f32_dense_half_zero_*).
constexpr size_t kInputMajorUnits = 32;
constexpr size_t kInputMajorLanes = 16;
bool InputMajorPays() { return kernels::F32DenseInputMajorLanes() >= kInputMajorLanes; }
}  // namespace

Dense::Dense(size_t units, bool use_bias, InitSpec init)
    : units_(units),
      use_bias_(use_bias),
      init_(init),
      epilogue_(std::make_unique<conv_rows::UnitAffine>()),
      input_major_(std::make_unique<conv_rows::InputMajorWeights>()) {}
Dense::~Dense() = default;

Status Dense::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Dense: takes exactly one input");
  if (units_ == 0) return InvalidArgument("Dense: units must be > 0");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 2) return ShapeMismatch("Dense: input must have rank >= 2 [N, features...]");
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  const size_t n = in.dim(0);
  if (n == 0 || elements == 0) return InvalidArgument("Dense: input has a zero dimension");
  features_ = in.per_item();
  if (units_ > std::numeric_limits<size_t>::max() / features_) return OutOfRange("Dense: kernel too large");

  kernel_h_ = ctx.AddParam("kernel", Shape(units_, features_), ParamRole::kWeight, init_, features_, units_);
  if (use_bias_) bias_h_ = ctx.AddParam("bias", Shape(units_), ParamRole::kBias, InitSpec{InitKind::kZeros}, 1, units_);

  // Scratch: [bias column sums (units, rounded to 64 bytes)] [GEMM workspace].
  workspace_offset_ = use_bias_ ? RoundUp16(units_) : 0;
  size_t ws = kernels::F32GemmWorkspaceFloats(n, units_, features_);        // forward Y = X W^T
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(units_, features_, n));      // dW = dY^T X
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(n, features_, units_));      // dX = dY W
  ctx.RequestScratch(workspace_offset_ + ws);
  units_per_chunk_ = 4 * ChunkCount(ChunkCount(units_, 4), 16);
  const size_t grain = features_ < kFeatureGrain ? features_ : kFeatureGrain;
  if (units_ * features_ >= kParallelMacs) {
    size_t worker_ws = kernels::F32GemmWorkspaceFloats(n, units_per_chunk_, features_);  // forward, by units
    worker_ws = Max(worker_ws, kernels::F32GemmWorkspaceFloats(units_, grain, n));     // dW, by features
    worker_ws = Max(worker_ws, kernels::F32GemmWorkspaceFloats(n, grain, units_));     // dX, by features
    ctx.RequestWorkerScratch(worker_ws);
  }
  // Predict on a few rows: a fused BatchNorm's per-unit affine after the dot
  // products, and where it pays (the backend of Prepare) the input-major copy
  // with the BatchNorm folded in.
  epilogue_h_ = ctx.AddBuffer(conv_rows::UnitAffine::Floats(units_));
  keeps_input_major_ = units_ >= kInputMajorUnits && InputMajorPays();
  if (keeps_input_major_) {
    if (units_ * features_ > std::numeric_limits<size_t>::max() - units_) return OutOfRange("Dense: kernel too large");
    input_major_h_ = ctx.AddBuffer(conv_rows::InputMajorWeights::Floats(units_, features_));
  }
  *output_shape = Shape(n, units_);
  return Status::Ok();
}

void Dense::Bind(const BindContext& ctx) {
  kernel_ = ctx.param(kernel_h_);
  kernel_grad_ = ctx.grad(kernel_h_);
  if (use_bias_) {
    bias_ = ctx.param(bias_h_);
    bias_grad_ = ctx.grad(bias_h_);
  }
  epilogue_->Bind(ctx.buffer(epilogue_h_), units_);
  if (keeps_input_major_) input_major_->Bind(ctx.buffer(input_major_h_), units_, features_);
}

bool Dense::SetPredictEpilogue(const PredictEpilogue& epilogue) {
  epilogue_->epilogue().Set(epilogue);
  if (keeps_input_major_) input_major_->epilogue().Set(epilogue);
  return true;
}

// The input-major copy where the layer keeps one and the backend of this
// call runs it well (tests and benchmarks switch backends after Prepare).
bool Dense::UsesInputMajor(const ForwardArgs& args) const {
  return keeps_input_major_ && conv_rows::TakesRows(args) && InputMajorPays();
}

bool Dense::ForwardFused(const ForwardArgs& args) {
  if (!epilogue_->epilogue().fused() || !conv_rows::TakesRows(args)) return false;
  if (UsesInputMajor(args)) {
    input_major_->Refresh(args.params_version, kernel_, bias_);
    input_major_->Dense(args, input_major_->epilogue().lo(), input_major_->epilogue().hi());
    return true;
  }
  epilogue_->Refresh(args.params_version, bias_);
  DotProducts(args, /*with_bias=*/false);
  epilogue_->Apply(args.batch, args.output);
  return true;
}

void Dense::DotProducts(const ForwardArgs& args, bool with_bias) const {
  const float inf = std::numeric_limits<float>::infinity();
  ThreadPool* pool = PoolFor(args.pool, args.batch);
  const size_t chunks = pool ? ChunkCount(units_, units_per_chunk_) : 1;
  const size_t per_chunk = pool ? units_per_chunk_ : units_;
  const float* bias = with_bias ? bias_ : nullptr;
  ForEachChunk(pool, chunks, [&](size_t chunk, size_t) {
    const size_t u0 = chunk * per_chunk, w = Min(units_ - u0, per_chunk);
    kernels::F32DenseRows(args.batch, w, features_, args.inputs[0], features_, kernel_ + u0 * features_, features_,
                          bias ? bias + u0 : nullptr, -inf, inf, args.output + u0, units_);
  });
}

// The pool when this pass of `batch` rows is worth splitting, else null.
ThreadPool* Dense::PoolFor(ThreadPool* pool, size_t batch) const {
  return pool != nullptr && batch * units_ * features_ >= kParallelMacs && units_ * features_ >= kParallelMacs
             ? pool
             : nullptr;
}

void Dense::Forward(const ForwardArgs& args) {
  const size_t n = args.batch;
  const float inf = std::numeric_limits<float>::infinity();
  ThreadPool* pool = PoolFor(args.pool, n);
  const size_t chunks = pool ? ChunkCount(units_, units_per_chunk_) : 1;
  const size_t per_chunk = pool ? units_per_chunk_ : units_;
  // (With an epilogue, the input-major copy has it folded in: ForwardFused's.)
  if (UsesInputMajor(args) && !input_major_->epilogue().fused()) {
    input_major_->Refresh(args.params_version, kernel_, bias_);
    return input_major_->Dense(args, -inf, inf);
  }
  // Units [u0, u0 + w) of every row.
  if (features_ >= kDotFeatures || conv_rows::TakesRows(args)) {
    // Long rows (or Predict on a few rows): dot products of input rows with
    // weight rows need no packing of W^T (which costs a third of the GEMM for
    // a 50 x 3920 x 50 layer).
    return DotProducts(args, /*with_bias=*/true);
  }
  // [N, units] = [N, F] x [units, F]^T
  ForEachChunk(pool, chunks, [&](size_t chunk, size_t worker) {
    const size_t u0 = chunk * per_chunk, w = Min(units_ - u0, per_chunk);
    float* ws = pool ? args.worker_scratch + worker * args.worker_stride : args.scratch + workspace_offset_;
    kernels::F32Gemm(Transpose::kNo, Transpose::kYes, n, w, features_, args.inputs[0], features_,
                     kernel_ + u0 * features_, features_, args.output + u0, units_, false, ws);
  });
  if (use_bias_) {
    ForEachRange(pool, n * units_, ChunkCount(16384, units_) * units_, [&](size_t begin, size_t end) {
      kernels::F32ChannelAffineClamp((end - begin) / units_, units_, args.output + begin, nullptr, bias_, -inf, inf,
                                     args.output + begin);
    });
  }
}

void Dense::Backward(const BackwardArgs& args) {
  const size_t n = args.batch;
  const float* dy = args.output_grad;
  float* dx = args.input_grads[0];
  if (use_bias_) {
    float* sums = args.scratch;
    kernels::F32ChannelSums(n, units_, dy, sums, nullptr);
    kernels::F32Add(units_, bias_grad_, sums, bias_grad_);
  }
  ThreadPool* pool = PoolFor(args.pool, n);
  const size_t grain = pool ? kFeatureGrain : features_;
  // Columns [f0, f0 + w) of dW and dX.
  ForEachChunk(pool, ChunkCount(features_, grain), [&](size_t chunk, size_t worker) {
    const size_t f0 = chunk * grain, w = Min(features_ - f0, grain);
    float* ws = pool ? args.worker_scratch + worker * args.worker_stride : args.scratch + workspace_offset_;
    // dW [units, F] += dY^T [units, N] x X [N, F]
    kernels::F32Gemm(Transpose::kYes, Transpose::kNo, units_, w, n, dy, units_, args.inputs[0] + f0, features_,
                     kernel_grad_ + f0, features_, true, ws);
    // dX [N, F] = dY [N, units] x W [units, F]
    if (dx)
      kernels::F32Gemm(Transpose::kNo, Transpose::kNo, n, w, units_, dy, units_, kernel_ + f0, features_, dx + f0,
                       features_, false, ws);
  });
}

// One DENSE reading its input flat.
Status Dense::Lower(LoweringContext& ctx) const {
  const size_t features = ctx.input_shape(0).elements();
  const uint32_t units = uint32_t(units_);
  std::vector<float> w, b;
  MOTE_TRY(ReadKernelAndBias(ctx, units * features, units, &w, &b));
  const std::string& name = ctx.node_name();
  const int wt = ctx.AddFloatConstant(name + "/kernel", {units, uint32_t(features)}, w);
  const int bt = ctx.AddFloatConstant(name + "/bias", {units}, b);
  ExportOp* op;
  return ctx.Emit(MOTE_OP_DENSE, {ctx.input(0), wt, bt}, &op);
}

Status Dense::Describe(OptionWriter& out) const {
  out.Type("dense");
  out.Integer("units", units_);
  out.Boolean("use_bias", use_bias_);
  out.Init("init", init_);
  return Status::Ok();
}

}  // namespace mote
