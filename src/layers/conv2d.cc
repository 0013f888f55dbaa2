#include "mote/layers/conv2d.h"

#include <string.h>

#include <algorithm>
#include <limits>

#include "mote/describe.h"
#include "mote/lowering.h"
#include "mote/threads.h"
#include "src/layers/conv2d_winograd.h"
#include "src/layers/conv_rows.h"
#include "src/layers/transpose.h"

namespace mote {

namespace {
using kernels::Transpose;
inline size_t RoundUp16(size_t v) { return (v + 15) / 16 * 16; }
inline size_t Max(size_t a, size_t b) { return a > b ? a : b; }
inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }
inline bool MulOverflows(size_t a, size_t b) { return b != 0 && a > std::numeric_limits<size_t>::max() / b; }
// Weights of up to this many floats are read in place by the GEMMs, which
// they do for up to this many rows of A (kDirectBMaxFloats and
// kDirectBMaxRows in the GEMM blocking).
constexpr size_t kDirectWeightFloats = size_t(1) << 18;
constexpr size_t kDirectWeightRows = 120;

using AxisRun = Conv2D::AxisRun;
// Runs of output positions along one axis whose windows keep the same kernel
// taps [k_begin, k_end) inside the input (`split` false: one run of all
// positions with every tap, zero padding included).
std::vector<AxisRun> AxisRuns(size_t out, size_t in, size_t kernel, size_t stride, size_t pad_before, bool split) {
  if (!split) return {{0, out, 0, kernel}};
  std::vector<AxisRun> runs;
  for (size_t o = 0; o < out;) {
    const kernels::KernelTapsRun run = kernels::KernelTapsRunFrom(o, out, in, kernel, stride, pad_before);
    runs.push_back({o, run.out_end, run.taps.begin, run.taps.end});
    o = run.out_end;
  }
  return runs;
}

// Calls f(row_begin, row_end, at) for the runs of consecutive output rows
// (NHWC order, out_h x out_w per image) behind rows [q0, q1) of class c,
// whose rows go image by image, output row by output row; `at` counts from q0.
template <class F>
void ForEachRun(const Conv2D::RowClass& c, size_t out_h, size_t out_w, size_t q0, size_t q1, F f) {
  const size_t ny = c.y.out_end - c.y.out_begin, nx = c.x.out_end - c.x.out_begin, per_image = ny * nx;
  for (size_t q = q0; q < q1;) {
    const size_t n = q / per_image, within = q % per_image;
    // Full-width classes are one run per image.
    const size_t len = Min(nx == out_w ? per_image - within : nx - within % nx, q1 - q);
    const size_t r = (n * out_h + c.y.out_begin + within / nx) * out_w + c.x.out_begin + within % nx;
    f(r, r + len, q - q0);
    q += len;
  }
}

// The output gradient's rows of tile [q0, q1) of class c: in place when the
// class's rows are contiguous, else gathered into `gathered`.
const float* DyTile(const Conv2D::RowClass& c, size_t out_h, size_t out_w, size_t q0, size_t q1, bool contiguous,
                    const float* dy, size_t filters, float* gathered) {
  if (contiguous) return dy + q0 * filters;
  ForEachRun(c, out_h, out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
    memcpy(gathered + at * filters, dy + r * filters, (r_end - r) * filters * sizeof(float));
  });
  return gathered;
}

// The columns of a class's im2col rows as runs of consecutive columns of W
// (conv weights [filters][ky][kx][C]): one run when the class keeps whole
// kernel rows, else one per kernel row. Run i is columns [i * width,
// (i + 1) * width) of the class's columns and starts at column w_column(i) of W.
struct Segments {
  size_t count, width;
  size_t first, stride;  // w_column(i) = first + i * stride
  size_t w_column(size_t i) const { return first + i * stride; }
};
Segments SegmentsOf(const Conv2D::RowClass& c, const kernels::Conv2DGeometry& class_geometry, size_t kernel_w) {
  const size_t in_c = class_geometry.in_c, row = class_geometry.kernel_w * in_c;
  const size_t first = (c.y.k_begin * kernel_w + c.x.k_begin) * in_c;
  if (!c.column_border) return {1, class_geometry.kernel_h * row, first, 0};
  return {class_geometry.kernel_h, row, first, kernel_w * in_c};
}
}  // namespace

const char* const kConvAlgorithmNames[4] = {"auto", "im2col", "winograd", nullptr};

Conv2D::Conv2D(size_t filters, size_t kernel_h, size_t kernel_w, Conv2DOptions options)
    : filters_(filters),
      kernel_h_(kernel_h),
      kernel_w_(kernel_w),
      options_(options),
      panels_(std::make_unique<conv_rows::PanelWeights>()),
      winograd_(std::make_unique<conv_winograd::WinogradConv>()) {}
