// ADD: a + b (same shape), then the clamp. int8 rescales each input to the
// output scale with its (multiplier, shift) pair from params[0..4).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

int64_t Rescale(int32_t v, int32_t multiplier, int32_t shift) {
  return (int64_t(v) * multiplier + (int64_t(1) << (shift - 1))) >> shift;
}

}  // namespace

mote_rt_status ValidateAdd(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 2, 2));
  const MoteTensorRecord& a = In(m, op, 0);
  if (a.dtype == MOTE_DTYPE_I32) return MOTE_RT_BAD_TENSOR;
  MOTE_RT_TRY(CheckDType(m, op, 1, a.dtype));
  MOTE_RT_TRY(CheckDType(m, op, -1, a.dtype));
  if (!SameDims(a, In(m, op, 1)) || !SameDims(a, Out(m, op))) return MOTE_RT_BAD_SHAPE;
  if (!IsI8(a)) return CheckUnusedParams(op, 0);
  // int8 constants carry no zero point: only activations can be added.
  if (In(m, op, 0).kind != MOTE_TENSOR_ACTIVATION || In(m, op, 1).kind != MOTE_TENSOR_ACTIVATION)
    return MOTE_RT_BAD_TENSOR;
  MOTE_RT_TRY(CheckUnusedParams(op, 4));
  if (!RequantOk(op.params[0], op.params[1]) || !RequantOk(op.params[2], op.params[3])) return MOTE_RT_BAD_PARAMS;
  return CheckI8Clamp(op);
}

void RunAdd(const mote_rt_model& m, const MoteOpRecord& op) {
  const uint32_t n = ElementsOf(Out(m, op));
  if (!RunsI8(Out(m, op))) {
    kernels::F32Add(n, InF32(m, op, 0), InF32(m, op, 1), OutF32(m, op));
    ClampF32(op, OutF32(m, op), n);
    return;
  }
  const int8_t* a = InI8(m, op, 0);
  const int8_t* b = InI8(m, op, 1);
  int8_t* y = OutI8(m, op);
  const int32_t za = In(m, op, 0).zero_point, zb = In(m, op, 1).zero_point;
  const int64_t zy = Out(m, op).zero_point, lo = I8Min(op), hi = I8Max(op);
  const int32_t* p = op.params;
  for (uint32_t i = 0; i < n; ++i) {
    const int64_t q = zy + Rescale(a[i] - za, p[0], p[1]) + Rescale(b[i] - zb, p[2], p[3]);
    y[i] = int8_t(q < lo ? lo : (q > hi ? hi : q));
  }
}

}  // namespace rt
}  // namespace mote
