#include "src/layers/conv2d_winograd.h"

#include <stdlib.h>
#include <string.h>

#include <limits>

#include "mote/threads.h"
#include "src/layers/transpose.h"

namespace mote {
namespace conv_winograd {

namespace {
using kernels::Transpose;
using kernels::WinogradTile;
constexpr size_t kM = 4;  // F(4x4, r x r) for every supported r
inline size_t RoundUp16(size_t v) { return (v + 15) / 16 * 16; }
inline size_t Max(size_t a, size_t b) { return a > b ? a : b; }
inline size_t Min(size_t a, size_t b) { return a < b ? a : b; }

// A chunk's V and M together take about 768 KiB (L2, beside the transformed
// kernel planes the GEMMs stream): whole images, at least one, so the chunks
// are fixed by the shapes. The seed network's third conv gets 6 images (24
// tiles, two 12-row GEMM panels); 1 and 3 images measured 2.2x and 1.06x
// slower, 12 the same.
constexpr size_t kChunkFloats = size_t(192) << 10;

// Fused multiply-adds per tile and channel of the transforms (the nonzero
// entries of the tile's matrices times the vectors they meet, rows then
// columns: f32-winograd-matrices.h), and per kernel of the filter transform.
struct TransformFmas {
  double input, output, filter;
};
TransformFmas FmasOf(size_t r) {
  if (r == 3) return {2 * 6 * 22, 6 * 18 + 4 * 18, 3 * 14 + 6 * 14};
  return {2 * 8 * 44, 8 * 26 + 4 * 26, 5 * 32 + 8 * 32};
}

// Which algorithm MOTE_CONV_ALGO asks for, when set to a known name.
bool AlgorithmFromEnvironment(ConvAlgorithm* algorithm) {
  const char* s = getenv("MOTE_CONV_ALGO");
  for (int i = 0; s != nullptr && kConvAlgorithmNames[i] != nullptr; ++i)
    if (strcmp(s, kConvAlgorithmNames[i]) == 0) {
      *algorithm = ConvAlgorithm(i);
      return true;
    }
  return false;
}

// In-image taps along one axis summed over its output positions.
size_t AxisTaps(size_t dst, size_t src, size_t r, int64_t pad) {
  size_t taps = 0;
  for (size_t o = 0; o < dst; ++o) {
    const kernels::KernelTaps t = kernels::KernelTapsInside(int64_t(o) - pad, r, src);
    taps += t.end - t.begin;
  }
  return taps;
}
}  // namespace

Costs EstimateCosts(size_t src_h, size_t src_w, size_t k, size_t dst_h, size_t dst_w, size_t n, size_t r,
                    int64_t pad_top, int64_t pad_left) {
  // In fused multiply-adds (one per lane) over relative speeds (docs/design.md,
  // measured on Zen 5): the im2col GEMMs run near the FMA peak, a GEMM of
  // depth K loses to its C tile's loads and stores about as K / (K + 16), the
  // transforms move more than they multiply. Per image; the filter transform
  // (once per batch) is left out.
  constexpr double kGemm = 0.88, kTransform = 0.3;
  const double kn = double(k) * double(n);
  Costs c;
  c.im2col = double(AxisTaps(dst_h, src_h, r, pad_top)) * double(AxisTaps(dst_w, src_w, r, pad_left)) * kn / kGemm;
  const size_t alpha = kM + r - 1;
  const double tiles = double((dst_h + kM - 1) / kM) * double((dst_w + kM - 1) / kM);
  const TransformFmas f = FmasOf(r);
  c.winograd = tiles * double(alpha * alpha) * kn / (kGemm * double(k) / double(k + 16)) +
               tiles * (f.input * double(RoundUp16(k)) + f.output * double(RoundUp16(n))) / kTransform;
  return c;
}

void WinogradConv::Plan(PlanContext& ctx, const kernels::Conv2DGeometry& g, size_t filters,
                        ConvAlgorithm algorithm, bool allow_forward) {
  forward_ = Pass{};
  input_grad_ = Pass{};
  scratch_floats_ = 0;
  if (algorithm == ConvAlgorithm::kAuto) AlgorithmFromEnvironment(&algorithm);
  const WinogradTile tile{kM, g.kernel_h};
  if (algorithm == ConvAlgorithm::kIm2col || g.kernel_h != g.kernel_w || !kernels::WinogradTileSupported(tile) ||
      g.stride_h != 1 || g.stride_w != 1 || g.batch == 0)
    return;
  r_ = g.kernel_h;
  filters_ = filters;
  in_c_ = g.in_c;
  const size_t alpha = tile.alpha();
  // Buffers that would not fit size_t stay on im2col (Plan checked its own).
  const double limit = double(std::numeric_limits<size_t>::max() / 16);
  const double tiles_per_image = double((g.in_h + kM - 1) / kM + 1) * double((g.in_w + kM - 1) / kM + 1) +
                                 double((g.out_h + kM - 1) / kM) * double((g.out_w + kM - 1) / kM);
  if (double(alpha * alpha) * double(filters) * double(g.in_c) > limit ||
      tiles_per_image * double(g.batch) * double(alpha * alpha) * (double(filters) + double(g.in_c)) > limit)
    return;
  const auto plan = [&](Pass* p, bool rotate, size_t src_h, size_t src_w, size_t k, size_t dst_h, size_t dst_w,
                        size_t n, int64_t pad_top, int64_t pad_left) {
    if (algorithm == ConvAlgorithm::kAuto) {
      const Costs c = EstimateCosts(src_h, src_w, k, dst_h, dst_w, n, r_, pad_top, pad_left);
      if (!(c.winograd < 0.85 * c.im2col)) return;
    }
    p->on = true;
    p->rotate = rotate;
    p->src_h = src_h, p->src_w = src_w, p->k = k, p->dst_h = dst_h, p->dst_w = dst_w, p->n = n;
    p->pad_top = pad_top, p->pad_left = pad_left;
    p->tiles_h = (dst_h + kM - 1) / kM;
    p->tiles_w = (dst_w + kM - 1) / kM;
    const size_t per_image = p->tiles_h * p->tiles_w * alpha * alpha * (k + n);
    p->images_per_chunk = Min(g.batch, Max(1, kChunkFloats / per_image));
    const size_t tiles = p->images_per_chunk * p->tiles_h * p->tiles_w;
    p->m_offset = RoundUp16(alpha * alpha * tiles * k);
    p->ws_offset = p->m_offset + RoundUp16(alpha * alpha * tiles * n);
    p->chunk_floats = p->ws_offset + kernels::F32GemmWorkspaceFloats(tiles, n, k);
  };
  if (allow_forward)
    plan(&forward_, false, g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, filters, int64_t(g.pad_top),
         int64_t(g.pad_left));
  plan(&input_grad_, true, g.out_h, g.out_w, filters, g.in_h, g.in_w, g.in_c, int64_t(r_ - 1) - int64_t(g.pad_top),
       int64_t(r_ - 1) - int64_t(g.pad_left));
  if (!forward_.on && !input_grad_.on) return;
  u_floats_ = RoundUp16(alpha * alpha * filters * g.in_c);
  transposed_floats_ = forward_.on ? RoundUp16(r_ * r_ * g.in_c * filters) : 0;
  for (Pass* p : {&forward_, &input_grad_})
    if (p->on) p->packed_plane_floats = RoundUp16(kernels::F32GemmPackedBFloats(p->n, p->k));
  packed_floats_ = alpha * alpha * Max(forward_.packed_plane_floats, input_grad_.packed_plane_floats);
  const size_t chunk = Max(forward_.chunk_floats, input_grad_.chunk_floats);
  // [packed planes][transformed kernel, transposed kernel], the two last dead
  // once packed: the pool-less chunk reuses them (PlaceScratch).
  scratch_floats_ = packed_floats_ + Max(u_floats_ + transposed_floats_, chunk);
  ctx.RequestWorkerScratch(chunk);
}

void WinogradConv::PlaceScratch(PlanContext& ctx, size_t offset) {
  scratch_offset_ = offset;
  if (scratch_floats_ > 0) ctx.RequestScratch(offset + scratch_floats_);
}

void WinogradConv::Forward(const ForwardArgs& args, const float* kernel, const float* bias) const {
  PrepareKernel(forward_, kernel, args.scratch + scratch_offset_, args.pool);
  ForEachChunk(args.pool, ChunkCount(args.batch, forward_.images_per_chunk), [&](size_t chunk, size_t worker) {
    Chunk(forward_, args.batch, chunk, bias, args.inputs[0], args.output, args.scratch + scratch_offset_,
          args.pool ? args.worker_scratch + worker * args.worker_stride : nullptr);
  });
}

void WinogradConv::InputGrad(const BackwardArgs& args, const float* kernel) const {
  PrepareInputGrad(args, kernel);
  ForEachChunk(args.pool, InputGradChunks(args.batch), [&](size_t chunk, size_t worker) {
    InputGradChunk(args, chunk, args.pool ? args.worker_scratch + worker * args.worker_stride : nullptr);
  });
}

void WinogradConv::PrepareInputGrad(const BackwardArgs& args, const float* kernel) const {
  PrepareKernel(input_grad_, kernel, args.scratch + scratch_offset_, args.pool);
}

void WinogradConv::InputGradChunk(const BackwardArgs& args, size_t chunk, float* mine) const {
  Chunk(input_grad_, args.batch, chunk, nullptr, args.output_grad, args.input_grads[0], args.scratch + scratch_offset_,
        mine);
}

// The kernel transformed and packed once per call (by ranges of channels or
// planes: each element written once, so the same for any split), packed at
// the start of scratch, for the chunks of whole images that follow (Chunk): their
// input tiles, alpha^2 GEMMs, their output tiles (and bias). Each output
// element is one GEMM row's, so results do not depend on the thread count.
void WinogradConv::PrepareKernel(const Pass& p, const float* kernel, float* scratch, ThreadPool* pool) const {
  const WinogradTile tile{kM, r_};
  const size_t alpha = tile.alpha(), planes = alpha * alpha;
  float* u = scratch + packed_floats_;  // planes x [K][N]
  const size_t kn = p.k * p.n, taps = r_ * r_;
  // Input gradient: K = filters, N = in_c, planes [co][ci] of the rotated
  // kernel as stored. Forward: K = in_c, N = filters, planes [ci][co], from
  // the kernel transposed to [ky][kx][ci][co] (the filter transform's vectors
  // run along the planes' rows).
  if (p.rotate) {
    ForEachRange(pool, filters_, 8, [&](size_t begin, size_t end) {
      kernels::F32WinogradFilter(tile, true, end - begin, in_c_, kernel + begin * taps * in_c_, taps * in_c_, in_c_,
                                 u + begin * in_c_, kn, in_c_);
    });
  } else {
    float* transposed = u + u_floats_;
    const size_t rows = taps * in_c_;
    ForEachRange(pool, rows, 64, [&](size_t begin, size_t end) {
      TransposeInto(kernel, filters_, rows, begin, end, transposed);
    });
    ForEachRange(pool, in_c_, 4, [&](size_t begin, size_t end) {
      kernels::F32WinogradFilter(tile, false, end - begin, filters_, transposed + begin * filters_, filters_,
                                 in_c_ * filters_, u + begin * filters_, kn, filters_);
    });
  }
  // Each plane packed once for the GEMMs of every chunk (F32GemmPackedB).
  float* packed = scratch;
  ForEachRange(pool, planes, 8, [&](size_t begin, size_t end) {
    for (size_t xi = begin; xi < end; ++xi)
      kernels::F32GemmPackB(Transpose::kNo, p.n, p.k, u + xi * kn, p.n, packed + xi * p.packed_plane_floats);
  });
}

// Images [chunk * images_per_chunk, ...) of src into dst, in `mine` (the
// caller's part of scratch when null).
void WinogradConv::Chunk(const Pass& p, size_t batch, size_t chunk, const float* bias, const float* src, float* dst,
                         float* scratch, float* mine) const {
  const WinogradTile tile{kM, r_};
  const size_t alpha = tile.alpha(), planes = alpha * alpha;
  const float* packed = scratch;
  if (mine == nullptr) mine = scratch + packed_floats_;
  const size_t per_image = p.tiles_h * p.tiles_w;
  const size_t src_image = p.src_h * p.src_w * p.k, dst_image = p.dst_h * p.dst_w * p.n;
  const size_t n0 = chunk * p.images_per_chunk, n1 = Min(batch, n0 + p.images_per_chunk);
  const size_t tiles = (n1 - n0) * per_image;
  float* v = mine;
  float* m = mine + p.m_offset;
  for (size_t i = 0; i < tiles; ++i) {
    const size_t image = n0 + i / per_image, ty = i % per_image / p.tiles_w, tx = i % p.tiles_w;
    kernels::F32WinogradInput(tile, src + image * src_image, p.src_h, p.src_w, p.k, int64_t(ty * kM) - p.pad_top,
                              int64_t(tx * kM) - p.pad_left, v + i * p.k, tiles * p.k);
  }
  for (size_t xi = 0; xi < planes; ++xi)
    kernels::F32GemmPackedB(Transpose::kNo, tiles, p.n, p.k, v + xi * tiles * p.k, p.k,
                            packed + xi * p.packed_plane_floats, m + xi * tiles * p.n, p.n, false,
                            mine + p.ws_offset);
  for (size_t i = 0; i < tiles; ++i) {
    const size_t image = n0 + i / per_image, ty = i % per_image / p.tiles_w, tx = i % p.tiles_w;
    kernels::F32WinogradOutput(tile, m + i * p.n, tiles * p.n, p.n, dst + image * dst_image, p.dst_h, p.dst_w,
                               ty * kM, tx * kM, false);
  }
  if (bias) {
    const float inf = std::numeric_limits<float>::infinity();
    kernels::F32ChannelAffineClamp((n1 - n0) * p.dst_h * p.dst_w, p.n, dst + n0 * dst_image, nullptr, bias, -inf,
                                   inf, dst + n0 * dst_image);
  }
}

}  // namespace conv_winograd
}  // namespace mote

