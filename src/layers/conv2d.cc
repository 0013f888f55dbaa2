#include "mote/layers/conv2d.h"

#include <string.h>

#include <limits>

namespace mote {

namespace {
using kernels::Transpose;
inline size_t RoundUp16(size_t v) { return (v + 15) / 16 * 16; }
inline size_t Max(size_t a, size_t b) { return a > b ? a : b; }
inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }
inline bool MulOverflows(size_t a, size_t b) { return b != 0 && a > std::numeric_limits<size_t>::max() / b; }
}  // namespace

Conv2D::Conv2D(size_t filters, size_t kernel_h, size_t kernel_w, Conv2DOptions options)
    : filters_(filters), kernel_h_(kernel_h), kernel_w_(kernel_w), options_(options) {}

Status Conv2D::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("Conv2D: takes exactly one input");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 4) return ShapeMismatch("Conv2D: input must be rank 4 [N, H, W, C]");
  if (in.n() == 0 || in.h() == 0 || in.w() == 0 || in.c() == 0)
    return InvalidArgument("Conv2D: input has a zero dimension");
  if (filters_ == 0) return InvalidArgument("Conv2D: filters must be > 0");
  if (kernel_h_ == 0 || kernel_w_ == 0) return InvalidArgument("Conv2D: kernel size must be > 0");
  if (options_.stride_h == 0 || options_.stride_w == 0) return InvalidArgument("Conv2D: stride must be > 0");
  size_t in_elements = 0;
  MOTE_TRY(in.CheckedElements(&in_elements));

  PaddedAxis ay, ax;
  if (!ResolvePaddedAxis(in.h(), kernel_h_, options_.stride_h, options_.padding, options_.pad_h, &ay) ||
      !ResolvePaddedAxis(in.w(), kernel_w_, options_.stride_w, options_.padding, options_.pad_w, &ax))
    return ShapeMismatch("Conv2D: kernel larger than the padded input");

  kernels::Conv2DGeometry& g = geometry_;
  g.batch = in.n();
  g.in_h = in.h();
  g.in_w = in.w();
  g.in_c = in.c();
  g.kernel_h = kernel_h_;
  g.kernel_w = kernel_w_;
  g.stride_h = options_.stride_h;
  g.stride_w = options_.stride_w;
  g.pad_top = ay.pad_before;
  g.pad_left = ax.pad_before;
  g.out_h = ay.out;
  g.out_w = ax.out;

  if (MulOverflows(kernel_h_, kernel_w_) || MulOverflows(kernel_h_ * kernel_w_, g.in_c) ||
      MulOverflows(g.patch_size(), filters_) || MulOverflows(g.batch, g.out_h) ||
      MulOverflows(g.batch * g.out_h, g.out_w) || MulOverflows(g.rows(), g.patch_size()) ||
      MulOverflows(g.rows(), filters_))
    return OutOfRange("Conv2D: buffers too large");
  const size_t rows = g.rows();
  const size_t patch = g.patch_size();

  direct_ = kernel_h_ == 1 && kernel_w_ == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
            g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;

  kernel_param_ = ctx.AddParam("kernel", Shape(filters_, kernel_h_, kernel_w_, g.in_c), ParamRole::kWeight,
                                 options_.init, patch, filters_ * kernel_h_ * kernel_w_);
  if (options_.use_bias)
    bias_param_ = ctx.AddParam("bias", Shape(filters_), ParamRole::kBias, InitSpec{InitKind::kZeros}, patch,
                               filters_);
  // im2col runs in tiles of tile_rows_ rows that stay in L2 (about 512 KiB of
  // columns, a multiple of 12 rows to suit the GEMM tiles); Backward rebuilds
  // each tile instead of keeping the whole column matrix, which for the seed
  // network's third conv would be 9.8 MB streamed through L3 four times.
  const size_t tile_floats = size_t(1) << 17;  // 512 KiB: 64K..256K floats measured alike on the seed network
  // A column matrix of up to 1 MiB is built once and kept for Backward
  // (the seed network's first conv: 9800 rows of 25).
  const size_t whole_floats = size_t(1) << 18;
  tile_rows_ = direct_ || rows * patch <= whole_floats ? rows : Max(12, tile_floats / patch / 12 * 12);
  if (tile_rows_ > rows) tile_rows_ = rows;
  // When one tile holds the whole batch, it lives in a per-model buffer and
  // Backward reuses Forward's columns instead of rebuilding them.
  single_tile_ = !direct_ && tile_rows_ == rows;
  if (single_tile_) columns_handle_ = ctx.AddBuffer(rows * patch);
  // Scratch: [bias sums (filters)] [column tile (tile_rows x patch)]
  // [weights packed once per call for the per-tile GEMMs] [GEMM workspace],
  // each part on a 64-byte boundary.
  bias_sums_offset_ = 0;
  tile_offset_ = options_.use_bias ? RoundUp16(filters_) : 0;
  packed_offset_ = tile_offset_ + (direct_ || single_tile_ ? 0 : RoundUp16(tile_rows_ * patch));
  const size_t packed = Max(kernels::F32GemmPackedBFloats(filters_, patch),   // W^T for Y = cols W^T
                            kernels::F32GemmPackedBFloats(patch, filters_));  // W for dCols = dY W
  workspace_offset_ = packed_offset_ + RoundUp16(packed);
  size_t ws = kernels::F32GemmWorkspaceFloats(tile_rows_, filters_, patch);     // Y = cols W^T
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(filters_, patch, tile_rows_));   // dW += dY^T cols
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(tile_rows_, patch, filters_));   // dCols = dY W
  if (workspace_offset_ > std::numeric_limits<size_t>::max() - ws) return OutOfRange("Conv2D: buffers too large");
  ctx.RequestScratch(workspace_offset_ + ws);

  *output_shape = Shape(g.batch, g.out_h, g.out_w, filters_);
  return Status::Ok();
}

