// SIMPLE_RNN / LSTM / GRU (f32): x [T, F] -> every state [T, H] (p[1] = 1) or
// the last [H] (p[1] = 0), p[0] = H; inputs x, W [G*H][F], U [G*H][H], bias
// [G*H]; the state starts at 0. One time step at a time with the dense-row
// kernel and the sigmoid / tanh kernels, the same formulas and gate order as
// the training layers (include/mote/layers/{simple_rnn,lstm,gru}.h).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

namespace {
constexpr float kInf = __builtin_inff();
}  // namespace

mote_rt_status ValidateRecurrent(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 4, 4));
  for (int i = -1; i < 4; ++i) MOTE_RT_TRY(CheckDType(m, op, i, MOTE_DTYPE_F32));
  for (int i = 1; i < 4; ++i) MOTE_RT_TRY(CheckConstant(m, op, i));
  MOTE_RT_TRY(CheckNoClamp(m, op, 2));
  if (op.params[0] <= 0 || (op.params[1] != 0 && op.params[1] != 1)) return MOTE_RT_BAD_PARAMS;
  const uint64_t h = uint64_t(op.params[0]), gh = mote_recurrent_gates(op.type) * h;
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& u = In(m, op, 2);
  const MoteTensorRecord& y = Out(m, op);
  if (x.rank != 2) return MOTE_RT_BAD_SHAPE;
  const uint32_t steps = x.dims[0], features = x.dims[1];
  if (w.rank != 2 || w.dims[0] != gh || w.dims[1] != features) return MOTE_RT_BAD_SHAPE;
  if (u.rank != 2 || u.dims[0] != gh || u.dims[1] != h) return MOTE_RT_BAD_SHAPE;
  if (ElementsOf(In(m, op, 3)) != gh) return MOTE_RT_BAD_SHAPE;
  const bool sequences = op.params[1] == 1;
  if (sequences ? (y.rank != 2 || y.dims[0] != steps || y.dims[1] != h) : ElementsOf(y) != h)
    return MOTE_RT_BAD_SHAPE;
  return CheckScratch(op, mote_recurrent_scratch_floats(op.type, uint32_t(h)) * sizeof(float));
}

void RunRecurrent(const mote_rt_model& m, const MoteOpRecord& op) {
  const size_t hu = size_t(op.params[0]), gh = mote_recurrent_gates(op.type) * hu;
  const size_t steps = In(m, op, 0).dims[0], features = In(m, op, 0).dims[1];
  const bool sequences = op.params[1] == 1;
  const float* x = InF32(m, op, 0);
  const float* w = InF32(m, op, 1);
  const float* u = InF32(m, op, 2);
  const float* bias = InF32(m, op, 3);
  float* out = OutF32(m, op);
  float* gates = reinterpret_cast<float*>(Scratch(m, op));
  float* product = gates + gh;
  float* h = product + gh;
  float* aux = h + hu;  // LSTM: c; GRU: r * h
  __builtin_memset(h, 0, 2 * hu * sizeof(float));
  for (size_t t = 0; t < steps; ++t) {
    // gates = W x_t + b (+ U h_{t-1} over the gates that read h directly; h_{-1} = 0).
    kernels::F32DenseRows(1, gh, features, x + t * features, features, w, features, bias, -kInf, kInf, gates, gh);
    const size_t direct = op.type == MOTE_OP_GRU ? 2 * hu : gh;
    if (t > 0) {
      kernels::F32DenseRows(1, direct, hu, h, hu, u, hu, nullptr, -kInf, kInf, product, direct);
      kernels::F32Add(direct, gates, product, gates);
    }
    if (op.type == MOTE_OP_SIMPLE_RNN) {
      kernels::F32Tanh(hu, gates, h);
    } else if (op.type == MOTE_OP_LSTM) {
      // Gates input, forget, candidate, output.
      kernels::F32Sigmoid(2 * hu, gates, gates);
      kernels::F32Tanh(hu, gates + 2 * hu, gates + 2 * hu);
      kernels::F32Sigmoid(hu, gates + 3 * hu, gates + 3 * hu);
      const float *in = gates, *forget = gates + hu, *cand = gates + 2 * hu, *o = gates + 3 * hu;
      for (size_t j = 0; j < hu; ++j) aux[j] = (t > 0 ? forget[j] * aux[j] : 0.0f) + in[j] * cand[j];
      kernels::F32Tanh(hu, aux, product);
      kernels::F32Mul(hu, o, product, h);
    } else {
      // Gates update, reset, candidate; the reset gate scales h before W_h.
      kernels::F32Sigmoid(2 * hu, gates, gates);
      const float *z = gates, *r = gates + hu;
      float* cand = gates + 2 * hu;
      if (t > 0) {
        kernels::F32Mul(hu, r, h, aux);
        kernels::F32DenseRows(1, hu, hu, aux, hu, u + 2 * hu * hu, hu, nullptr, -kInf, kInf, product, hu);
        kernels::F32Add(hu, cand, product, cand);
      }
      kernels::F32Tanh(hu, cand, cand);
      for (size_t j = 0; j < hu; ++j) h[j] = (t > 0 ? (1.0f - z[j]) * h[j] : 0.0f) + z[j] * cand[j];
    }
    if (sequences) __builtin_memcpy(out + t * hu, h, hu * sizeof(float));
  }
  if (!sequences) __builtin_memcpy(out, h, hu * sizeof(float));
}

}  // namespace rt
}  // namespace mote
