// Inference on a few images as rows: Conv2D runs each image as the runtime's
// host layout does (kernels::F32ConvPanels: weights packed in output-channel
// panels, no im2col), Dense as row dot products against its weights as
// stored. For small row counts these beat the layers' GEMM paths, which
// pack their operands for large batches. Internal to src/layers.
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

}  // namespace conv_rows
}  // namespace mote
