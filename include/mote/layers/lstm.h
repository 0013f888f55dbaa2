// LSTM (Hochreiter and Schmidhuber 1997), four gates (G = 4) in the runtime format's order
// input, forget, candidate, output; with x = x_t, h = h_{t-1}:
//   i_t = sigmoid(U_i x + W_i h + b_i)     f_t = sigmoid(U_f x + W_f h + b_f)
//   g_t = tanh(U_g x + W_g h + b_g)        o_t = sigmoid(U_o x + W_o h + b_o)
//   c_t = f_t * c_{t-1} + i_t * g_t        h_t = o_t * tanh(c_t)
// with h_{-1} = c_{-1} = 0 (the candidate g is often written c~;
// use_bias = false gives the bias-free form). U = "kernel" {4H, F},
// W = "recurrent_kernel" {4H, H}, b = "bias" {4H}. `forget_bias` is the
// initial forget-gate bias (1, Jozefowicz et al. 2015: remember by default);
// the other biases start at 0. The output is h (the cell state c is internal).
// Shapes, options and errors: include/mote/layers/recurrent.h.
#pragma once
#include "mote/layers/recurrent.h"

namespace mote {

class LSTM final : public Recurrent {
 public:
  explicit LSTM(size_t units, const RecurrentOptions& options = RecurrentOptions{}, float forget_bias = 1.0f);
  const char* type() const override { return "LSTM"; }
  Status Describe(OptionWriter& out) const override;

 private:
  MoteOpType runtime_op() const override { return MOTE_OP_LSTM; }
  Status PlanCell(PlanContext& ctx, size_t max_batch, size_t steps, size_t* cell_scratch_floats) override;
  void BindCell(const BindContext& ctx) override;
  InitSpec BiasInit() const override;
  void BeginBackward(size_t batch, float* cell_scratch) override;
  void StepForward(const Step& s) override;
  void StepBackward(const Step& s) override;

  float forget_bias_;
  BufferHandle cells_h_, cells_tanh_h_;
  float* cells_ = nullptr;       // [N, T, H]: c_t
  float* cells_tanh_ = nullptr;  // [N, T, H]: tanh(c_t)
};

}  // namespace mote