Conv2D::~Conv2D() = default;

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

  // Row classes: output pixels whose windows keep the same kernel taps inside
  // the image, as runs of output rows (top / bottom borders differ from the
  // middle) times runs of output columns. Columns are split only when a
  // kernel row is long enough (kw * C >= 64) for GEMMs of one kernel row at a
  // time, which border columns need (their taps are not one run of W).
  classes_.clear();
  // Small weights are read in place by every GEMM (W^T transposed once per
  // Forward) instead of packed once per class and pass.
  direct_weights_ = !direct_ && filters_ * patch <= kDirectWeightFloats;
  const bool split_columns = direct_weights_ && kernel_w_ * g.in_c >= 64;
  if (!direct_) {
    const std::vector<AxisRun> row_runs = AxisRuns(g.out_h, g.in_h, kernel_h_, g.stride_h, g.pad_top, true);
    const std::vector<AxisRun> col_runs =
        AxisRuns(g.out_w, g.in_w, kernel_w_, g.stride_w, g.pad_left, split_columns);
    for (const AxisRun& y : row_runs)
      for (const AxisRun& x : col_runs)
        classes_.push_back({y, x, x.k_end - x.k_begin != kernel_w_, 0, 0});
  }
  for (size_t i = 1; i < classes_.size(); ++i)
    classes_[i].rows_before = classes_[i - 1].rows_before + classes_[i - 1].rows(1);
  // im2col runs in tiles of rows that stay in L2 (about 512 KiB of columns,
  // a multiple of 12 rows to suit the GEMM tiles; at most 120 rows when the
  // GEMMs read the weights in place); Backward rebuilds each tile
  // instead of keeping the whole column matrix, which for the seed network's
  // third conv would be 8 MB streamed through L3 four times. Up to 1 MiB of
  // columns for the whole batch (the seed network's first conv) is built
  // once and kept for Backward.
  const size_t tile_floats = size_t(1) << 17;  // 512 KiB: 64K..256K floats measured alike on the seed network
  const size_t keep_floats = size_t(1) << 18;
  size_t tile_max = 0, tile_rows_max = 0, kept_floats = 0;
  bool gathers = false;
  for (RowClass& c : classes_) {
    const size_t k = (c.y.k_end - c.y.k_begin) * (c.x.k_end - c.x.k_begin) * g.in_c;
    const size_t class_rows = c.rows(g.batch);
    c.tile_rows = k == 0 ? class_rows : Min(class_rows, Max(12, tile_floats / k / 12 * 12));
    if (direct_weights_) c.tile_rows = Min(c.tile_rows, kDirectWeightRows);
    tile_max = Max(tile_max, c.tile_rows * k);
    tile_rows_max = Max(tile_rows_max, c.tile_rows);
    kept_floats += class_rows * k;
    gathers = gathers || class_rows != rows;
  }
  // Winograd's forward builds no columns for Backward to keep.
  winograd_->Plan(ctx, g, filters_, options_.algorithm, !direct_);
  keep_columns_ = !direct_ && kept_floats <= keep_floats && !winograd_->forward();
  if (keep_columns_) columns_handle_ = ctx.AddBuffer(kept_floats);
  // Scratch: [bias sums (filters)] [column tile] [weights packed once per
  // class] [GEMM workspace] [gathered output / gradient rows] [W^T when the
  // weights are read in place], each part on a 64-byte boundary.
  bias_sums_offset_ = 0;
  tile_offset_ = options_.use_bias ? RoundUp16(filters_) : 0;
  packed_offset_ = tile_offset_ + (direct_ || keep_columns_ ? 0 : RoundUp16(tile_max));
  const size_t packed = direct_weights_ ? 0
                                        : Max(kernels::F32GemmPackedBFloats(filters_, patch),   // W^T for Y = cols W^T
                                              kernels::F32GemmPackedBFloats(patch, filters_));  // W for dCols = dY W
  workspace_offset_ = packed_offset_ + RoundUp16(packed);
  const size_t gemm_rows = direct_ ? rows : tile_rows_max;
  size_t ws = kernels::F32GemmWorkspaceFloats(gemm_rows, filters_, patch);     // Y = cols W^T
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(filters_, patch, gemm_rows));   // dW += dY^T cols
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(gemm_rows, patch, filters_));   // dCols = dY W
  rows_offset_ = workspace_offset_ + RoundUp16(ws);
  const size_t gathered = gathers ? RoundUp16(tile_rows_max * filters_) : 0;
  if (rows_offset_ > std::numeric_limits<size_t>::max() - gathered - patch * filters_)
    return OutOfRange("Conv2D: buffers too large");
  transposed_offset_ = rows_offset_ + gathered;
  ctx.RequestScratch(transposed_offset_ + (direct_weights_ ? patch * filters_ : 0));
  // Predict on a few images (ForwardRows): the weights packed in panels, kept
  // between calls, and one padded image on the caller or on each worker.
  const size_t padded_width = kernels::F32ConvPanelsPaddedWidth(g);
  if (MulOverflows(kernels::PanelCount(filters_) * kernels::kPanelChannels, patch) ||
      MulOverflows(g.in_h, padded_width) || MulOverflows(g.in_h * padded_width, g.in_c))
    return OutOfRange("Conv2D: buffers too large");
  panels_handle_ = ctx.AddBuffer(conv_rows::PanelWeights::Floats(filters_, patch));
  ctx.RequestScratch(kernels::F32ConvPanelsPaddedFloats(g));
  ctx.RequestWorkerScratch(kernels::F32ConvPanelsPaddedFloats(g));
  parallel_ = direct_weights_ && !classes_.empty();
  if (parallel_) {
    // Input-gradient chunks: about 384 output rows of whole images
    // (BackwardParallel).
    input_images_per_chunk_ = InputImagesPerChunk(g.batch, Max(1, 384 / (g.out_h * g.out_w)));
    // Kernel rows under 64 floats make chunks of a few dW columns, tiny GEMMs
    // that cost several times the serial pass (the seed network's first two
    // convolutions): their dW goes in chunks of whole images instead (about
    // 512 output rows), each into a partial dW of its own, added in chunk
    // order; one thread computes the same chunks (Backward).
    images_split_weight_grad_ = kernel_w_ * g.in_c < 64;
    if (images_split_weight_grad_) {
      weight_images_per_chunk_ = Max(1, 512 / (g.out_h * g.out_w));
      const size_t chunks = ChunkCount(g.batch, weight_images_per_chunk_);
      if (MulOverflows(chunks, patch * filters_) ||
          transposed_offset_ > std::numeric_limits<size_t>::max() / 2 - chunks * patch * filters_)
        return OutOfRange("Conv2D: buffers too large");
      partials_offset_ = transposed_offset_ + RoundUp16(patch * filters_);
      ctx.RequestScratch(partials_offset_ + chunks * patch * filters_);
    } else {
      // Weight-gradient chunks of kernel taps, each owning its columns of dW:
      // the fewest whole kernel rows, or taps of one kernel row, that hold 256
      // columns (a chunk of one kernel row of the seed network's third conv,
      // 200 columns, cost 8 % more than the serial pass: its last panel of
      // the GEMM's width, its im2col and its dY^T packing per chunk).
      const size_t row_floats = kernel_w_ * g.in_c;
      weight_chunks_.clear();
      if (row_floats >= 256) {
        // Groups of taps as even as the row allows (5 taps of 64 channels:
        // one chunk of 320 columns, not 256 and a narrow 64).
        const size_t groups = Min(kernel_w_, row_floats / 256);
        for (size_t ky = 0; ky < kernel_h_; ++ky)
          for (size_t i = 0; i < groups; ++i)
            weight_chunks_.push_back({ky, ky + 1, i * kernel_w_ / groups, (i + 1) * kernel_w_ / groups});
      } else {
        const size_t rows_per_chunk = (256 + row_floats - 1) / row_floats;
        for (size_t ky = 0; ky < kernel_h_; ky += rows_per_chunk)
          weight_chunks_.push_back({ky, Min(kernel_h_, ky + rows_per_chunk), 0, kernel_w_});
      }
      // Largest first (rows of the classes that use their taps, times the
      // taps), so the smaller ones fill in at the end.
      std::vector<std::pair<size_t, size_t>> work;  // (work, chunk)
      for (size_t t = 0; t < weight_chunks_.size(); ++t) {
        const WeightChunk& w = weight_chunks_[t];
        size_t sum = 0;
        for (const RowClass& c : classes_) {
          const size_t ky0 = Max(w.ky_begin, c.y.k_begin), ky1 = Min(w.ky_end, c.y.k_end);
          const size_t kx0 = Max(w.kx_begin, c.x.k_begin), kx1 = Min(w.kx_end, c.x.k_end);
          if (ky0 < ky1 && kx0 < kx1) sum += c.rows(1) * (ky1 - ky0) * (kx1 - kx0);
        }
        work.push_back({sum, t});
      }
      std::stable_sort(work.begin(), work.end(),
                       [](const std::pair<size_t, size_t>& a, const std::pair<size_t, size_t>& b) {
                         return a.first > b.first;
                       });
      std::vector<WeightChunk> ordered;
      for (const auto& w : work) ordered.push_back(weight_chunks_[w.second]);
      weight_chunks_ = ordered;
      // The output gradient in class order, shared by every chunk, over the
      // serial path's column tile, GEMM workspace, gathered rows and W^T
      // (BackwardParallel uses none of them); the output gradient itself
      // with a single class (no padding): its rows are in class order.
      class_dy_offset_ = tile_offset_;
      if (classes_.size() > 1) ctx.RequestScratch(class_dy_offset_ + rows * filters_);
    }
    worker_rows_offset_ = RoundUp16(tile_max);
    worker_ws_offset_ = worker_rows_offset_ + RoundUp16(tile_rows_max * filters_);
    ctx.RequestWorkerScratch(worker_ws_offset_ + ws);
  }

  // Winograd's scratch past the class-ordered output gradient, which the weight
  // chunks read beside its input-gradient chunks (BackwardWinograd).
  winograd_->PlaceScratch(ctx, parallel_ && !images_split_weight_grad_ && classes_.size() > 1
                                   ? RoundUp16(class_dy_offset_ + rows * filters_)
                                   : 0);
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
  columns_ = keep_columns_ ? ctx.buffer(columns_handle_) : nullptr;
  panels_->Bind(ctx.buffer(panels_handle_), filters_, geometry_.patch_size());
}

