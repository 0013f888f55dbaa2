// QUANTIZE (f32 -> int8 with the output's scale and zero point, round half
// away from zero, saturating: kernels::I8Quantize, vectorized on hosts) and
// DEQUANTIZE (int8 -> f32).
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

mote_rt_status ValidateConvert(const mote_rt_model& m, const MoteOpRecord& op, uint8_t from, uint8_t to) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  // int8 constants have no scale to convert with.
  if (x.dtype != from || y.dtype != to || (from == MOTE_DTYPE_I8 && x.kind != MOTE_TENSOR_ACTIVATION))
    return MOTE_RT_BAD_TENSOR;
  if (!SameDims(x, y)) return MOTE_RT_BAD_SHAPE;
  return CheckNoClamp(m, op, 0);
}

}  // namespace

mote_rt_status ValidateQuantize(const mote_rt_model& m, const MoteOpRecord& op) {
  return ValidateConvert(m, op, MOTE_DTYPE_F32, MOTE_DTYPE_I8);
}

mote_rt_status ValidateDequantize(const mote_rt_model& m, const MoteOpRecord& op) {
  return ValidateConvert(m, op, MOTE_DTYPE_I8, MOTE_DTYPE_F32);
}

void RunQuantize(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& y = Out(m, op);
  kernels::I8Quantize(ElementsOf(y), InF32(m, op, 0), y.scale, y.zero_point, OutI8(m, op));
}

void RunDequantize(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const int8_t* q = InI8(m, op, 0);
  float* y = OutF32(m, op);
  const uint32_t n = ElementsOf(x);
  for (uint32_t i = 0; i < n; ++i) y[i] = x.scale * float(int32_t(q[i]) - x.zero_point);
}

}  // namespace rt
}  // namespace mote
