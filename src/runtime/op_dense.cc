// DENSE: the input read flat [F] against weights [Cout][F], fused clamp (f32)
// or requantization (int8); hosted fp32 also the host layout's weights [F][Cout]
// (MOTE_DENSE_WEIGHTS_INPUT_MAJOR), which skips the rows of zero inputs.
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateDense(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
#if MOTE_HOSTED
  const bool input_major = op.params[0] == MOTE_DENSE_WEIGHTS_INPUT_MAJOR && !ComputesI8(In(m, op, 0));
#else
  constexpr bool input_major = false;  // a microcontroller's runtime refuses the host layout
#endif
  MOTE_RT_TRY(CheckUnusedParams(op, input_major ? 1 : 0));
  const MoteTensorRecord& w = In(m, op, 1);
  const uint32_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (w.rank != 2 || w.dims[0] != (input_major ? features : cout) || w.dims[1] != (input_major ? cout : features))
    return MOTE_RT_BAD_SHAPE;
  return CheckBiasAndRequant(m, op, cout, features);
}

void RunDense(const mote_rt_model& m, const MoteOpRecord& op) {
  const size_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (RunsI8(In(m, op, 0))) {
    kernels::I8DenseRows(1, cout, features, InI8(m, op, 0), features, InI8(m, op, 1), features,
                         I8RequantOf(m, op, uint32_t(cout)), OutI8(m, op), cout);
    return;
  }
#if MOTE_HOSTED
  if (op.params[0] == MOTE_DENSE_WEIGHTS_INPUT_MAJOR)
    return kernels::F32DenseInputMajor(cout, features, InF32(m, op, 0), InF32(m, op, 1), cout, InF32(m, op, 2),
                                       op.act_min, op.act_max, OutF32(m, op));
#endif
  kernels::F32DenseRows(1, cout, features, InF32(m, op, 0), features, InF32(m, op, 1), features, InF32(m, op, 2),
                        op.act_min, op.act_max, OutF32(m, op), cout);
}

}  // namespace rt
}  // namespace mote
