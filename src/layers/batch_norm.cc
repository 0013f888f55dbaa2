#include "mote/layers/batch_norm.h"

#include <cmath>
#include <limits>

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"
#include "mote/math.h"
#include "mote/threads.h"

namespace mote {

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();
// Rows go in chunks of about this many floats. The per-channel sums are taken
// per chunk and added in chunk order: the chunks depend on the batch only, so
// the statistics are the same for every thread count.
constexpr size_t kChunkFloats = 8192;

// out[i] = the sum over chunks k = 0, 1, ... (in that order) of partial[k * c + i].
void AddChunkSums(const float* partial, size_t chunks, size_t c, float* out) {
  for (size_t i = 0; i < c; ++i) out[i] = partial[i];
  for (size_t k = 1; k < chunks; ++k)
    for (size_t i = 0; i < c; ++i) out[i] += partial[k * c + i];
}
}  // namespace

Status BatchNorm::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("BatchNorm: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 2) return ShapeMismatch("BatchNorm: input must be [N, F], [N, T, F] or [N, H, W, C]");
  if (in.c() == 0 || in.per_item() == 0) return ShapeMismatch("BatchNorm: input has no features/channels");
  // NaN fails these comparisons too.
  if (!(options_.momentum >= 0.0f && options_.momentum <= 1.0f))
    return InvalidArgument("BatchNorm: momentum must be in [0, 1]");
  if (!(options_.epsilon > 0.0f) || !std::isfinite(options_.epsilon))
    return InvalidArgument("BatchNorm: epsilon must be finite and > 0");
  channels_ = in.c();
  per_item_ = in.per_item();
  const size_t c = channels_;
  if (options_.scale) {
    InitSpec ones;
    ones.kind = InitKind::kOnes;
    gamma_h_ = ctx.AddParam("gamma", Shape(c), ParamRole::kNormScale, ones, c, c);
  }
  if (options_.center) {
    InitSpec zeros;
    zeros.kind = InitKind::kZeros;
    beta_h_ = ctx.AddParam("beta", Shape(c), ParamRole::kNormShift, zeros, c, c);
  }
  mean_h_ = ctx.AddState("moving_mean", c, 0.0f);
  var_h_ = ctx.AddState("moving_variance", c, 1.0f);
  saved_h_ = ctx.AddBuffer(2 * c);
  rows_per_chunk_ = kChunkFloats / c > 0 ? kChunkFloats / c : 1;
  const size_t max_chunks = ChunkCount(in.dim(0) * (per_item_ / c), rows_per_chunk_);
  // [5 C of per-channel vectors] [2 x chunks x C of partial sums]
  if (max_chunks > (std::numeric_limits<size_t>::max() / sizeof(float) - 5 * c) / (2 * c))
    return OutOfRange("BatchNorm: input too large");
  partials_offset_ = 5 * c;
  partials_stride_ = max_chunks * c;
  ctx.RequestScratch(partials_offset_ + 2 * partials_stride_);
  *output_shape = in;
  return Status::Ok();
}

void BatchNorm::Bind(const BindContext& ctx) {
  if (options_.scale) {
    gamma_ = ctx.param(gamma_h_);
    gamma_grad_ = ctx.grad(gamma_h_);
  }
  if (options_.center) {
    beta_ = ctx.param(beta_h_);
    beta_grad_ = ctx.grad(beta_h_);
  }
  moving_mean_ = ctx.state(mean_h_);
  moving_var_ = ctx.state(var_h_);
  saved_ = ctx.buffer(saved_h_);
}

// Rows [first, first + count) of chunk k.
void BatchNorm::ChunkRows(size_t k, size_t rows, size_t* first, size_t* count) const {
  *first = k * rows_per_chunk_;
  *count = rows - *first < rows_per_chunk_ ? rows - *first : rows_per_chunk_;
}

