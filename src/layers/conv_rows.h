// Inference of a convolution on a few images as row dot products, the way the
// runtime runs a CONV2D (src/runtime/op_conv2d.cc): per image, per run of
// output rows whose windows keep the same kernel rows inside the image, the
// im2col of that run (the top / bottom padding taps left out, column padding
// read as zeros) against the weights as stored, [filters][kh][kw][C]
// (kernels::F32DenseRows, no packing; a short patch goes through the GEMM
// with W^T instead). For small row counts this beats the
// layer's GEMM path, which packs its operands for large batches: Conv2D and
// Dense take it in Predict (TakesRows).
// Internal to src/layers.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "mote/layer.h"

namespace mote {
namespace conv_rows {

// Whether a Forward runs as rows: Predict (ForwardArgs::predict) on up to
// kRowsMaxBatch examples with a SIMD backend. Bigger batches go through the
// GEMMs, and so does the scalar backend, whose strict-order dot products
// (one accumulator chain per output) are slower than its GEMM.
constexpr size_t kRowsMaxBatch = 4;
inline bool TakesRows(const ForwardArgs& args) {
  return args.predict && args.batch <= kRowsMaxBatch && ActiveBackend() != Backend::kScalar;
}

// Floats of scratch ConvRows needs for geometry g (whatever its batch).
size_t ScratchFloats(const kernels::Conv2DGeometry& g, size_t filters);

// y [g.batch, out_h, out_w, filters] = clamp(conv(x, w) + bias, lo, hi);
// bias may be null (0). `scratch` (64-byte aligned) holds ScratchFloats(g,
// filters) floats.
void ConvRows(const kernels::Conv2DGeometry& g, const float* x, const float* w, size_t filters, const float* bias,
              float lo, float hi, float* scratch, float* y);

}  // namespace conv_rows
}  // namespace mote