kernels::Conv2DGeometry Conv2D::ClassGeometry(const RowClass& c, size_t batch) const {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = batch;
  // Windows start at kernel row / column k_begin: only the taps inside the image.
  g.kernel_h = c.y.k_end - c.y.k_begin;
  g.pad_top -= c.y.k_begin;
  g.kernel_w = c.x.k_end - c.x.k_begin;
  g.pad_left -= c.x.k_begin;
  return g;
}

void Conv2D::ClassColumns(const RowClass& c, const kernels::Conv2DGeometry& gc, const float* input, size_t q0,
                          size_t q1, float* tile) const {
  const size_t k = gc.patch_size();
  ForEachRun(c, gc.out_h, gc.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
    kernels::F32Im2Col(gc, input, r, r_end, tile + at * k);
  });
}

// Predict on a few images: each image as the runtime's host layout runs it
// (kernels::F32ConvPanels), which beats the GEMMs' packing at these sizes.
void Conv2D::ForwardRows(const ForwardArgs& args, float lo, float hi) {
  panels_->Refresh(args.params_version, kernel_, bias_);
  panels_->Conv(args, geometry_, lo, hi);
}

bool Conv2D::SetPredictEpilogue(const PredictEpilogue& epilogue) {
  panels_->epilogue().Set(epilogue);
  return true;
}

bool Conv2D::ForwardFused(const ForwardArgs& args) {
  if (!panels_->epilogue().fused() || !conv_rows::TakesRows(args)) return false;
  ForwardRows(args, panels_->epilogue().lo(), panels_->epilogue().hi());
  return true;
}

