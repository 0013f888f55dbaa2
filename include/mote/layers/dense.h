// Dense (fully connected) layer.
//
// Input:  [N, F] or any rank >= 2; each example is flattened to its
//         F = per_item elements (row-major, so NHWC order for images).
// Output: [N, units].
// Params: "kernel" {units, F} stored [out][in] (ParamRole::kWeight, fan_in F,
//         fan_out units, `init`, default Glorot uniform);
//         "bias" {units} (ParamRole::kBias, zeros) when use_bias.
// y = x W^T + b: row dot products against W as stored (F32DenseRows) for
// inputs of 256 features or more, else a GEMM. Predict on up to 4 rows
// (ForwardArgs::predict, SIMD backends): layers of 32 units or more, on
// backends of 16-float vectors (AVX-512; F32DenseInputMajorLanes), keep an
// input-major copy of W (units x F floats more per model, planned at
// Prepare, remade when ForwardArgs::params_version moves) and run
// F32DenseInputMajor on each row, which skips the weights of zero inputs
// (as the export's host layout: for inf / NaN weights against a zero input
// too); others the row dot products.
// Threads (ForwardArgs::pool): big layers split the forward pass by units and
// the backward pass by input features; every element is computed as on one
// thread.
// Errors (Plan): kInvalidArgument for units == 0, not exactly one input, or an
// empty example; kShapeMismatch for an input of rank < 2.
#pragma once
#include <stddef.h>

#include <memory>

#include "mote/layer.h"

namespace mote {

namespace conv_rows {
class InputMajorWeights;  // src/layers/conv_rows.h
class UnitAffine;
}  // namespace conv_rows

class Dense final : public Layer {
 public:
  explicit Dense(size_t units, bool use_bias = true, InitSpec init = InitSpec{});
  ~Dense() override;

  const char* type() const override { return "Dense"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;
  // Predict fuses a following BatchNorm and ReLU (PredictEpilogue): folded
  // into the input-major copy, or else the dot products, then one per-unit
  // affine and clamp pass (2 x units floats kept).
  bool SetPredictEpilogue(const PredictEpilogue& epilogue) override;
  bool ForwardFused(const ForwardArgs& args) override;

  size_t units() const { return units_; }
  bool use_bias() const { return use_bias_; }

 private:
  ThreadPool* PoolFor(ThreadPool* pool, size_t batch) const;
  // Y = X W^T (+ bias) as row dot products, by chunks of units on the pool.
  void DotProducts(const ForwardArgs& args, bool with_bias) const;
  // Whether this call runs on the input-major copy.
  bool UsesInputMajor(const ForwardArgs& args) const;

  size_t units_;
  bool use_bias_;
  InitSpec init_;
  size_t features_ = 0;
  size_t workspace_offset_ = 0;  // floats of scratch before the GEMM workspace
  size_t units_per_chunk_ = 4;   // forward chunks with threads
  ParamHandle kernel_h_, bias_h_;
  float* kernel_ = nullptr;
  float* kernel_grad_ = nullptr;
  float* bias_ = nullptr;
  float* bias_grad_ = nullptr;
  bool keeps_input_major_ = false;
  BufferHandle epilogue_h_, input_major_h_;
  std::unique_ptr<conv_rows::UnitAffine> epilogue_;
  std::unique_ptr<conv_rows::InputMajorWeights> input_major_;
};

}  // namespace mote
