// Validation and run helpers shared by the ops (src/runtime/op.h).
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

constexpr float kInf = __builtin_inff();
// Window sizes, strides and pads beyond this are not plausible and would only
// invite overflow.
constexpr int32_t kMaxWindowParam = 0xFFFF;

// An integer in [-128, 127] (and not NaN): rounding and clamping leave it
// as it is. Out of line: one copy for both clamp bounds (code size).
__attribute__((noinline)) bool IsI8Value(float v) { return float(RoundClampF32(v, -128, 127)) == v; }

// One spatial axis: window k, stride s, pad p < k: the last of `out`
// windows must still start inside [0, in) (so every window overlaps it).
// s and p are checked non-negative: unsigned sums and products (one UMULL).
bool AxisOk(uint32_t in, uint32_t out, int32_t s, int32_t p) {
  return uint64_t(out - 1) * uint32_t(s) <= uint64_t(in - 1) + uint32_t(p);
}

}  // namespace

uint32_t ElementsOf(const MoteTensorRecord& t) { return t.dims[0] * t.dims[1] * t.dims[2] * t.dims[3]; }

bool SameDims(const MoteTensorRecord& a, const MoteTensorRecord& b) {
  if (a.rank != b.rank) return false;
  for (uint32_t i = 0; i < MOTE_MODEL_MAX_RANK; ++i)
    if (a.dims[i] != b.dims[i]) return false;
  return true;
}

mote_rt_status CheckInputCount(const MoteOpRecord& op, uint32_t min_inputs, uint32_t max_inputs) {
  return op.input_count >= min_inputs && op.input_count <= max_inputs ? MOTE_RT_OK : MOTE_RT_BAD_PARAMS;
}

mote_rt_status CheckDType(const mote_rt_model& m, const MoteOpRecord& op, int i, uint8_t dtype) {
  const MoteTensorRecord& t = i < 0 ? Out(m, op) : In(m, op, i);
  return t.dtype == dtype ? MOTE_RT_OK : MOTE_RT_BAD_TENSOR;
}

mote_rt_status CheckConstant(const mote_rt_model& m, const MoteOpRecord& op, int i) {
  return In(m, op, i).kind == MOTE_TENSOR_CONSTANT ? MOTE_RT_OK : MOTE_RT_BAD_TENSOR;
}

mote_rt_status CheckUnusedParams(const MoteOpRecord& op, int first) {
  for (int i = first; i < 8; ++i)
    if (op.params[i] != 0) return MOTE_RT_BAD_PARAMS;
  return MOTE_RT_OK;
}

mote_rt_status CheckI8Clamp(const MoteOpRecord& op) {
  return IsI8Value(op.act_min) && IsI8Value(op.act_max) ? MOTE_RT_OK : MOTE_RT_BAD_PARAMS;
}

mote_rt_status CheckNoClamp(const mote_rt_model& m, const MoteOpRecord& op, int first_unused) {
  MOTE_RT_TRY(CheckUnusedParams(op, first_unused));
  // Compared as bits (integer compares, no FPU flags): each bound has one
  // encoding, -128 / 127 (0xC3000000 / 0x42FE0000) or -inf / inf.
  const bool i8 = IsI8(Out(m, op));
  uint32_t lo, hi;
  __builtin_memcpy(&lo, &op.act_min, 4);
  __builtin_memcpy(&hi, &op.act_max, 4);
  return lo == (i8 ? 0xC3000000u : 0xFF800000u) && hi == (i8 ? 0x42FE0000u : 0x7F800000u) ? MOTE_RT_OK
                                                                                          : MOTE_RT_BAD_PARAMS;
}

bool RequantOk(int32_t multiplier, int32_t shift) {
  return multiplier >= (int32_t(1) << 30) && shift >= 1 && shift <= 62;
}