void Conv2D::Forward(const ForwardArgs& args) {
  // (With an epilogue, the packed weights have it folded in: ForwardFused's.)
  if (conv_rows::TakesRows(args) && !panels_->epilogue().fused())
    return ForwardRows(args, -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity());
  if (winograd_->forward()) return winograd_->Forward(args, kernel_, options_.use_bias ? bias_ : nullptr);
  if (parallel_ && args.pool) return ForwardParallel(args);
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
    float* packed_w = args.scratch + packed_offset_;
    float* gathered = args.scratch + rows_offset_;
    float* transposed_w = args.scratch + transposed_offset_;  // W^T [patch, filters] when read in place
    if (direct_weights_) TransposeInto(kernel_, filters_, patch, 0, patch, transposed_w);
    float* kept = columns_;
    for (const RowClass& c : classes_) {
      const kernels::Conv2DGeometry gc = ClassGeometry(c, args.batch);
      const size_t k = gc.patch_size();
      const size_t class_rows = c.rows(args.batch);
      const bool contiguous = class_rows == rows;  // then class row q is output row q
      if (k == 0) {  // windows entirely in the padding
        ForEachRun(c, g.out_h, g.out_w, 0, class_rows, [&](size_t r, size_t r_end, size_t) {
          memset(args.output + r * filters_, 0, (r_end - r) * filters_ * sizeof(float));
        });
        continue;
      }
      const Segments seg = SegmentsOf(c, gc, kernel_w_);
      // This class's rows of W^T (one run), packed once for all its tiles.
      if (!direct_weights_)
        kernels::F32GemmPackB(Transpose::kYes, filters_, k, kernel_ + seg.w_column(0), patch, packed_w);
      for (size_t q0 = 0; q0 < class_rows; q0 += c.tile_rows) {
        const size_t q1 = Min(class_rows, q0 + c.tile_rows);
        float* tile = keep_columns_ ? kept + q0 * k : args.scratch + tile_offset_;
        ClassColumns(c, gc, args.inputs[0], q0, q1, tile);
        // [tile rows, filters] = [tile rows, k] x [filters, k]^T
        float* y = contiguous ? args.output + q0 * filters_ : gathered;
        if (!direct_weights_)
          kernels::F32GemmPackedB(Transpose::kNo, q1 - q0, filters_, k, tile, k, packed_w, y, filters_, false, ws);
        else
          for (size_t i = 0; i < seg.count; ++i)
            kernels::F32Gemm(Transpose::kNo, Transpose::kNo, q1 - q0, filters_, seg.width, tile + i * seg.width, k,
                             transposed_w + seg.w_column(i) * filters_, filters_, y, filters_, i > 0, ws);
        if (!contiguous)
          ForEachRun(c, g.out_h, g.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
            memcpy(args.output + r * filters_, gathered + at * filters_, (r_end - r) * filters_ * sizeof(float));
          });
      }
      if (keep_columns_) kept += class_rows * k;
    }
  }
  if (options_.use_bias) {
    const float inf = std::numeric_limits<float>::infinity();
    kernels::F32ChannelAffineClamp(rows, filters_, args.output, nullptr, bias_, -inf, inf, args.output);
  }
}

void Conv2D::Backward(const BackwardArgs& args) {
  if (winograd_->input_grad() && args.input_grads[0]) return BackwardWinograd(args);
  if (parallel_ && args.pool) return BackwardParallel(args);
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const size_t rows = g.rows();
  const size_t patch = g.patch_size();
  const float* dy = args.output_grad;  // [N*OH*OW, filters]
  float* ws = args.scratch + workspace_offset_;
  AddBiasGradient(args);
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
  if (dx) memset(dx, 0, g.batch * g.in_h * g.in_w * g.in_c * sizeof(float));
  if (parallel_ && images_split_weight_grad_) {
    // The chunks of BackwardParallel, in order, dW and dx together.
    const size_t chunks = ChunkCount(args.batch, weight_images_per_chunk_);
    float* partials = args.scratch + partials_offset_;
    for (size_t i = 0; i < chunks; ++i) {
      const size_t n0 = i * weight_images_per_chunk_;
      ImagesBackward(args, n0, Min(args.batch, n0 + weight_images_per_chunk_), partials + i * filters_ * patch,
                     dx != nullptr, args.scratch + tile_offset_, args.scratch + rows_offset_, ws);
    }
    AddWeightPartials(nullptr, partials, chunks);
    return;
  }
  float* packed_w = args.scratch + packed_offset_;
  float* gathered = args.scratch + rows_offset_;
  float* kept = columns_;
  for (const RowClass& c : classes_) {
    const kernels::Conv2DGeometry gc = ClassGeometry(c, args.batch);
    const size_t k = gc.patch_size();
    const size_t class_rows = c.rows(args.batch);
    const bool contiguous = class_rows == rows;
    if (k == 0) continue;  // windows entirely in the padding: no weight or input reached
    const Segments seg = SegmentsOf(c, gc, kernel_w_);
    if (dx && !direct_weights_)
      kernels::F32GemmPackB(Transpose::kNo, k, filters_, kernel_ + seg.w_column(0), patch, packed_w);
    for (size_t q0 = 0; q0 < class_rows; q0 += c.tile_rows) {
      const size_t q1 = Min(class_rows, q0 + c.tile_rows);
      float* tile = keep_columns_ ? kept + q0 * k : args.scratch + tile_offset_;
      if (!keep_columns_) ClassColumns(c, gc, args.inputs[0], q0, q1, tile);  // rebuilt, L2-resident
      const float* dy_tile = DyTile(c, g.out_h, g.out_w, q0, q1, contiguous, dy, filters_, gathered);
      // dW [filters, k] += dY^T [filters, tile rows] x cols [tile rows, k]
      for (size_t i = 0; i < seg.count; ++i)
        kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, seg.width, q1 - q0, dy_tile, filters_,
                         tile + i * seg.width, k, kernel_grad_ + seg.w_column(i), patch, true, ws);
      if (!dx) continue;
      // dCols [tile rows, k] = dY [tile rows, filters] x W [filters, k], over the dead tile
      if (!direct_weights_)
        kernels::F32GemmPackedB(Transpose::kNo, q1 - q0, k, filters_, dy_tile, filters_, packed_w, tile, k, false,
                                ws);
      else
        for (size_t i = 0; i < seg.count; ++i)
          kernels::F32Gemm(Transpose::kNo, Transpose::kNo, q1 - q0, seg.width, filters_, dy_tile, filters_,
                           kernel_ + seg.w_column(i), patch, tile + i * seg.width, k, false, ws);
      ForEachRun(c, g.out_h, g.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
        kernels::F32Col2ImAccumulate(gc, tile + at * k, r, r_end, dx);
      });
    }
    if (keep_columns_) kept += class_rows * k;
  }
}

