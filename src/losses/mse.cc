#include <cmath>

#include "mote/describe.h"
#include "mote/loss.h"

namespace mote {

// L = 1 / (batch * per_item) * sum (p - t)^2 (mean over every element, as
// Keras' "mse"); dL/dp = 2 (p - t) / (batch * per_item).

Status MeanSquaredError::Check(size_t per_item) const {
  if (per_item == 0) return InvalidArgument("MeanSquaredError: the prediction has no elements");
  return Status::Ok();
}

Status MeanSquaredError::CheckTargets(size_t batch, size_t per_item, const Targets& targets) const {
  MOTE_TRY(Check(per_item));
  if (batch == 0) return InvalidArgument("MeanSquaredError: empty batch");
  if (targets.values == nullptr) return InvalidArgument("MeanSquaredError: target values are null");
  for (size_t i = 0; i < batch * per_item; ++i)
    if (!std::isfinite(targets.values[i])) return InvalidArgument("MeanSquaredError: a target value is not finite");
  return Status::Ok();
}

float MeanSquaredError::Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                                float* grad) const {
  const size_t n = batch * per_item;
  const float grad_scale = 2.0f / float(n);
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const float d = prediction[i] - targets.values[i];
    total += double(d) * double(d);
    if (grad) grad[i] = grad_scale * d;
  }
  return float(total / double(n));
}

Status MeanSquaredError::Describe(OptionWriter& out) const {
  out.Type("mean_squared_error");
  return Status::Ok();
}

}  // namespace mote
