#include "mote/layers/lstm.h"

#include <string.h>

#include "mote/describe.h"
#include "mote/kernels.h"

namespace mote {

namespace {
// Gate blocks of a row of the gate matrix (runtime format order).
enum Gate : size_t { kInput = 0, kForget = 1, kCandidate = 2, kOutput = 3 };
}  // namespace

LSTM::LSTM(size_t units, const RecurrentOptions& options, float forget_bias)
    : Recurrent(units, 4, options), forget_bias_(forget_bias) {}

InitSpec LSTM::BiasInit() const {
  InitSpec spec{InitKind::kConstantBlock, forget_bias_};
  spec.block_begin = kForget * units_;
  spec.block_end = (kForget + 1) * units_;
  return spec;
}

Status LSTM::PlanCell(PlanContext& ctx, size_t max_batch, size_t steps, size_t* cell_scratch_floats) {
  const size_t floats = max_batch * steps * units_;  // no overflow: the gate buffer (4x) was checked
  cells_h_ = ctx.AddBuffer(floats);
  cells_tanh_h_ = ctx.AddBuffer(floats);
  *cell_scratch_floats = max_batch * units_;  // d loss / d c_t carried backwards
  return Status::Ok();
}

void LSTM::BindCell(const BindContext& ctx) {
  cells_ = ctx.buffer(cells_h_);
  cells_tanh_ = ctx.buffer(cells_tanh_h_);
}

void LSTM::BeginBackward(size_t batch, float* cell_scratch) { memset(cell_scratch, 0, batch * units_ * sizeof(float)); }

void LSTM::StepForward(const Step& s) {
  const size_t hu = units_;
  if (s.h_prev) AddRecurrentProduct(s, 0, 4, s.h_prev, s.state_ld);
  ApplyToGates(s, kInput, 2, kernels::F32Sigmoid);  // input and forget
  ApplyToGates(s, kCandidate, 1, kernels::F32Tanh);
  ApplyToGates(s, kOutput, 1, kernels::F32Sigmoid);
  const size_t offset = s.t * hu;  // of (b = 0, t) in the [N, T, H] buffers, row stride state_ld
  for (size_t b = 0; b < s.batch; ++b) {
    const float* g = s.gates + b * s.gate_ld;
    const float *in = g + kInput * hu, *forget = g + kForget * hu, *cand = g + kCandidate * hu,
                *out = g + kOutput * hu;
    float* c = cells_ + offset + b * s.state_ld;
    const float* c_prev = s.t > 0 ? c - hu : nullptr;
    for (size_t j = 0; j < hu; ++j) c[j] = (c_prev ? forget[j] * c_prev[j] : 0.0f) + in[j] * cand[j];
    float* tc = cells_tanh_ + offset + b * s.state_ld;
    kernels::F32Tanh(hu, c, tc);
    kernels::F32Mul(hu, out, tc, s.h + b * s.state_ld);
  }
}

void LSTM::StepBackward(const Step& s) {
  const size_t hu = units_;
  const size_t offset = s.t * hu;
  for (size_t b = 0; b < s.batch; ++b) {
    const float* g = s.gates + b * s.gate_ld;
    const float *in = g + kInput * hu, *forget = g + kForget * hu, *cand = g + kCandidate * hu,
                *out = g + kOutput * hu;
    const float* tc = cells_tanh_ + offset + b * s.state_ld;
    const float* c_prev = s.t > 0 ? cells_ + offset + b * s.state_ld - hu : nullptr;
    const float* dh = s.dh + b * hu;
    float* dc = s.cell_scratch + b * hu;  // in: d loss / d c_t from step t + 1; out: for c_{t-1}
    float* da = s.gate_grads + b * s.gate_ld;
    for (size_t j = 0; j < hu; ++j) {
      const float dc_t = dc[j] + dh[j] * out[j] * (1.0f - tc[j] * tc[j]);
      const float cp = c_prev ? c_prev[j] : 0.0f;
      da[kInput * hu + j] = dc_t * cand[j] * in[j] * (1.0f - in[j]);
      da[kForget * hu + j] = dc_t * cp * forget[j] * (1.0f - forget[j]);
      da[kCandidate * hu + j] = dc_t * in[j] * (1.0f - cand[j] * cand[j]);
      da[kOutput * hu + j] = dh[j] * tc[j] * out[j] * (1.0f - out[j]);
      dc[j] = dc_t * forget[j];
    }
  }
  if (s.h_prev) BackpropRecurrentProduct(s, 0, 4, s.h_prev, s.state_ld, s.dh_prev, false);
}

Status LSTM::Describe(OptionWriter& out) const {
  out.Type("lstm");
  DescribeRecurrent(out);
  out.Number("forget_bias", forget_bias_);
  return Status::Ok();
}

}  // namespace mote