// One chunk per im2col tile of every class (one for a class in the padding),
// each computing what the serial loop computes for that tile.
void Conv2D::ForwardParallel(const ForwardArgs& args) {
  kernels::Conv2DGeometry g = geometry_;
  g.batch = args.batch;
  const size_t rows = g.rows();
  const size_t patch = g.patch_size();
  float* transposed_w = args.scratch + transposed_offset_;
  // W^T by pieces of 256 of its rows (a copy: the same for any split).
  ForEachRange(args.pool, patch, 256, [&](size_t begin, size_t end) {
    TransposeInto(kernel_, filters_, patch, begin, end, transposed_w);
  });
  const auto tiles_of = [&](const RowClass& c, size_t k) {
    const size_t class_rows = c.rows(args.batch);
    return k == 0 ? 1 : (class_rows + c.tile_rows - 1) / c.tile_rows;
  };
  size_t chunks = 0;
  for (const RowClass& c : classes_) chunks += tiles_of(c, ClassGeometry(c, args.batch).patch_size());
  args.pool->ParallelFor(chunks, [&](size_t chunk, size_t worker) {
    float* mine = args.worker_scratch + worker * args.worker_stride;
    float* kept = columns_;
    for (const RowClass& c : classes_) {
      const kernels::Conv2DGeometry gc = ClassGeometry(c, args.batch);
      const size_t k = gc.patch_size();
      const size_t class_rows = c.rows(args.batch);
      const size_t tiles = tiles_of(c, k);
      if (chunk >= tiles) {
        chunk -= tiles;
        if (keep_columns_) kept += class_rows * k;
        continue;
      }
      if (k == 0) {  // windows entirely in the padding
        ForEachRun(c, g.out_h, g.out_w, 0, class_rows, [&](size_t r, size_t r_end, size_t) {
          memset(args.output + r * filters_, 0, (r_end - r) * filters_ * sizeof(float));
        });
        return;
      }
      const bool contiguous = class_rows == rows;
      const Segments seg = SegmentsOf(c, gc, kernel_w_);
      const size_t q0 = chunk * c.tile_rows, q1 = Min(class_rows, q0 + c.tile_rows);
      float* tile = keep_columns_ ? kept + q0 * k : mine;
      ClassColumns(c, gc, args.inputs[0], q0, q1, tile);
      float* gathered = mine + worker_rows_offset_;
      float* y = contiguous ? args.output + q0 * filters_ : gathered;
      for (size_t i = 0; i < seg.count; ++i)
        kernels::F32Gemm(Transpose::kNo, Transpose::kNo, q1 - q0, filters_, seg.width, tile + i * seg.width, k,
                         transposed_w + seg.w_column(i) * filters_, filters_, y, filters_, i > 0,
                         mine + worker_ws_offset_);
      if (!contiguous)
        ForEachRun(c, g.out_h, g.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
          memcpy(args.output + r * filters_, gathered + at * filters_, (r_end - r) * filters_ * sizeof(float));
        });
      return;
    }
  });
  if (options_.use_bias) {
    const float inf = std::numeric_limits<float>::infinity();
    kernels::F32ChannelAffineClamp(rows, filters_, args.output, nullptr, bias_, -inf, inf, args.output);
  }
}

