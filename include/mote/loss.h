// Losses: the mean over the batch of a per-example loss, and its gradient with
// respect to the model output (already divided by the batch size).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

class OptionWriter;  // include/mote/describe.h

// Targets for one batch: class labels (one int per example) for
// classification losses, or values shaped like the prediction.
struct Targets {
  const int32_t* labels = nullptr;
  const float* values = nullptr;
};

class Loss {
 public:
  virtual ~Loss() = default;
  virtual const char* type() const = 0;
  // Checks that predictions of `per_item` elements fit this loss; the model
  // calls it at Prepare.
  virtual Status Check(size_t per_item) const = 0;
  // True when the loss consumes labels, false when it consumes values.
  virtual bool uses_labels() const = 0;
  // Validates targets for a batch (labels in range, non-null); TrainStep calls
  // it before touching the model, so bad labels never corrupt the weights.
  virtual Status CheckTargets(size_t batch, size_t per_item, const Targets& targets) const = 0;
  // Mean loss over the batch. When grad is not null, writes dL/dprediction
  // (batch x per_item) into it. `prediction` is the raw model output (logits
  // for the fused softmax losses).
  virtual float Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                        float* grad) const = 0;
  // Model files (include/mote/describe.h): the loss's model-file type and
  // options. Losses without one keep the default, which fails.
  virtual Status Describe(OptionWriter&) const { return Unsupported("describe: a loss without a model-file form"); }
};

// Softmax over the last dim fused with cross-entropy (stable: log-sum-exp),
// on logits. label_smoothing eps puts 1 - eps on the true class and
// eps / (K - 1) on each other class.
//   L = 1 / batch * sum_i sum_k -t_ik log softmax(z_i)_k,
//   dL/dz = (softmax(z) - t) / batch.
// Check: K = per_item >= 2 and 0 <= eps < 1. CheckTargets: `labels` non-null,
// each in [0, K); otherwise kInvalidArgument.
class SoftmaxCrossEntropy final : public Loss {
 public:
  explicit SoftmaxCrossEntropy(float label_smoothing = 0.0f) : smoothing_(label_smoothing) {}
  const char* type() const override { return "SoftmaxCrossEntropy"; }
  Status Check(size_t per_item) const override;
  bool uses_labels() const override { return true; }
  Status CheckTargets(size_t batch, size_t per_item, const Targets& targets) const override;
  float Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                float* grad) const override;
  Status Describe(OptionWriter& out) const override;
  float label_smoothing() const { return smoothing_; }

 private:
  float smoothing_;
};

// Mean over every element (as Keras' "mse"), not 0.5 * sum per example:
//   L = 1 / (batch * per_item) * sum (p - t)^2,  dL/dp = 2 (p - t) / (batch * per_item).
// Targets: `values`, batch x per_item, finite.
class MeanSquaredError final : public Loss {
 public:
  const char* type() const override { return "MeanSquaredError"; }
  Status Check(size_t per_item) const override;
  bool uses_labels() const override { return false; }
  Status CheckTargets(size_t batch, size_t per_item, const Targets& targets) const override;
  float Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                float* grad) const override;
  Status Describe(OptionWriter& out) const override;
};

// Sigmoid fused with binary cross-entropy on logits (stable), targets in [0, 1]
// (`values`, batch x per_item). Mean over every element (as Keras):
//   L = 1 / (batch * per_item) * sum [max(z, 0) - z t + log(1 + e^-|z|)],
//   dL/dz = (sigmoid(z) - t) / (batch * per_item).
class BinaryCrossEntropy final : public Loss {
 public:
  const char* type() const override { return "BinaryCrossEntropy"; }
  Status Check(size_t per_item) const override;
  bool uses_labels() const override { return false; }
  Status CheckTargets(size_t batch, size_t per_item, const Targets& targets) const override;
  float Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                float* grad) const override;
  Status Describe(OptionWriter& out) const override;
};

}  // namespace mote
