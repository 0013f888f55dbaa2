// SimpleRNN (the basic RNN of Deep Learning eq. 10.8), one gate (G = 1):
//   a_t = b + W h_{t-1} + U x_t,   h_t = tanh(a_t),   h_{-1} = 0
// with U = "kernel" {H, F}, W = "recurrent_kernel" {H, H}, b = "bias" {H}.
// Shapes, options and errors: include/mote/layers/recurrent.h.
#pragma once
#include "mote/layers/recurrent.h"

namespace mote {

class SimpleRNN final : public Recurrent {
 public:
  explicit SimpleRNN(size_t units, const RecurrentOptions& options = RecurrentOptions{});
  const char* type() const override { return "SimpleRNN"; }
  Status Describe(OptionWriter& out) const override;

 private:
  MoteOpType runtime_op() const override { return MOTE_OP_SIMPLE_RNN; }
  void StepForward(const Step& s) override;
  void StepBackward(const Step& s) override;
};

}  // namespace mote
