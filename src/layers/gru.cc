#include "mote/layers/gru.h"

#include "mote/describe.h"
#include "mote/kernels.h"

namespace mote {

namespace {
// Gate blocks of a row of the gate matrix (runtime format order).
enum Gate : size_t { kUpdate = 0, kReset = 1, kCandidate = 2 };
}  // namespace

GRU::GRU(size_t units, const RecurrentOptions& options) : Recurrent(units, 3, options) {}

Status GRU::PlanCell(PlanContext&, size_t max_batch, size_t, size_t* cell_scratch_floats) {
  // r * h_{t-1} and, in Backward, d loss / d (r * h_{t-1}).
  *cell_scratch_floats = 2 * max_batch * units_;
  return Status::Ok();
}

void GRU::ResetState(const Step& s, float* rh) const {
  for (size_t b = 0; b < s.batch; ++b)
    kernels::F32Mul(units_, s.gates + b * s.gate_ld + kReset * units_, s.h_prev + b * s.state_ld, rh + b * units_);
}

void GRU::StepForward(const Step& s) {
  const size_t hu = units_;
  float* rh = s.cell_scratch;
  if (s.h_prev) AddRecurrentProduct(s, kUpdate, 2, s.h_prev, s.state_ld);
  ApplyToGates(s, kUpdate, 2, kernels::F32Sigmoid);
  if (s.h_prev) {
    ResetState(s, rh);
    AddRecurrentProduct(s, kCandidate, 1, rh, hu);
  }
  ApplyToGates(s, kCandidate, 1, kernels::F32Tanh);
  for (size_t b = 0; b < s.batch; ++b) {
    const float* z = s.gates + b * s.gate_ld + kUpdate * hu;
    const float* cand = s.gates + b * s.gate_ld + kCandidate * hu;
    const float* hp = s.h_prev ? s.h_prev + b * s.state_ld : nullptr;
    float* h = s.h + b * s.state_ld;
    for (size_t j = 0; j < hu; ++j) h[j] = (hp ? (1.0f - z[j]) * hp[j] : 0.0f) + z[j] * cand[j];
  }
}

void GRU::StepBackward(const Step& s) {
  const size_t hu = units_;
  for (size_t b = 0; b < s.batch; ++b) {
    const float* g = s.gates + b * s.gate_ld;
    const float *z = g + kUpdate * hu, *cand = g + kCandidate * hu;
    const float* hp = s.h_prev ? s.h_prev + b * s.state_ld : nullptr;
    const float* dh = s.dh + b * hu;
    float* da = s.gate_grads + b * s.gate_ld;
    float* dh_prev = s.dh_prev + b * hu;
    for (size_t j = 0; j < hu; ++j) {
      const float p = hp ? hp[j] : 0.0f;
      da[kCandidate * hu + j] = dh[j] * z[j] * (1.0f - cand[j] * cand[j]);
      da[kUpdate * hu + j] = dh[j] * (cand[j] - p) * z[j] * (1.0f - z[j]);
      da[kReset * hu + j] = 0.0f;  // h_{-1} = 0 at t = 0; set below otherwise
      dh_prev[j] = dh[j] * (1.0f - z[j]);
    }
  }
  if (!s.h_prev) return;
  float* rh = s.cell_scratch;
  float* drh = s.cell_scratch + s.batch * hu;
  ResetState(s, rh);
  // d(r * h_{t-1}) = da_candidate W_h; W_h's gradient += da_candidate^T (r * h_{t-1}).
  BackpropRecurrentProduct(s, kCandidate, 1, rh, hu, drh, false);
  for (size_t b = 0; b < s.batch; ++b) {
    const float* r = s.gates + b * s.gate_ld + kReset * hu;
    const float* hp = s.h_prev + b * s.state_ld;
    const float* d = drh + b * hu;
    float* da = s.gate_grads + b * s.gate_ld + kReset * hu;
    float* dh_prev = s.dh_prev + b * hu;
    for (size_t j = 0; j < hu; ++j) {
      da[j] = d[j] * hp[j] * r[j] * (1.0f - r[j]);
      dh_prev[j] += d[j] * r[j];
    }
  }
  BackpropRecurrentProduct(s, kUpdate, 2, s.h_prev, s.state_ld, s.dh_prev, true);
}

Status GRU::Describe(OptionWriter& out) const {
  out.Type("gru");
  DescribeRecurrent(out);
  return Status::Ok();
}

}  // namespace mote