mote_rt_status CheckWeightedOpInputs(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 3, 4));
  const MoteTensorRecord& x = In(m, op, 0);
  const bool i8 = ComputesI8(x);
  if (!i8 && x.dtype == MOTE_DTYPE_I32) return MOTE_RT_BAD_TENSOR;
  if (op.input_count != (i8 ? 4 : 3)) return MOTE_RT_BAD_PARAMS;
  // Every input but x is a constant; the bias and the requant table of int8
  // are int32. One status for all of it.
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& bias = In(m, op, 2);
  bool ok = w.dtype == x.dtype && Out(m, op).dtype == x.dtype && w.kind == MOTE_TENSOR_CONSTANT &&
            bias.kind == MOTE_TENSOR_CONSTANT && bias.dtype == (i8 ? MOTE_DTYPE_I32 : MOTE_DTYPE_F32);
  if (i8) ok = ok && In(m, op, 3).kind == MOTE_TENSOR_CONSTANT && In(m, op, 3).dtype == MOTE_DTYPE_I32;
  return ok ? MOTE_RT_OK : MOTE_RT_BAD_TENSOR;
}

mote_rt_status CheckBiasAndRequant(const mote_rt_model& m, const MoteOpRecord& op, uint32_t channels, uint32_t k,
                                   uint32_t bias_rows) {
  if (ElementsOf(In(m, op, 2)) != uint64_t(channels) * bias_rows) return MOTE_RT_BAD_SHAPE;
  if (!ComputesI8(In(m, op, 0))) return MOTE_RT_OK;
  MOTE_RT_TRY(CheckI8Clamp(op));
  // 2 * channels fits: the bias's 4 * channels bytes do.
  if (k > (1u << 16) || ElementsOf(In(m, op, 3)) != 2 * channels) return MOTE_RT_BAD_SHAPE;
  // Each product of two int8 values is at most 128 * 128 = 2^14 in magnitude,
  // so every partial sum of bias + k products, in any order, stays within
  // |bias| + k * 2^14: that must fit in an int32 (k * 2^14 <= 2^30 here).
  const int32_t room = INT32_MAX - int32_t(k << 14);
  const int32_t limit = room < (int32_t(1) << 30) ? room : (int32_t(1) << 30);
  const int32_t* bias = InI32(m, op, 2);
  const int32_t* requant = InI32(m, op, 3);
  for (uint32_t c = 0; c < channels; ++c)
    if (bias[c] > limit || bias[c] < -limit || !RequantOk(requant[c], requant[channels + c]))
      return MOTE_RT_BAD_PARAMS;
  return MOTE_RT_OK;
}

mote_rt_status CheckWindow(const MoteOpRecord& op, const MoteTensorRecord& in, const MoteTensorRecord& out) {
  const int32_t* p = op.params;
  for (int i = 0; i < 6; ++i)
    if (p[i] < (i < 4 ? 1 : 0) || p[i] > kMaxWindowParam) return MOTE_RT_BAD_PARAMS;
  // A window must not start entirely in the padding.
  if (p[4] >= p[0] || p[5] >= p[1]) return MOTE_RT_BAD_PARAMS;
  if (in.rank != 3 || out.rank != 3) return MOTE_RT_BAD_SHAPE;
  if (!AxisOk(in.dims[0], out.dims[0], p[2], p[4]) || !AxisOk(in.dims[1], out.dims[1], p[3], p[5]))
    return MOTE_RT_BAD_SHAPE;
  return MOTE_RT_OK;
}

kernels::Conv2DGeometry WindowGeometry(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  const int32_t* p = op.params;
  kernels::Conv2DGeometry g{};
  g.batch = 1;
  g.in_h = x.dims[0], g.in_w = x.dims[1], g.in_c = x.dims[2];
  g.kernel_h = size_t(p[0]), g.kernel_w = size_t(p[1]);
  g.stride_h = size_t(p[2]), g.stride_w = size_t(p[3]);
  g.pad_top = size_t(p[4]), g.pad_left = size_t(p[5]);
  g.out_h = y.dims[0], g.out_w = y.dims[1];
  return g;
}

kernels::I8Requant I8RequantOf(const mote_rt_model& m, const MoteOpRecord& op, uint32_t channels) {
  const int32_t* requant = InI32(m, op, 3);
  return {InI32(m, op, 2), requant, requant + channels, Out(m, op).zero_point, I8Min(op), I8Max(op)};
}

void ClampF32(const MoteOpRecord& op, float* y, uint32_t n) {
  const float lo = op.act_min, hi = op.act_max;
  if (lo == -kInf && hi == kInf) return;
  for (uint32_t i = 0; i < n; ++i) {
    const float v = y[i] < lo ? lo : y[i];
    y[i] = v > hi ? hi : v;
  }
}

}  // namespace rt
}  // namespace mote