// First, unless dW goes by images, the output gradient's rows class by class
// into scratch (ClassOrderedDy; one copy, as the serial loop gathers each
// tile's rows once), which every chunk then reads in place. Then one parallel
// loop over the weight-gradient chunks and the input-gradient chunks
// (independent: dW and dx are written by different chunks, both only read dy
// and the input), so threads that finish one kind take the other instead of
// waiting at a barrier between them. Weight-gradient chunks are kernel taps
// (weight_chunks_: kernel rows, or taps of one row): a chunk owns the columns
// of dW of its taps and adds, class by class and tile by tile as the serial
// loop does, dY^T times the columns of its taps only: read from the columns
// Forward kept, else an im2col of the chunk's part of the kernel (the window
// moved down ky0 rows and right kx0 columns, which makes the padding of that
// geometry negative for taps below or right of the padding; the im2col walk
// reads pads as signed offsets). Each dW element thus sums the same products
// in the same order as the serial loop, with the same GEMM depth per tile.
// Narrow kernel rows (images_split_weight_grad_) split dW by whole images
// instead (ImagesBackward, partial dWs added in chunk order). The input
// gradient goes in chunks of input_images_per_chunk_ whole images
// (InputImagesPerChunk): each owns its images of dx and adds their rows class
// by class in the serial order.
void Conv2D::BackwardParallel(const BackwardArgs& args) {
  AddBiasGradient(args);
  const size_t weight_chunks =
      images_split_weight_grad_ ? ChunkCount(args.batch, weight_images_per_chunk_) : weight_chunks_.size();
  const float* class_dy = images_split_weight_grad_ ? nullptr : ClassOrderedDy(args);
  float* dx = args.input_grads[0];
  const size_t input_chunks = dx ? ChunkCount(args.batch, input_images_per_chunk_) : 0;
  // Chunks in the order [dW of the first half of the images][dx of the first
  // half][the other dW chunks][the other dx chunks] (dW chunks of taps: half
  // of them, largest first, then the rest): the pool's first block then
  // takes the first images, whose dy this thread made and whose dx it passes
  // on next, and each block ends in dx chunks, small enough to even out the
  // threads' finish when one takes what is left of the other's block.
  const size_t half = args.batch / 2;
  const size_t dx_first = Min(input_chunks, ChunkCount(half, input_images_per_chunk_));
  const size_t weight_first = images_split_weight_grad_ ? Min(weight_chunks, ChunkCount(half, weight_images_per_chunk_))
                                                       : (weight_chunks + 1) / 2;
  args.pool->ParallelFor(weight_chunks + input_chunks, [&](size_t slot, size_t worker) {
    float* mine = args.worker_scratch + worker * args.worker_stride;
    size_t chunk = slot;  // weight chunk, or weight_chunks + input chunk
    if (slot >= weight_first && slot < weight_first + dx_first)
      chunk = weight_chunks + slot - weight_first;
    else if (slot >= weight_first + dx_first && slot < weight_chunks + dx_first)
      chunk = slot - dx_first;
    if (chunk >= weight_chunks) {
      const size_t n0 = (chunk - weight_chunks) * input_images_per_chunk_;
      InputGradImages(args, n0, Min(args.batch, n0 + input_images_per_chunk_), class_dy, mine);
    } else if (images_split_weight_grad_) {
      const size_t n0 = chunk * weight_images_per_chunk_;
      ImagesBackward(args, n0, Min(args.batch, n0 + weight_images_per_chunk_),
                     args.scratch + partials_offset_ + chunk * filters_ * geometry_.patch_size(), false, mine,
                     mine + worker_rows_offset_, mine + worker_ws_offset_);
    } else {
      WeightGradTaps(args, weight_chunks_[chunk], class_dy, mine);
    }
  });
  if (images_split_weight_grad_) AddWeightPartials(args.pool, args.scratch + partials_offset_, weight_chunks);
}

// dW += the partial dWs of `chunks` image chunks, in chunk order (element by
// element, so the same for any split of the range).
void Conv2D::AddWeightPartials(ThreadPool* pool, const float* partials, size_t chunks) {
  const size_t n = filters_ * geometry_.patch_size();
  ForEachRange(pool, n, 4096, [&](size_t begin, size_t end) {
    for (size_t i = 0; i < chunks; ++i)
      kernels::F32Add(end - begin, kernel_grad_ + begin, partials + i * n + begin, kernel_grad_ + begin);
  });
}

// Images [n0, n1), class by class and tile by tile (tiles from the chunk's
// first row): their dW into `partial` (zeroed first) and, with `input_grad`,
// their dCols added into dx (already zeroed) in the serial order. `tile`,
// `gathered` and `ws`: the column tile, gathered rows and GEMM workspace.
void Conv2D::ImagesBackward(const BackwardArgs& args, size_t n0, size_t n1, float* partial, bool input_grad,
                            float* tile_scratch, float* gathered, float* ws) const {
  const size_t rows = geometry_.out_h * geometry_.out_w * args.batch;
  const size_t patch = geometry_.patch_size();
  memset(partial, 0, filters_ * patch * sizeof(float));
  float* kept = columns_;  // the class's columns kept by Forward
  for (const RowClass& c : classes_) {
    const kernels::Conv2DGeometry gc = ClassGeometry(c, args.batch);
    const size_t k = gc.patch_size();
    const size_t class_rows = c.rows(args.batch), per_image = c.rows(1);
    float* class_kept = kept;
    if (keep_columns_) kept += class_rows * k;
    if (k == 0) continue;
    const bool contiguous = class_rows == rows;
    const Segments seg = SegmentsOf(c, gc, kernel_w_);
    for (size_t q0 = n0 * per_image; q0 < n1 * per_image; q0 += c.tile_rows) {
      const size_t q1 = Min(n1 * per_image, q0 + c.tile_rows);
      float* tile = keep_columns_ ? class_kept + q0 * k : tile_scratch;
      if (!keep_columns_) ClassColumns(c, gc, args.inputs[0], q0, q1, tile);
      const float* dy_tile =
          DyTile(c, geometry_.out_h, geometry_.out_w, q0, q1, contiguous, args.output_grad, filters_, gathered);
      // dW [filters, k] += dY^T [filters, tile rows] x cols [tile rows, k]
      for (size_t i = 0; i < seg.count; ++i)
        kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, seg.width, q1 - q0, dy_tile, filters_,
                         tile + i * seg.width, k, partial + seg.w_column(i), patch, true, ws);
      if (!input_grad) continue;
      // dCols [tile rows, k] = dY [tile rows, filters] x W [filters, k], over the dead tile
      for (size_t i = 0; i < seg.count; ++i)
        kernels::F32Gemm(Transpose::kNo, Transpose::kNo, q1 - q0, seg.width, filters_, dy_tile, filters_,
                         kernel_ + seg.w_column(i), patch, tile + i * seg.width, k, false, ws);
      ForEachRun(c, geometry_.out_h, geometry_.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
        kernels::F32Col2ImAccumulate(gc, tile + at * k, r, r_end, args.input_grads[0]);
      });
    }
  }
}

