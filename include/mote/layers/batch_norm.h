// BatchNorm (Ioffe & Szegedy 2015).
//
// Input:  [N, F] (per feature), [N, T, F] or [N, H, W, C] (per channel, the
//         statistics shared over every position of the batch): normalised
//         over all dims but the last. Output: the input's shape.
// Params: "gamma" {C} (ParamRole::kNormScale, ones) when `scale`;
//         "beta"  {C} (ParamRole::kNormShift, zeros) when `center`.
// States: "moving_mean" {C} (starts 0), "moving_variance" {C} (starts 1).
//
// Training (ForwardArgs::training): over the m = rows of this batch per
// channel (rows = batch * per_item / C),
//   mu = mean(x),  var = 1/m sum (x - mu)^2 (biased, as the paper normalises),
//   y  = gamma * (x - mu) / sqrt(var + epsilon) + beta,
// and the moving statistics follow the Keras convention
//   moving = momentum * moving + (1 - momentum) * batch_statistic,
// where the statistic for moving_variance is the UNBIASED m / (m - 1) * var
// (the paper's Algorithm 2 inference variance, as PyTorch; var itself when
// m == 1). Backward goes through mu and sigma (full batch gradient).
// Inference: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon)
// + beta; Backward after an inference Forward treats the statistics as
// constants (frozen BN, gradients w.r.t. the input for adversarial examples).
// Threads (ForwardArgs::pool): rows go in chunks of a fixed size; the
// per-channel sums are added chunk by chunk in chunk order, the same for every
// thread count (one thread included).
// Export folds the inference form into the preceding layer (options(),
// the "gamma"/"beta" params and the two states hold all it needs).
// Errors (Plan): kInvalidArgument for not exactly one input, momentum outside
// [0, 1], epsilon not > 0 (or not finite); kShapeMismatch for rank < 2 or an
// empty last dim.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

struct BatchNormOptions {
  float momentum = 0.99f;
  float epsilon = 1e-3f;
  bool scale = true;   // learn gamma (else gamma = 1)
  bool center = true;  // learn beta (else beta = 0)
};

class BatchNorm final : public Layer {
 public:
  explicit BatchNorm(BatchNormOptions options = BatchNormOptions{}) : options_(options) {}

  const char* type() const override { return "BatchNorm"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;
  // scale = gamma / sqrt(moving_variance + epsilon), shift = beta -
  // moving_mean * scale, in double (the export folds these; so does Predict).
  bool InferenceChannelAffine(size_t channel, double* scale, double* shift) const override;

  const BatchNormOptions& options() const { return options_; }
  size_t channels() const { return channels_; }

 private:
  void ChunkRows(size_t k, size_t rows, size_t* first, size_t* count) const;

  BatchNormOptions options_;
  size_t channels_ = 0;
  size_t per_item_ = 0;
  bool last_training_ = false;  // which statistics the last Forward used
  size_t rows_per_chunk_ = 1;
  size_t partials_offset_ = 0, partials_stride_ = 0;  // scratch: partial sums, one C-vector per chunk
  ParamHandle gamma_h_, beta_h_;
  BufferHandle mean_h_, var_h_, saved_h_;
  float* gamma_ = nullptr;
  float* gamma_grad_ = nullptr;
  float* beta_ = nullptr;
  float* beta_grad_ = nullptr;
  float* moving_mean_ = nullptr;
  float* moving_var_ = nullptr;
  float* saved_ = nullptr;  // [2, C]: mean and 1 / sqrt(var + eps) used by the last Forward
};

}  // namespace mote
