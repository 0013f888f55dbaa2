// RESHAPE: the same bytes under new dims. Free when the output aliases the
// input (the planner's usual choice), else one copy.
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateReshape(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  if (y.dtype != x.dtype || x.scale != y.scale || x.zero_point != y.zero_point) return MOTE_RT_BAD_TENSOR;
  if (x.bytes != y.bytes) return MOTE_RT_BAD_SHAPE;
  // The loader has refused a partial overlap with the input (memcpy needs
  // disjoint ranges unless they are the same).
  return CheckNoClamp(m, op, 0);
}

void RunReshape(const mote_rt_model& m, const MoteOpRecord& op) {
  const uint8_t* x = DataOf(m, op.inputs[0]);
  uint8_t* y = DataOf(m, op.output);
  if (x != y) __builtin_memcpy(y, x, Out(m, op).bytes);
}

}  // namespace rt
}  // namespace mote