// Images per input-gradient chunk: of the counts from half to twice
// `target` (or up to an eighth of the batch), the one whose chunks' GEMMs
// (class by class, tile by tile, as InputGradImages cuts them) cost least:
// multiply-adds of the rows padded to the register tile the GEMM picks
// (kernels::F32GemmRowTile), two more rows for a partial tile (whose rows are
// packed), and a fixed cost per call; within 3 %, one that cuts the batch
// evenly, else the count nearest the target (more chunks). With a partial tile per border class, chunks of a few
// images cost up to 40 % more than the whole batch at once (the seed
// network's third conv: 7 images 1.52 ms, 10 images 1.18 ms, all 50 1.15 ms;
// for 28 x 28 images, 2 images per chunk cost 12 % more than 8 in calls).
// dx does not depend on the cut: each image's rows add class by class in the
// same order.
size_t Conv2D::InputImagesPerChunk(size_t batch, size_t target) const {
  // A GEMM call's own cost, in multiply-adds (about 0.2 us at this core's
  // peak: choosing the tiles, packing a last narrow panel of B).
  constexpr uint64_t kCallMultiplyAdds = 32768;
  // The cost of one chunk of n images.
  const auto chunk_cost = [&](size_t n) {
    uint64_t cost = 0;
    for (const RowClass& c : classes_) {
      const kernels::Conv2DGeometry gc = ClassGeometry(c, batch);
      const size_t k = gc.patch_size();
      if (k == 0) continue;
      const Segments seg = SegmentsOf(c, gc, kernel_w_);
      const size_t rows = n * c.rows(1);
      for (size_t q = 0; q < rows; q += c.tile_rows) {
        const size_t m = Min(c.tile_rows, rows - q), h = Max(1, kernels::F32GemmRowTile(m, seg.width));
        cost += uint64_t((m + h - 1) / h * h + (m % h != 0 ? 2 : 0)) * k * filters_ + kCallMultiplyAdds * seg.count;
      }
    }
    return cost;
  };
  const size_t lo = Max(1, Min(batch, target / 2)), hi = Max(lo, Min(batch, Max(target * 2, batch / 8)));
  const auto cost_of = [&](size_t n) {
    return batch / n * chunk_cost(n) + (batch % n ? chunk_cost(batch % n) : 0);
  };
  uint64_t least = std::numeric_limits<uint64_t>::max();
  for (size_t n = lo; n <= hi; ++n) least = std::min(least, cost_of(n));
  // Within 3 % of the cheapest: a count that cuts the batch in equal chunks
  // (no short last one), then the one nearest the target (more chunks than
  // the cheapest count when that one is larger).
  const auto rank = [&](size_t v) { return (batch % v != 0) * batch + (v > target ? v - target : target - v); };
  size_t best = lo;
  bool found = false;
  for (size_t n = lo; n <= hi; ++n)
    if (cost_of(n) - least <= least / 32 && (!found || rank(n) < rank(best))) {
      best = n;
      found = true;
    }
  return best;
}

// db += the output gradient's sums per channel (every backward path).
void Conv2D::AddBiasGradient(const BackwardArgs& args) const {
  if (!options_.use_bias) return;
  float* sums = args.scratch + bias_sums_offset_;
  kernels::F32ChannelSums(args.batch * geometry_.out_h * geometry_.out_w, filters_, args.output_grad, sums, nullptr);
  kernels::F32Add(filters_, bias_grad_, sums, bias_grad_);
}

// The output gradient's rows class by class (each class's rows in their
// order, ForEachRun), one chunk per class, into scratch at class_dy_offset_:
// the tiles of every chunk then read their rows in place. With a single class
// (no padding) the output gradient itself is in class order.
const float* Conv2D::ClassOrderedDy(const BackwardArgs& args) const {
  if (classes_.size() == 1) return args.output_grad;
  float* class_dy = args.scratch + class_dy_offset_;
  args.pool->ParallelFor(classes_.size(), [&](size_t i, size_t) {
    const RowClass& c = classes_[i];
    float* out = class_dy + c.rows_before * args.batch * filters_;
    ForEachRun(c, geometry_.out_h, geometry_.out_w, 0, c.rows(args.batch), [&](size_t r, size_t r_end, size_t at) {
      memcpy(out + at * filters_, args.output_grad + r * filters_, (r_end - r) * filters_ * sizeof(float));
    });
  });
  return class_dy;
}

