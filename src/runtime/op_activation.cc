// SIGMOID, TANH and LEAKY_RELU (f32): elementwise, x -> y of the same dims.
// Sigmoid and tanh run on the F32Sigmoid / F32Tanh kernels (the recurrent
// ops' too), which compute the training library's SigmoidF / TanhF.
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

namespace {

float LeakyAlpha(const MoteOpRecord& op) {
  float alpha;
  __builtin_memcpy(&alpha, &op.params[0], sizeof(alpha));
  return alpha;
}

}  // namespace

mote_rt_status ValidateActivation(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  MOTE_RT_TRY(CheckDType(m, op, 0, MOTE_DTYPE_F32));
  MOTE_RT_TRY(CheckDType(m, op, -1, MOTE_DTYPE_F32));
  if (!SameDims(In(m, op, 0), Out(m, op))) return MOTE_RT_BAD_SHAPE;
  const bool leaky = op.type == MOTE_OP_LEAKY_RELU;
  if (leaky) {
    const float alpha = LeakyAlpha(op);
    if (!(alpha - alpha == 0.0f)) return MOTE_RT_BAD_PARAMS;  // NaN or infinite (no libm here)
  }
  return CheckNoClamp(m, op, leaky ? 1 : 0);
}

void RunActivation(const mote_rt_model& m, const MoteOpRecord& op) {
  const uint32_t n = ElementsOf(Out(m, op));
  const float* x = InF32(m, op, 0);
  float* y = OutF32(m, op);
  if (op.type == MOTE_OP_SIGMOID) {
    kernels::F32Sigmoid(n, x, y);
  } else if (op.type == MOTE_OP_TANH) {
    kernels::F32Tanh(n, x, y);
  } else {
    const float alpha = LeakyAlpha(op);
    for (uint32_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
  }
}

}  // namespace rt
}  // namespace mote
