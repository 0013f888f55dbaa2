#include <cmath>

#include "mote/describe.h"
#include "mote/loss.h"
#include "mote/math.h"

namespace mote {

Status SoftmaxCrossEntropy::Check(size_t per_item) const {
  if (per_item < 2) return InvalidArgument("SoftmaxCrossEntropy: the prediction needs at least 2 classes");
  // NaN fails both comparisons.
  if (!(smoothing_ >= 0.0f && smoothing_ < 1.0f))
    return InvalidArgument("SoftmaxCrossEntropy: label_smoothing must be in [0, 1)");
  return Status::Ok();
}

Status SoftmaxCrossEntropy::CheckTargets(size_t batch, size_t per_item, const Targets& targets) const {
  MOTE_TRY(Check(per_item));
  if (batch == 0) return InvalidArgument("SoftmaxCrossEntropy: empty batch");
  if (targets.labels == nullptr) return InvalidArgument("SoftmaxCrossEntropy: labels are null (it needs class labels)");
  for (size_t i = 0; i < batch; ++i) {
    const int32_t label = targets.labels[i];
    if (label < 0 || size_t(label) >= per_item)
      return InvalidArgument("SoftmaxCrossEntropy: a label is outside [0, number of classes)");
  }
  return Status::Ok();
}

float SoftmaxCrossEntropy::Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                                   float* grad) const {
  const size_t k = per_item;
  const float on = 1.0f - smoothing_;
  const float off = smoothing_ / float(k - 1);
  const float inv_batch = 1.0f / float(batch);
  double total = 0.0;
  for (size_t i = 0; i < batch; ++i) {
    const float* z = prediction + i * k;
    const size_t label = size_t(targets.labels[i]);
    float max = z[0];
    for (size_t j = 1; j < k; ++j) max = z[j] > max ? z[j] : max;
    // log-sum-exp with the max subtracted: every exponent is <= 0, so nothing
    // overflows, and the largest term is exactly 1, so the sum is >= 1.
    float sum = 0.0f;
    for (size_t j = 0; j < k; ++j) {
      const float e = ExpF(z[j] - max);
      sum += e;
      if (grad) grad[i * k + j] = e;
    }
    const float log_sum = LogF(sum);
    // loss = sum_j t_j * (lse - z_j) with lse - z_j = log_sum + (max - z_j):
    // no large numbers cancel even for logits of +-1000.
    double row = 0.0;
    if (off == 0.0f) {
      row = double(log_sum) + double(max - z[label]);
    } else {
      for (size_t j = 0; j < k; ++j) {
        const float t = j == label ? on : off;
        row += double(t) * (double(log_sum) + double(max - z[j]));
      }
    }
    total += row;
    if (grad) {
      const float inv_sum = 1.0f / sum;
      float* g = grad + i * k;
      for (size_t j = 0; j < k; ++j) {
        const float t = j == label ? on : off;
        g[j] = (g[j] * inv_sum - t) * inv_batch;
      }
    }
  }
  return float(total / double(batch));
}

Status SoftmaxCrossEntropy::Describe(OptionWriter& out) const {
  out.Type("softmax_cross_entropy");
  out.Number("label_smoothing", smoothing_);
  return Status::Ok();
}

}  // namespace mote
