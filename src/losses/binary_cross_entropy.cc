#include <cmath>

#include "mote/describe.h"
#include "mote/loss.h"
#include "mote/math.h"

namespace mote {

// Per element, on the logit z with target t in [0, 1]:
//   l = -t log s(z) - (1 - t) log(1 - s(z)) = max(z, 0) - z t + log(1 + e^-|z|),
// written so that no exponent is positive (stable for any z). The loss is the
// mean over every element (Keras' "binary_crossentropy"):
//   L = 1 / (batch * per_item) * sum l,   dL/dz = (s(z) - t) / (batch * per_item).

namespace {
// log(1 + e) for 0 <= e <= 1: a short series where 1 + e would round e away.
float Log1pSmall(float e) { return e < 1e-3f ? e * (1.0f - e * (0.5f - e * (1.0f / 3.0f))) : LogF(1.0f + e); }
}  // namespace

Status BinaryCrossEntropy::Check(size_t per_item) const {
  if (per_item == 0) return InvalidArgument("BinaryCrossEntropy: the prediction has no elements");
  return Status::Ok();
}

Status BinaryCrossEntropy::CheckTargets(size_t batch, size_t per_item, const Targets& targets) const {
  MOTE_TRY(Check(per_item));
  if (batch == 0) return InvalidArgument("BinaryCrossEntropy: empty batch");
  if (targets.values == nullptr) return InvalidArgument("BinaryCrossEntropy: target values are null");
  for (size_t i = 0; i < batch * per_item; ++i) {
    const float t = targets.values[i];
    if (!(t >= 0.0f && t <= 1.0f)) return InvalidArgument("BinaryCrossEntropy: a target is outside [0, 1]");
  }
  return Status::Ok();
}

float BinaryCrossEntropy::Compute(size_t batch, size_t per_item, const float* prediction, const Targets& targets,
                                  float* grad) const {
  const size_t n = batch * per_item;
  const float inv_n = 1.0f / float(n);
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const float z = prediction[i];
    const float t = targets.values[i];
    const float e = ExpF(-std::fabs(z));  // in (0, 1]
    total += double(z > 0.0f ? z : 0.0f) - double(z) * double(t) + double(Log1pSmall(e));
    if (grad) {
      // s(z) from the same e: 1 / (1 + e) for z >= 0, e / (1 + e) below.
      const float s = z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
      grad[i] = (s - t) * inv_n;
    }
  }
  return float(total / double(n));
}

Status BinaryCrossEntropy::Describe(OptionWriter& out) const {
  out.Type("binary_cross_entropy");
  return Status::Ok();
}

}  // namespace mote
