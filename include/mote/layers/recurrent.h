// Shared machinery of the recurrent layers SimpleRNN, LSTM and GRU: the
// sequence loop, backpropagation through time and the matrix
// products. Each cell (simple_rnn.h, lstm.h, gru.h) supplies one time step.
//
// Input:  [N, T, F], T the fixed sequence length (planned at Prepare).
// Output: [N, H], the last state h_{T-1}, or [N, T, H], every state, with
//         return_sequences.
// Params, with G gates stacked in the cell's order (the runtime format's
// layout, include/mote/model_format.h, MOTE_OP_SIMPLE_RNN / LSTM / GRU):
//   "kernel"           {G*H, F}: input weights, rows [g*H, (g+1)*H) gate g
//                      (U in Deep Learning ch. 10; kWeight, `kernel_init`, Glorot uniform);
//   "recurrent_kernel" {G*H, H}: recurrent weights (W in Deep Learning ch. 10; kWeight,
//                      `recurrent_init`, orthogonal);
//   "bias"             {G*H} (kBias) when use_bias.
// Every gate's pre-activation is x_t kernel_g^T + h_{t-1} recurrent_g^T +
// bias_g (GRU's candidate uses r_t * h_{t-1}); the state starts at 0.
//
// Computation: the input projections of all timesteps are ONE GEMM
// ([N*T, F] x kernel^T), the recurrent product is one GEMM per step, gate
// nonlinearities run on the F32Sigmoid / F32Tanh kernels. Backward runs
// through the whole sequence; the input-weight, bias and input gradients are
// again one GEMM each over all timesteps. Everything is planned at Prepare.
// Errors (Plan): kInvalidArgument for units == 0, not exactly one input, or a
// zero dimension; kShapeMismatch for an input that is not rank 3 [N, T, F];
// kOutOfRange for sizes that overflow.
#pragma once
#include <stddef.h>

#include "mote/layer.h"
#include "mote/model_format.h"

namespace mote {

struct RecurrentOptions {
  bool return_sequences = false;  // [N, T, H] (every state) instead of [N, H] (the last)
  bool use_bias = true;
  InitSpec kernel_init = InitSpec{};                                // Glorot uniform
  InitSpec recurrent_init = InitSpec{InitKind::kOrthogonal, 0.0f, 1.0f};
};

class Recurrent : public Layer {
 public:
  Status Plan(PlanContext& ctx, Shape* output_shape) final;
  void Bind(const BindContext& ctx) final;
  void Forward(const ForwardArgs& args) final;
  void Backward(const BackwardArgs& args) final;
  Status Lower(LoweringContext& ctx) const final;

  size_t units() const { return units_; }
  size_t gate_count() const { return gates_; }
  bool return_sequences() const { return options_.return_sequences; }
  bool use_bias() const { return options_.use_bias; }

 protected:
  Recurrent(size_t units, size_t gate_count, const RecurrentOptions& options);

  // One time step t of a batch. Rows are examples; row b of a matrix below
  // starts at ptr + b * ld with the ld given.
  struct Step {
    size_t batch, t;
    float* gates;         // [batch, G*H], ld gate_ld: x_t kernel^T + bias on entry (Forward)
    float* gate_grads;    // [batch, G*H], ld gate_ld: d loss / d pre-activations (Backward writes)
    const float* h_prev;  // [batch, H], ld state_ld; null at t = 0 (h_{-1} = 0)
    float* h;             // [batch, H], ld state_ld: h_t (Forward writes)
    size_t gate_ld, state_ld;
    const float* dh;      // [batch, H], ld H: d loss / d h_t (Backward)
    float* dh_prev;       // [batch, H], ld H: d loss / d h_{t-1} (Backward writes; unused at t = 0)
    float* cell_scratch;  // CellScratchFloats(batch) floats, kept across the steps of one call
    float* workspace;     // GEMM workspace
  };

  // Cell hooks. PlanCell declares extra saved buffers (sized for max_batch,
  // T steps) and returns the extra scratch floats Forward / Backward need.
  virtual Status PlanCell(PlanContext& ctx, size_t max_batch, size_t steps, size_t* cell_scratch_floats);
  virtual void BindCell(const BindContext& ctx);
  virtual InitSpec BiasInit() const;
  // The runtime op the cell exports to (MOTE_OP_SIMPLE_RNN / LSTM / GRU).
  virtual MoteOpType runtime_op() const = 0;
  // Before the first Backward step: reset what the cell carries between steps.
  virtual void BeginBackward(size_t batch, float* cell_scratch);
  virtual void StepForward(const Step& s) = 0;
  virtual void StepBackward(const Step& s) = 0;

  // Writes units and the RecurrentOptions for the cells' Describe.
  void DescribeRecurrent(OptionWriter& out) const;

  // Helpers for the cells, over gates [first, first + count) (H columns each):
  // gates[:, ...] += h recurrent[...]^T.
  void AddRecurrentProduct(const Step& s, size_t first, size_t count, const float* h, size_t h_ld) const;
  // dh_prev (+)= gate_grads[:, ...] recurrent[...] and recurrent_grad[...] +=
  // gate_grads[:, ...]^T h (skipped when h is null).
  void BackpropRecurrentProduct(const Step& s, size_t first, size_t count, const float* h, size_t h_ld,
                                float* dh_prev, bool accumulate) const;
  // f(x) in place on columns [first * H, (first + count) * H) of every row of
  // `gates` (the F32Sigmoid / F32Tanh kernels).
  void ApplyToGates(const Step& s, size_t first, size_t count, void (*f)(size_t, const float*, float*)) const;

  size_t units_;
  size_t gates_;
  size_t steps_ = 0;  // T
  size_t features_ = 0;
  const float* recurrent_kernel() const { return recurrent_; }
  float* recurrent_kernel_grad() const { return recurrent_grad_; }

 private:
  RecurrentOptions options_;
  ParamHandle kernel_h_, recurrent_h_, bias_h_;
  BufferHandle gates_buffer_h_, states_h_;
  float* kernel_ = nullptr;
  float* kernel_grad_ = nullptr;
  float* recurrent_ = nullptr;
  float* recurrent_grad_ = nullptr;
  float* bias_ = nullptr;
  float* bias_grad_ = nullptr;
  float* gates_buffer_ = nullptr;  // [N, T, G*H]: gate activations after Forward
  float* states_ = nullptr;        // [N, T, H]: h_t
  // Scratch layout (floats from the 64-byte aligned start).
  size_t dh_offset_ = 0, dh_prev_offset_ = 0, sums_offset_ = 0, cell_offset_ = 0, workspace_offset_ = 0;
};

}  // namespace mote
