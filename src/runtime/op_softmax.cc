// SOFTMAX (f32): per row over the last dim.
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateSoftmax(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  MOTE_RT_TRY(CheckDType(m, op, 0, MOTE_DTYPE_F32));
  MOTE_RT_TRY(CheckDType(m, op, -1, MOTE_DTYPE_F32));
  if (!SameDims(In(m, op, 0), Out(m, op))) return MOTE_RT_BAD_SHAPE;
  return CheckNoClamp(m, op, 0);
}

void RunSoftmax(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& y = Out(m, op);
  const uint32_t cols = LastDim(y);
  kernels::F32Softmax(ElementsOf(y) / cols, cols, InF32(m, op, 0), OutF32(m, op));
}

}  // namespace rt
}  // namespace mote
