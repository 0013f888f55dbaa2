// DENSE: the input read flat [F] against weights [Cout][F], fused clamp (f32)
// or requantization (int8).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateDense(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  MOTE_RT_TRY(CheckUnusedParams(op, 0));
  const MoteTensorRecord& w = In(m, op, 1);
  const uint32_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (w.rank != 2 || w.dims[0] != cout || w.dims[1] != features) return MOTE_RT_BAD_SHAPE;
  return CheckBiasAndRequant(m, op, cout, features);
}

void RunDense(const mote_rt_model& m, const MoteOpRecord& op) {
  const size_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (RunsI8(In(m, op, 0))) {
    kernels::I8DenseRows(1, cout, features, InI8(m, op, 0), features, InI8(m, op, 1), features,
                         I8RequantOf(m, op, uint32_t(cout)), OutI8(m, op), cout);
    return;
  }
  kernels::F32DenseRows(1, cout, features, InF32(m, op, 0), features, InF32(m, op, 1), features, InF32(m, op, 2),
                        op.act_min, op.act_max, OutF32(m, op), cout);
}

}  // namespace rt
}  // namespace mote
