// DEPTHWISE_CONV2D (depth multiplier 1): one kh x kw filter per channel,
// through the depthwise kernels with the fused clamp (f32) or
// requantization (int8, padding reading as the input zero point).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateDepthwiseConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& y = Out(m, op);
  MOTE_RT_TRY(CheckWindow(op, x, y));
  MOTE_RT_TRY(CheckUnusedParams(op, 6));
  const uint32_t c = x.dims[2];
  if (y.dims[2] != c || w.rank != 3 || w.dims[0] != uint32_t(op.params[0]) || w.dims[1] != uint32_t(op.params[1]) ||
      w.dims[2] != c)
    return MOTE_RT_BAD_SHAPE;
  return CheckBiasAndRequant(m, op, c, w.dims[0] * w.dims[1]);
}

void RunDepthwiseConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  const kernels::Conv2DGeometry g = WindowGeometry(m, op);
  if (!RunsI8(In(m, op, 0))) {
    kernels::F32DepthwiseConv2D(g, InF32(m, op, 0), InF32(m, op, 1), InF32(m, op, 2), op.act_min, op.act_max,
                                OutF32(m, op));
    return;
  }
  kernels::I8DepthwiseConv2D(g, InI8(m, op, 0), int8_t(In(m, op, 0).zero_point), InI8(m, op, 1),
                             I8RequantOf(m, op, uint32_t(g.in_c)), OutI8(m, op));
}

}  // namespace rt
}  // namespace mote