namespace mote {

bool Conv2D::winograd_forward() const { return winograd_->forward(); }
bool Conv2D::winograd_input_grad() const { return winograd_->input_grad(); }

// The weight and bias gradients as im2col computes them, and the input
// gradient by Winograd. With a pool and weight-gradient chunks of kernel taps
// (BackwardParallel's), both kinds of chunk go in one parallel loop, the
// larger weight chunks first, so neither waits at a barrier for the other's
// last chunk; otherwise Backward without an input gradient, then the input
// gradient. The chunks compute what the serial passes do, so the results are
// the same either way.
void Conv2D::BackwardWinograd(const BackwardArgs& args) {
  if (!parallel_ || args.pool == nullptr || images_split_weight_grad_) {
    BackwardArgs weights_only = args;
    float* const no_input_grad[1] = {nullptr};
    weights_only.input_grads = no_input_grad;
    Backward(weights_only);
    winograd_->InputGrad(args, kernel_);
    return;
  }
  AddBiasGradient(args);
  // Winograd's scratch lies past the class-ordered output gradient the weight
  // chunks read (PlaceScratch in Plan).
  const float* class_dy = ClassOrderedDy(args);
  winograd_->PrepareInputGrad(args, kernel_);
  const size_t weight_chunks = weight_chunks_.size();
  args.pool->ParallelFor(weight_chunks + winograd_->InputGradChunks(args.batch), [&](size_t chunk, size_t worker) {
    float* mine = args.worker_scratch + worker * args.worker_stride;
    if (chunk >= weight_chunks) return winograd_->InputGradChunk(args, chunk - weight_chunks, mine);
    WeightGradTaps(args, weight_chunks_[chunk], class_dy, mine);
  });
}

}  // namespace mote
