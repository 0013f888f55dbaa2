// Conv2D's Winograd path (kernels::F32Winograd*, F(4x4, r x r) tiles): the
// forward pass and the input gradient of a stride-1 convolution with a square
// 3x3 or 5x5 kernel, as alpha^2 GEMMs [tiles x K] x [K x N] between an input
// and an output transform. The input gradient is the same correlation of the
// output gradient with the kernel rotated by 180 degrees, channels swapped,
// and padding kernel - 1 - pad. Chosen per direction by Conv2DOptions::algorithm
// (MOTE_CONV_ALGO when it is kAuto) and, for kAuto, a cost estimate
// (docs/design.md, "Winograd convolution"). Internal to src/layers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"
#include "mote/layer.h"
#include "mote/layers/conv2d.h"
#include "mote/threads.h"

namespace mote {
namespace conv_winograd {

// One direction: a correlation of src [batch][src_h][src_w][K] with the r x r
// kernel (rotated when `rotate`) into dst [batch][dst_h][dst_w][N], windows
// starting pad_top / pad_left before each output position.
struct Pass {
  bool on = false;
  bool rotate = false;
  size_t src_h = 0, src_w = 0, k = 0, dst_h = 0, dst_w = 0, n = 0;
  int64_t pad_top = 0, pad_left = 0;
  size_t tiles_h = 0, tiles_w = 0;  // per image
  size_t images_per_chunk = 1;
  // Per chunk, in its scratch: transformed inputs V, products M, GEMM workspace.
  size_t m_offset = 0, ws_offset = 0, chunk_floats = 0;
  size_t packed_plane_floats = 0;  // a plane of the transformed kernel packed for F32GemmPackedB
};

// Multiply-add estimates behind the automatic choice (docs/design.md).
struct Costs {
  double im2col, winograd;
};
// For one direction: K input channels, N output channels, images of src_h x
// src_w into dst_h x dst_w, r x r kernel, windows from pad_top / pad_left.
Costs EstimateCosts(size_t src_h, size_t src_w, size_t k, size_t dst_h, size_t dst_w, size_t n, size_t r,
                    int64_t pad_top, int64_t pad_left);

class WinogradConv {
 public:
  // Decides each direction (`allow_forward` false keeps the forward on im2col)
  // and requests the scratch. Unsupported geometries stay on im2col.
  void Plan(PlanContext& ctx, const kernels::Conv2DGeometry& g, size_t filters, ConvAlgorithm algorithm,
            bool allow_forward);
  // Its part of the shared scratch, from `offset` on (after what Conv2D's
  // own chunks read while Winograd's run beside them).
  void PlaceScratch(PlanContext& ctx, size_t offset);
  bool forward() const { return forward_.on; }
  bool input_grad() const { return input_grad_.on; }
  // y = the convolution of the input (plus bias when not null).
  void Forward(const ForwardArgs& args, const float* kernel, const float* bias) const;
  // dx = the input gradient (overwritten): PrepareInputGrad (the kernel
  // transformed, on the pool), then every chunk of InputGradChunks, in any
  // order, on any thread (`mine`: its worker's scratch, or null without a
  // pool), e.g. beside other work in one parallel loop.
  void InputGrad(const BackwardArgs& args, const float* kernel) const;
  void PrepareInputGrad(const BackwardArgs& args, const float* kernel) const;
  size_t InputGradChunks(size_t batch) const { return ChunkCount(batch, input_grad_.images_per_chunk); }
  void InputGradChunk(const BackwardArgs& args, size_t chunk, float* mine) const;

 private:
  void PrepareKernel(const Pass& p, const float* kernel, float* scratch, ThreadPool* pool) const;
  void Chunk(const Pass& p, size_t batch, size_t chunk, const float* bias, const float* src, float* dst,
             float* scratch, float* mine) const;
  size_t r_ = 0, filters_ = 0, in_c_ = 0;
  // Scratch: the kernel's planes packed for the GEMMs, then the transformed
  // kernel and the kernel transposed (forward), where the chunk's own part
  // goes when there is no pool (they are dead by then).
  size_t u_floats_ = 0, transposed_floats_ = 0, packed_floats_ = 0;
  size_t scratch_floats_ = 0, scratch_offset_ = 0;
  Pass forward_, input_grad_;
};

}  // namespace conv_winograd
}  // namespace mote
