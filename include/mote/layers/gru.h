// GRU (Cho et al. 2014), three gates (G = 3) in the
// runtime format's order update, reset, candidate; with x = x_t, h = h_{t-1}:
//   z_t = sigmoid(U_z x + W_z h + b_z)                 (update)
//   r_t = sigmoid(U_r x + W_r h + b_r)                 (reset)
//   h~_t = tanh(U_h x + W_h (r_t * h) + b_h)           (candidate)
//   h_t = (1 - z_t) * h + z_t * h~_t,   h_{-1} = 0
// as Cho et al. define it: the reset gate multiplies h BEFORE the recurrent
// product (Cho's original; PyTorch / cuDNN apply it after, to W_h h + b), and
// z_t weighs the NEW candidate. The runtime (MOTE_OP_GRU) computes the same.
// U = "kernel" {3H, F}, W = "recurrent_kernel" {3H, H}, b = "bias" {3H}
// (use_bias = false: the bias-free form).
// Shapes, options and errors: include/mote/layers/recurrent.h.
#pragma once
#include "mote/layers/recurrent.h"

namespace mote {

class GRU final : public Recurrent {
 public:
  explicit GRU(size_t units, const RecurrentOptions& options = RecurrentOptions{});
  const char* type() const override { return "GRU"; }
  Status Describe(OptionWriter& out) const override;

 private:
  MoteOpType runtime_op() const override { return MOTE_OP_GRU; }
  Status PlanCell(PlanContext& ctx, size_t max_batch, size_t steps, size_t* cell_scratch_floats) override;
  void StepForward(const Step& s) override;
  void StepBackward(const Step& s) override;
  // r_t * h_{t-1} into rh [batch, H].
  void ResetState(const Step& s, float* rh) const;
};

}  // namespace mote