void Conv2D::Bind(const BindContext& ctx) {
  kernel_ = ctx.param(kernel_param_);
  kernel_grad_ = ctx.grad(kernel_param_);
  if (options_.use_bias) {
    bias_ = ctx.param(bias_param_);
    bias_grad_ = ctx.grad(bias_param_);
  }
  columns_ = single_tile_ ? ctx.buffer(columns_handle_) : nullptr;
}

void Conv2D::Forward(const ForwardArgs& args) {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const size_t rows = g.rows();
  const size_t patch = g.patch_size();
  float* ws = args.scratch + workspace_offset_;
  if (direct_) {
    // [N*H*W, filters] = [N*H*W, C] x [filters, C]^T
    kernels::F32Gemm(Transpose::kNo, Transpose::kYes, rows, filters_, patch, args.inputs[0], patch, kernel_, patch,
                     args.output, filters_, false, ws);
  } else {
    float* tile = single_tile_ ? columns_ : args.scratch + tile_offset_;
    // W^T is the same for every tile: pack it once.
    float* packed_w = args.scratch + packed_offset_;
    kernels::F32GemmPackB(Transpose::kYes, filters_, patch, kernel_, patch, packed_w);
    for (size_t r0 = 0; r0 < rows; r0 += tile_rows_) {
      const size_t r1 = Min(rows, r0 + tile_rows_);
      kernels::F32Im2Col(g, args.inputs[0], r0, r1, tile);  // [r1 - r0, patch]
      // [tile rows, filters] = [tile rows, patch] x [filters, patch]^T
      kernels::F32GemmPackedB(Transpose::kNo, r1 - r0, filters_, patch, tile, patch, packed_w,
                              args.output + r0 * filters_, filters_, false, ws);
    }
  }
  if (options_.use_bias) {
    const float inf = std::numeric_limits<float>::infinity();
    kernels::F32ChannelAffineClamp(rows, filters_, args.output, nullptr, bias_, -inf, inf, args.output);
  }
}

void Conv2D::Backward(const BackwardArgs& args) {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const size_t rows = g.rows();
  const size_t patch = g.patch_size();
  const float* dy = args.output_grad;  // [N*OH*OW, filters]
  float* ws = args.scratch + workspace_offset_;
  if (options_.use_bias) {
    float* sums = args.scratch + bias_sums_offset_;
    kernels::F32ChannelSums(rows, filters_, dy, sums, nullptr);
    kernels::F32Add(filters_, bias_grad_, sums, bias_grad_);
  }
  float* dx = args.input_grads[0];
  if (direct_) {
    // dW [filters, C] += dY^T [filters, rows] x X [rows, C]
    kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, patch, rows, dy, filters_, args.inputs[0], patch,
                     kernel_grad_, patch, true, ws);
    // dX [rows, C] = dY [rows, filters] x W [filters, C]
    if (dx)
      kernels::F32Gemm(Transpose::kNo, Transpose::kNo, rows, patch, filters_, dy, filters_, kernel_, patch, dx,
                       patch, false, ws);
    return;
  }
  float* packed_w = args.scratch + packed_offset_;
  if (dx) {
    memset(dx, 0, g.batch * g.in_h * g.in_w * g.in_c * sizeof(float));
    kernels::F32GemmPackB(Transpose::kNo, patch, filters_, kernel_, patch, packed_w);  // W, for every tile
  }
  float* tile = single_tile_ ? columns_ : args.scratch + tile_offset_;
  for (size_t r0 = 0; r0 < rows; r0 += tile_rows_) {
    const size_t r1 = Min(rows, r0 + tile_rows_);
    const float* dy_tile = dy + r0 * filters_;
    if (!single_tile_) kernels::F32Im2Col(g, args.inputs[0], r0, r1, tile);  // rebuilt, L2-resident
    // dW [filters, patch] += dY^T [filters, tile rows] x cols [tile rows, patch]
    kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, patch, r1 - r0, dy_tile, filters_, tile, patch,
                     kernel_grad_, patch, true, ws);
    if (!dx) continue;
    // dCols [tile rows, patch] = dY [tile rows, filters] x W [filters, patch], over the dead tile
    kernels::F32GemmPackedB(Transpose::kNo, r1 - r0, patch, filters_, dy_tile, filters_, packed_w, tile, patch,
                            false, ws);
    kernels::F32Col2ImAccumulate(g, tile, r0, r1, dx);
  }
}

}  // namespace mote