void BatchNorm::Forward(const ForwardArgs& args) {
  const size_t c = channels_;
  const size_t rows = args.batch * (per_item_ / c);
  const float* x = args.inputs[0];
  float* y = args.output;
  float* mean = saved_;
  float* invstd = saved_ + c;
  float* sum = args.scratch;
  float* sum_sq = sum + c;
  float* scale = sum_sq + c;
  float* shift = scale + c;
  float* partial = args.scratch + partials_offset_;
  float* partial_sq = partial + partials_stride_;
  last_training_ = args.training;
  if (rows == 0) return;
  const size_t grain = rows_per_chunk_ * c;  // floats per chunk

  if (!args.training) {
    for (size_t i = 0; i < c; ++i) {
      mean[i] = moving_mean_[i];
      invstd[i] = 1.0f / SqrtF(moving_var_[i] + options_.epsilon);
      scale[i] = (gamma_ ? gamma_[i] : 1.0f) * invstd[i];
      shift[i] = (beta_ ? beta_[i] : 0.0f) - mean[i] * scale[i];
    }
    ForEachRange(args.pool, rows * c, grain, [&](size_t begin, size_t end) {
      kernels::F32ChannelAffineClamp((end - begin) / c, c, x + begin, scale, shift, -kInf, kInf, y + begin);
    });
    return;
  }

  const float m = float(rows);
  const size_t chunks = ChunkCount(rows, rows_per_chunk_);
  ForEachChunk(args.pool, chunks, [&](size_t k, size_t) {
    size_t first, count;
    ChunkRows(k, rows, &first, &count);
    kernels::F32ChannelSums(count, c, x + first * c, partial + k * c, nullptr);
  });
  AddChunkSums(partial, chunks, c, sum);
  for (size_t i = 0; i < c; ++i) mean[i] = sum[i] / m;
  // Two passes: the variance from the centred values (written to y in the
  // same pass) instead of E[x^2] - mu^2, which cancels catastrophically when
  // |mu| >> sigma. The centred sum (~0 up to rounding) corrects the remaining
  // error.
  ForEachChunk(args.pool, chunks, [&](size_t k, size_t) {
    size_t first, count;
    ChunkRows(k, rows, &first, &count);
    kernels::F32BatchNormCenter(count, c, x + first * c, mean, y + first * c, partial + k * c, partial_sq + k * c);
  });
  AddChunkSums(partial, chunks, c, sum);
  AddChunkSums(partial_sq, chunks, c, sum_sq);
  const float momentum = options_.momentum;
  for (size_t i = 0; i < c; ++i) {
    float var = (sum_sq[i] - sum[i] * sum[i] / m) / m;
    if (var < 0.0f) var = 0.0f;
    invstd[i] = 1.0f / SqrtF(var + options_.epsilon);
    scale[i] = (gamma_ ? gamma_[i] : 1.0f) * invstd[i];
    // Unbiased estimate for inference (Ioffe & Szegedy, Algorithm 2, step 10).
    const float unbiased = rows > 1 ? var * (m / (m - 1.0f)) : var;
    moving_mean_[i] = momentum * moving_mean_[i] + (1.0f - momentum) * mean[i];
    moving_var_[i] = momentum * moving_var_[i] + (1.0f - momentum) * unbiased;
  }
  ForEachRange(args.pool, rows * c, grain, [&](size_t begin, size_t end) {
    kernels::F32ChannelAffineClamp((end - begin) / c, c, y + begin, scale, beta_, -kInf, kInf, y + begin);
  });
}

