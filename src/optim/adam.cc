#include "mote/optim/adam.h"

#include <cmath>

#include "src/optim/update_store.h"

namespace mote {

namespace {

// One loop for Step and ProbeStep (src/optim/update_store.h).
template <class Store>
void Update(const OptimizerStep& step, float rho1, float rho2, float delta, float weight_decay, Store& store) {
  const uint64_t t = step.step == 0 ? 1 : step.step;
  // Bias corrections once per step, in double: powf's rounding error in
  // rho2^t would be amplified 1000x by 1 - rho2^t when rho2 = 0.999.
  const float inv_c1 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho1), static_cast<double>(t))));
  const float inv_c2 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho2), static_cast<double>(t))));
  const float one_minus_rho1 = 1.0f - rho1, one_minus_rho2 = 1.0f - rho2;
  const float lr = step.learning_rate;
  const float decay = lr * weight_decay;
  for (size_t k = 0; k < step.range_count; ++k) {
    const ParamRange& range = step.ranges[k];
    const size_t begin = range.begin, n = range.end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict s = step.state + begin;
    float* __restrict r = step.state + step.count + begin;
    // Decay only where asked and enabled; a separate loop keeps both
    // branch-free (0 * w would still turn an inf weight into NaN).
    const bool decayed = range.decay && weight_decay != 0.0f;
    if (!decayed) {
      for (size_t i = 0; i < n; ++i) {
        const float s_new = rho1 * s[i] + one_minus_rho1 * g[i];
        const float r_new = rho2 * r[i] + one_minus_rho2 * g[i] * g[i];
        store(s + i, s_new);
        store(r + i, r_new);
        const float s_hat = s_new * inv_c1;
        const float r_hat = r_new * inv_c2;
        store(w + i, w[i] - lr * s_hat / (std::sqrt(r_hat) + delta));
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        const float s_new = rho1 * s[i] + one_minus_rho1 * g[i];
        const float r_new = rho2 * r[i] + one_minus_rho2 * g[i] * g[i];
        store(s + i, s_new);
        store(r + i, r_new);
        const float s_hat = s_new * inv_c1;
        const float r_hat = r_new * inv_c2;
        store(w + i, w[i] - (lr * s_hat / (std::sqrt(r_hat) + delta) + decay * w[i]));
      }
    }
  }
}

}  // namespace

void Adam::Step(const OptimizerStep& step) {
  optim_detail::WriteStore write;
  Update(step, rho1_, rho2_, delta_, weight_decay_, write);
}

Optimizer::Probe Adam::ProbeStep(const OptimizerStep& step) const {
  optim_detail::ProbeStore probe;
  Update(step, rho1_, rho2_, delta_, weight_decay_, probe);
  return probe.result();
}

}  // namespace mote
