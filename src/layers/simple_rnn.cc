#include "mote/layers/simple_rnn.h"

#include "mote/describe.h"
#include "mote/kernels.h"

namespace mote {

SimpleRNN::SimpleRNN(size_t units, const RecurrentOptions& options) : Recurrent(units, 1, options) {}

void SimpleRNN::StepForward(const Step& s) {
  if (s.h_prev) AddRecurrentProduct(s, 0, 1, s.h_prev, s.state_ld);
  for (size_t b = 0; b < s.batch; ++b) kernels::F32Tanh(units_, s.gates + b * s.gate_ld, s.h + b * s.state_ld);
}

void SimpleRNN::StepBackward(const Step& s) {
  const size_t hu = units_;
  for (size_t b = 0; b < s.batch; ++b) {
    const float* h = s.h + b * s.state_ld;
    const float* dh = s.dh + b * hu;
    float* da = s.gate_grads + b * s.gate_ld;
    for (size_t j = 0; j < hu; ++j) da[j] = dh[j] * (1.0f - h[j] * h[j]);
  }
  if (s.h_prev) BackpropRecurrentProduct(s, 0, 1, s.h_prev, s.state_ld, s.dh_prev, false);
}

Status SimpleRNN::Describe(OptionWriter& out) const {
  out.Type("simple_rnn");
  DescribeRecurrent(out);
  return Status::Ok();
}

}  // namespace mote