// dW += dY^T cols for the taps of `chunk` only.
void Conv2D::WeightGradTaps(const BackwardArgs& args, const WeightChunk& chunk, const float* class_dy,
                            float* mine) const {
  const size_t patch = geometry_.patch_size();
  const size_t in_c = geometry_.in_c;
  size_t kept_at = 0;  // where the class's columns start in columns_ (kept by Forward)
  for (const RowClass& c : classes_) {
    const size_t class_kw = c.x.k_end - c.x.k_begin, class_k = (c.y.k_end - c.y.k_begin) * class_kw * in_c;
    const size_t class_kept = kept_at;
    kept_at += c.rows(args.batch) * class_k;
    const size_t ky0 = Max(chunk.ky_begin, c.y.k_begin), ky1 = Min(chunk.ky_end, c.y.k_end);
    const size_t kx0 = Max(chunk.kx_begin, c.x.k_begin), kx1 = Min(chunk.kx_end, c.x.k_end);
    if (ky0 >= ky1 || kx0 >= kx1) continue;
    // The chunk's taps within the class's columns.
    const size_t tap_column = ((ky0 - c.y.k_begin) * class_kw + (kx0 - c.x.k_begin)) * in_c;
    kernels::Conv2DGeometry gs = geometry_;
    gs.batch = args.batch;
    gs.kernel_h = ky1 - ky0;
    gs.pad_top -= ky0;  // may wrap: read as a signed offset
    gs.kernel_w = kx1 - kx0;
    gs.pad_left -= kx0;
    const size_t width = gs.patch_size(), row_width = gs.kernel_w * in_c;
    // Whole kernel rows are one run of dW's columns, else one GEMM per kernel row.
    const bool whole_rows = gs.kernel_w == kernel_w_;
    const size_t class_rows = c.rows(args.batch);
    const float* dy = class_dy + c.rows_before * args.batch * filters_;
    for (size_t q0 = 0; q0 < class_rows; q0 += c.tile_rows) {
      const size_t q1 = Min(class_rows, q0 + c.tile_rows);
      // The taps' columns: read where Forward kept them, else rebuilt.
      const float* cols = keep_columns_ ? columns_ + class_kept + q0 * class_k + tap_column : mine;
      const size_t ld = keep_columns_ ? class_k : width, row_ld = keep_columns_ ? class_kw * in_c : row_width;
      if (!keep_columns_)
        ForEachRun(c, geometry_.out_h, geometry_.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
          kernels::F32Im2Col(gs, args.inputs[0], r, r_end, mine + at * width);
        });
      float* dw = kernel_grad_ + (ky0 * kernel_w_ + kx0) * in_c;
      if (whole_rows)
        kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, width, q1 - q0, dy + q0 * filters_, filters_,
                         cols, ld, dw, patch, true, mine + worker_ws_offset_);
      else
        for (size_t i = 0; i < gs.kernel_h; ++i)
          kernels::F32Gemm(Transpose::kYes, Transpose::kNo, filters_, row_width, q1 - q0, dy + q0 * filters_,
                           filters_, cols + i * row_ld, ld, dw + i * kernel_w_ * in_c, patch, true,
                           mine + worker_ws_offset_);
    }
  }
}

// dx of images [n0, n1): zeroed, then their rows' dCols added class by class.
// The output gradient's rows from class_dy (class order), or gathered tile by
// tile without it.
void Conv2D::InputGradImages(const BackwardArgs& args, size_t n0, size_t n1, const float* class_dy,
                             float* mine) const {
  const size_t rows = geometry_.out_h * geometry_.out_w * args.batch;
  const size_t patch = geometry_.patch_size();
  const size_t image_floats = geometry_.in_h * geometry_.in_w * geometry_.in_c;
  float* dx = args.input_grads[0];
  float* gathered = mine + worker_rows_offset_;
  memset(dx + n0 * image_floats, 0, (n1 - n0) * image_floats * sizeof(float));
  for (const RowClass& c : classes_) {
    const kernels::Conv2DGeometry gc = ClassGeometry(c, args.batch);
    const size_t k = gc.patch_size();
    if (k == 0) continue;
    const size_t per_image = c.rows(1);
    const bool contiguous = c.rows(args.batch) == rows;
    const Segments seg = SegmentsOf(c, gc, kernel_w_);
    for (size_t q0 = n0 * per_image; q0 < n1 * per_image; q0 += c.tile_rows) {
      const size_t q1 = Min(n1 * per_image, q0 + c.tile_rows);
      const float* dy_tile =
          class_dy ? class_dy + (c.rows_before * args.batch + q0) * filters_
                   : DyTile(c, geometry_.out_h, geometry_.out_w, q0, q1, contiguous, args.output_grad, filters_,
                            gathered);
      // dCols [tile rows, k] = dY [tile rows, filters] x W [filters, k]
      for (size_t i = 0; i < seg.count; ++i)
        kernels::F32Gemm(Transpose::kNo, Transpose::kNo, q1 - q0, seg.width, filters_, dy_tile, filters_,
                         kernel_ + seg.w_column(i), patch, mine + i * seg.width, k, false,
                         mine + worker_ws_offset_);
      ForEachRun(c, geometry_.out_h, geometry_.out_w, q0, q1, [&](size_t r, size_t r_end, size_t at) {
        kernels::F32Col2ImAccumulate(gc, mine + at * k, r, r_end, dx);
      });
    }
  }
}

// One CONV2D with the kernel as stored ([C_out][kh][kw][C_in]); the im2col
// tile rows are the memory planner's choice.
Status Conv2D::Lower(LoweringContext& ctx) const {
  const kernels::Conv2DGeometry& geo = geometry_;
  const uint32_t cout = uint32_t(filters_);
  const std::vector<uint32_t> wdims = {cout, uint32_t(geo.kernel_h), uint32_t(geo.kernel_w), uint32_t(geo.in_c)};
  std::vector<float> w, b;
  MOTE_TRY(ReadKernelAndBias(ctx, size_t(cout) * geo.patch_size(), cout, &w, &b));
  const std::string& name = ctx.node_name();
  const int wt = ctx.AddFloatConstant(name + "/kernel", wdims, w);
  const int bt = ctx.AddFloatConstant(name + "/bias", {cout}, b);
  ExportOp* op;
  MOTE_TRY(ctx.Emit(MOTE_OP_CONV2D, {ctx.input(0), wt, bt}, &op));
  const size_t p[6] = {geo.kernel_h, geo.kernel_w, geo.stride_h, geo.stride_w, geo.pad_top, geo.pad_left};
  for (int i = 0; i < 6; ++i) op->params[i] = int32_t(p[i]);
  op->params[6] = 1;  // tile_rows, chosen by PlanMemory
  return Status::Ok();
}

Status Conv2D::Describe(OptionWriter& out) const {
  out.Type("conv2d");
  out.Integer("filters", filters_);
  out.Pair("kernel", kernel_h_, kernel_w_);
  DescribeConvOptions(out, options_);
  if (options_.algorithm != ConvAlgorithm::kAuto) out.String("algorithm", kConvAlgorithmNames[int(options_.algorithm)]);
  return Status::Ok();
}

}  // namespace mote
