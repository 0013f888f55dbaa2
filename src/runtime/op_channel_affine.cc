// CHANNEL_AFFINE (f32): y = clamp(x * scale[c] + shift[c]) per last-dim
// channel c, a batchnorm with nothing to fold into.
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateChannelAffine(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 3, 3));
  for (int i = 0; i < 3; ++i) MOTE_RT_TRY(CheckDType(m, op, i, MOTE_DTYPE_F32));
  MOTE_RT_TRY(CheckDType(m, op, -1, MOTE_DTYPE_F32));
  const MoteTensorRecord& x = In(m, op, 0);
  const uint32_t c = LastDim(x);
  if (!SameDims(x, Out(m, op)) || ElementsOf(In(m, op, 1)) != c || ElementsOf(In(m, op, 2)) != c)
    return MOTE_RT_BAD_SHAPE;
  return CheckUnusedParams(op, 0);
}

void RunChannelAffine(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const uint32_t c = LastDim(x);
  kernels::F32ChannelAffineClamp(ElementsOf(x) / c, c, InF32(m, op, 0), InF32(m, op, 1), InF32(m, op, 2),
                                 op.act_min, op.act_max, OutF32(m, op));
}

}  // namespace rt
}  // namespace mote
