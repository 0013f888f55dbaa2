#include "mote/optim/adam.h"

#include <cmath>

#include "mote/describe.h"

namespace mote {

void Adam::Step(const OptimizerStep& step) {
  const uint64_t t = step.step == 0 ? 1 : step.step;
  // Bias corrections once per step, in double: powf's rounding error in
  // rho2^t would be amplified 1000x by 1 - rho2^t when rho2 = 0.999.
  const float inv_c1 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho1_), static_cast<double>(t))));
  const float inv_c2 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho2_), static_cast<double>(t))));
  const float rho1 = rho1_, one_minus_rho1 = 1.0f - rho1_;
  const float rho2 = rho2_, one_minus_rho2 = 1.0f - rho2_;
  const float delta = delta_, lr = step.learning_rate;
  const float decay = lr * weight_decay_;
  for (size_t k = 0; k < step.range_count; ++k) {
    const ParamRange& range = step.ranges[k];
    const size_t begin = range.begin, n = range.end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict s = step.state + begin;
    float* __restrict r = step.state + step.count + begin;
    // Decay only where asked and enabled; a separate loop keeps both
    // branch-free (0 * w would still turn an inf weight into NaN).
    const bool decayed = range.decay && weight_decay_ != 0.0f;
    if (!decayed) {
      for (size_t i = 0; i < n; ++i) {
        s[i] = rho1 * s[i] + one_minus_rho1 * g[i];
        r[i] = rho2 * r[i] + one_minus_rho2 * g[i] * g[i];
        const float s_hat = s[i] * inv_c1;
        const float r_hat = r[i] * inv_c2;
        w[i] -= lr * s_hat / (std::sqrt(r_hat) + delta);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        s[i] = rho1 * s[i] + one_minus_rho1 * g[i];
        r[i] = rho2 * r[i] + one_minus_rho2 * g[i] * g[i];
        const float s_hat = s[i] * inv_c1;
        const float r_hat = r[i] * inv_c2;
        w[i] -= lr * s_hat / (std::sqrt(r_hat) + delta) + decay * w[i];
      }
    }
  }
}

Status Adam::Describe(OptionWriter& out) const {
  out.Type("adam");
  out.Number("rho1", rho1_);
  out.Number("rho2", rho2_);
  out.Number("delta", delta_);
  out.Number("weight_decay", weight_decay_);
  return Status::Ok();
}

}  // namespace mote