void BatchNorm::Backward(const BackwardArgs& args) {
  const size_t c = channels_;
  const size_t rows = args.batch * (per_item_ / c);
  if (rows == 0) {
    // Nothing flowed; an empty input gradient has no elements to write.
    return;
  }
  const float* x = args.inputs[0];
  const float* dy = args.output_grad;
  float* dx = args.input_grads[0];
  const float* mean = saved_;
  const float* invstd = saved_ + c;
  float* sum_dy = args.scratch;
  float* sum_dy_xhat = sum_dy + c;
  float* a = sum_dy_xhat + c;
  float* b = a + c;
  float* d = b + c;
  float* partial = args.scratch + partials_offset_;
  float* partial_xhat = partial + partials_stride_;
  const size_t grain = rows_per_chunk_ * c;

  // sum(dy) and sum(dy * x_hat) in one pass, x_hat recomputed from x (2C
  // saved floats instead of a batch-sized copy of x_hat).
  const size_t chunks = ChunkCount(rows, rows_per_chunk_);
  ForEachChunk(args.pool, chunks, [&](size_t k, size_t) {
    size_t first, count;
    ChunkRows(k, rows, &first, &count);
    kernels::F32BatchNormGradSums(count, c, x + first * c, dy + first * c, mean, invstd, partial + k * c,
                                  partial_xhat + k * c);
  });
  AddChunkSums(partial, chunks, c, sum_dy);
  AddChunkSums(partial_xhat, chunks, c, sum_dy_xhat);
  if (gamma_grad_)
    for (size_t i = 0; i < c; ++i) gamma_grad_[i] += sum_dy_xhat[i];
  if (beta_grad_)
    for (size_t i = 0; i < c; ++i) beta_grad_[i] += sum_dy[i];
  if (dx == nullptr) return;

  for (size_t i = 0; i < c; ++i) a[i] = (gamma_ ? gamma_[i] : 1.0f) * invstd[i];
  if (!last_training_) {
    // Fixed statistics: y is affine in x.
    ForEachRange(args.pool, rows * c, grain, [&](size_t begin, size_t end) {
      kernels::F32ChannelAffineClamp((end - begin) / c, c, dy + begin, a, nullptr, -kInf, kInf, dx + begin);
    });
    return;
  }
  // dx = gamma * invstd / m * (m dy - sum(dy) - x_hat sum(dy x_hat))
  //    = a dy + b (x - mu) + d  with  b = -a invstd sum(dy x_hat) / m,  d = -a sum(dy) / m.
  const float inv_m = 1.0f / float(rows);
  for (size_t i = 0; i < c; ++i) {
    b[i] = -a[i] * invstd[i] * sum_dy_xhat[i] * inv_m;
    d[i] = -a[i] * sum_dy[i] * inv_m;
  }
  ForEachRange(args.pool, rows * c, grain, [&](size_t begin, size_t end) {
    kernels::F32BatchNormInputGrad((end - begin) / c, c, x + begin, dy + begin, mean, a, b, d, dx + begin);
  });
}

// The inference form y = x * scale + shift per channel, computed in double:
// folded into the conv / depthwise / dense that alone feeds it, else a
// CHANNEL_AFFINE of its own.
namespace {
void ChannelAffine(const float* gamma, const float* beta, const float* mean, const float* var, float epsilon,
                   size_t i, double* scale, double* shift) {
  const double s = (gamma ? double(gamma[i]) : 1.0) / std::sqrt(double(var[i]) + double(epsilon));
  *scale = s;
  *shift = (beta ? double(beta[i]) : 0.0) - double(mean[i]) * s;
}
}  // namespace

bool BatchNorm::InferenceChannelAffine(size_t channel, double* scale, double* shift) const {
  if (channel >= channels_ || moving_mean_ == nullptr) return false;
  ChannelAffine(gamma_, beta_, moving_mean_, moving_var_, options_.epsilon, channel, scale, shift);
  return true;
}

Status BatchNorm::Lower(LoweringContext& ctx) const {
  const size_t c = channels_;
  const float* gamma = ctx.param("gamma");
  const float* beta = ctx.param("beta");
  const float* mean = ctx.state("moving_mean");
  const float* var = ctx.state("moving_variance");
  if (mean == nullptr || var == nullptr) return InvalidArgument("export: batchnorm without its statistics");
  std::vector<double> scale(c), shift(c);
  for (size_t i = 0; i < c; ++i) ChannelAffine(gamma, beta, mean, var, options_.epsilon, i, &scale[i], &shift[i]);
  if (ctx.FoldChannelAffine(scale, shift)) return Status::Ok();
  const std::string& name = ctx.node_name();
  const uint32_t cc = uint32_t(c);
  const int st = ctx.AddFloatConstant(name + "/scale", {cc}, std::vector<float>(scale.begin(), scale.end()));
  const int ht = ctx.AddFloatConstant(name + "/shift", {cc}, std::vector<float>(shift.begin(), shift.end()));
  ExportOp* op;
  return ctx.Emit(MOTE_OP_CHANNEL_AFFINE, {ctx.input(0), st, ht}, &op);
}

Status BatchNorm::Describe(OptionWriter& out) const {
  out.Type("batch_norm");
  out.Number("momentum", options_.momentum);
  out.Number("epsilon", options_.epsilon);
  out.Boolean("scale", options_.scale);
  out.Boolean("center", options_.center);
  return Status::Ok();
}

}  // namespace mote
