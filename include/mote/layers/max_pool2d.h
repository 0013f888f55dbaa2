// MaxPool2D: 2-D max pooling over each channel.
//
// Input:  [N, H, W, C] (rank 4, NHWC).
// Output: [N, OH, OW, C]; OH / OW from the padding rule (mote/layers/padding.h);
//         stride < pool size gives overlapping windows.
// Max over each window's in-bounds pixels (padding never wins: it is
// ignored, not read as 0). Backward sends each output gradient to the first
// maximal pixel of its window (row-major); overlapping windows accumulate.
// No parameters, no buffers, no scratch.
// Errors (Plan): see mote/layers/pool2d.h.
#pragma once
#include <stddef.h>

#include "mote/layers/pool2d.h"

namespace mote {

class MaxPool2D final : public Pool2DLayer {
 public:
  // pad_h / pad_w: zeros on each side, for Padding::kExplicit only.
  MaxPool2D(size_t pool_h, size_t pool_w, size_t stride_h, size_t stride_w, Padding padding = Padding::kValid,
            size_t pad_h = 0, size_t pad_w = 0);

  const char* type() const override { return "MaxPool2D"; }
  Status Describe(OptionWriter& out) const override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;

 private:
  MoteOpType runtime_op() const override { return MOTE_OP_MAX_POOL2D; }
};

}  // namespace mote
