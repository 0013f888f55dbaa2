// Internal to the runtime: what the loader and the ops share.
//
// Adding an op = one file with `mote_rt_status ValidateX(const mote_rt_model&,
// const MoteOpRecord&)` (called once by mote_rt_model_init, after the loader
// has checked every tensor record, the op's tensor ids, scratch range and
// clamp) and `void RunX(const mote_rt_model&, const MoteOpRecord&)` (cannot
// fail: everything it relies on was validated), declared below and listed in
// op_table.cc. Freestanding: no heap, no libc beyond memcpy/memset.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"
#include "mote/rt.h"

namespace mote {
namespace rt {

using ValidateFn = mote_rt_status (*)(const mote_rt_model& m, const MoteOpRecord& op);
using RunFn = void (*)(const mote_rt_model& m, const MoteOpRecord& op);
struct OpKind {
  ValidateFn validate;
  RunFn run;
};
// The entry of a known op type, or null.
const OpKind* FindOp(uint32_t type);

#define MOTE_RT_DECLARE_OP(name)                                        \
  mote_rt_status Validate##name(const mote_rt_model& m, const MoteOpRecord& op); \
  void Run##name(const mote_rt_model& m, const MoteOpRecord& op);
MOTE_RT_DECLARE_OP(Conv2D)
MOTE_RT_DECLARE_OP(DepthwiseConv2D)
MOTE_RT_DECLARE_OP(Dense)
MOTE_RT_DECLARE_OP(MaxPool2D)
MOTE_RT_DECLARE_OP(AvgPool2D)
MOTE_RT_DECLARE_OP(GlobalAvgPool)
MOTE_RT_DECLARE_OP(Add)
MOTE_RT_DECLARE_OP(Softmax)
MOTE_RT_DECLARE_OP(Reshape)
MOTE_RT_DECLARE_OP(Quantize)
MOTE_RT_DECLARE_OP(Dequantize)
MOTE_RT_DECLARE_OP(ChannelAffine)
MOTE_RT_DECLARE_OP(Recurrent)  // SIMPLE_RNN, LSTM and GRU
MOTE_RT_DECLARE_OP(Activation)  // SIGMOID, TANH and LEAKY_RELU
#undef MOTE_RT_DECLARE_OP

// The trainable tail (src/runtime/train.cc): the loader's checks of m.train
// (after every op and the IO ids checked), the copy of the initial weights at
// init, and the tail's forward pass from the arena's weights.
mote_rt_status CheckTrain(const mote_rt_model& m);
void InitTrain(mote_rt_model& m);
void RunTrainDense(const mote_rt_model& m, const MoteOpRecord& op);

// ---- tensors -----------------------------------------------------------------
inline const MoteTensorRecord& In(const mote_rt_model& m, const MoteOpRecord& op, int i) {
  return m.tensors[op.inputs[i]];
}
inline const MoteTensorRecord& Out(const mote_rt_model& m, const MoteOpRecord& op) { return m.tensors[op.output]; }
// Where a tensor's data lives (constants in the model bytes, activations in
// the arena). Only ops write, and only activations.
inline uint8_t* DataOf(const mote_rt_model& m, uint16_t id) {
  const MoteTensorRecord& t = m.tensors[id];
  return t.kind == MOTE_TENSOR_CONSTANT ? const_cast<uint8_t*>(m.bytes) + t.offset : m.arena + t.offset;
}
inline const float* InF32(const mote_rt_model& m, const MoteOpRecord& op, int i) {
  return reinterpret_cast<const float*>(DataOf(m, op.inputs[i]));
}
inline const int8_t* InI8(const mote_rt_model& m, const MoteOpRecord& op, int i) {
  return reinterpret_cast<const int8_t*>(DataOf(m, op.inputs[i]));
}
inline const int32_t* InI32(const mote_rt_model& m, const MoteOpRecord& op, int i) {
  return reinterpret_cast<const int32_t*>(DataOf(m, op.inputs[i]));
}
inline float* OutF32(const mote_rt_model& m, const MoteOpRecord& op) {
  return reinterpret_cast<float*>(DataOf(m, op.output));
}
inline int8_t* OutI8(const mote_rt_model& m, const MoteOpRecord& op) {
  return reinterpret_cast<int8_t*>(DataOf(m, op.output));
}
inline uint8_t* Scratch(const mote_rt_model& m, const MoteOpRecord& op) { return m.arena + op.scratch_offset; }

// Element count (fits in uint32: bytes do, checked by the loader).
uint32_t ElementsOf(const MoteTensorRecord& t);
// The last used dim (channels for NHWC).
inline uint32_t LastDim(const MoteTensorRecord& t) { return t.dims[t.rank - 1]; }
bool SameDims(const MoteTensorRecord& a, const MoteTensorRecord& b);
inline bool IsI8(const MoteTensorRecord& t) { return t.dtype == MOTE_DTYPE_I8; }

// ---- validation helpers (each returns the status class of what it checks) ------
// input_count in [min_inputs, max_inputs] (else BAD_PARAMS).
mote_rt_status CheckInputCount(const MoteOpRecord& op, uint32_t min_inputs, uint32_t max_inputs);
// Input i (or the output when i < 0) has this dtype (else BAD_TENSOR).
mote_rt_status CheckDType(const mote_rt_model& m, const MoteOpRecord& op, int i, uint8_t dtype);
// Input i is a constant in the model bytes (weights, biases, requantization tables).
mote_rt_status CheckConstant(const mote_rt_model& m, const MoteOpRecord& op, int i);
// params[first..8) are 0 (else BAD_PARAMS).
mote_rt_status CheckUnusedParams(const MoteOpRecord& op, int first);
// An int8 output clamp [act_min, act_max] must be exact int8 values (else BAD_PARAMS).
mote_rt_status CheckI8Clamp(const MoteOpRecord& op);
// For ops without a fused activation: the clamp is the identity of the output dtype.
mote_rt_status CheckNoClamp(const mote_rt_model& m, const MoteOpRecord& op);
// multiplier in [2^30, 2^31), shift in [1, 62] (else BAD_PARAMS).
bool RequantOk(int32_t multiplier, int32_t shift);
// Input i is a constant int32 requantization table [2 * channels] with every
// entry in range.
mote_rt_status CheckRequantTable(const mote_rt_model& m, const MoteOpRecord& op, int i, uint32_t channels);
// Input i is a constant int32 bias [channels] and the dot-product length
// k <= 2^16, with |bias| <= min(2^30, 2^31 - 1 - k * 2^14): int32 accumulation
// of the bias and k int8 products cannot overflow.
mote_rt_status CheckI8Bias(const mote_rt_model& m, const MoteOpRecord& op, int i, uint32_t channels, uint32_t k);
// Conv, depthwise conv and dense: inputs x (f32 or int8), constant weights
// of x's dtype, a constant bias, and for int8 a requantization table (4
// inputs, else 3); the output has x's dtype.
mote_rt_status CheckWeightedOpInputs(const mote_rt_model& m, const MoteOpRecord& op);
// Their bias [channels] (f32, or int8's int32 bias within the bound for dot
// products of length k) and, for int8, the clamp and requantization table.
mote_rt_status CheckBiasAndRequant(const mote_rt_model& m, const MoteOpRecord& op, uint32_t channels, uint32_t k);
// Shared by conv, depthwise conv and pooling: params[0..6) = window_h,
// window_w, stride_h, stride_w, pad_top, pad_left in range and the NHWC output
// [out_h, out_w, *] consistent with the input [in_h, in_w, *]: every window
// overlaps the input.
mote_rt_status CheckWindow(const MoteOpRecord& op, const MoteTensorRecord& in, const MoteTensorRecord& out);
// The op's scratch holds at least `bytes` (range already inside the arena).
inline mote_rt_status CheckScratch(const MoteOpRecord& op, uint64_t bytes) {
  return op.scratch_bytes >= bytes ? MOTE_RT_OK : MOTE_RT_BAD_OFFSET;
}

// ---- run helpers ------------------------------------------------------------------
// Conv / depthwise geometry of a validated op: input [H, W, C] (inputs[0]),
// output [out_h, out_w, *], params[0..6) window, stride, padding; batch 1.
kernels::Conv2DGeometry WindowGeometry(const mote_rt_model& m, const MoteOpRecord& op);
// int8 clamp bounds of an op (validated exact).
inline int32_t I8Min(const MoteOpRecord& op) { return int32_t(op.act_min); }
inline int32_t I8Max(const MoteOpRecord& op) { return int32_t(op.act_max); }
// Applies the op's f32 clamp to y[0..n) unless it is [-inf, inf].
void ClampF32(const MoteOpRecord& op, float* y, uint32_t n);
// Rounds v to the nearest int, halves away from zero, then clamps to
// [lo, hi]; NaN gives lo. Exact for every float.
int32_t RoundClampF32(float v, int32_t lo, int32_t hi);
// Integer mean rounded half away from zero (count > 0).
inline int32_t DivRoundAway(int32_t sum, int32_t count) {
  return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}

#define MOTE_RT_TRY(expr)                          \
  do {                                             \
    const mote_rt_status mote_rt_s_ = (expr);      \
    if (mote_rt_s_ != MOTE_RT_OK) return mote_rt_s_; \
  } while (0)

}  // namespace rt
}  // namespace mote
