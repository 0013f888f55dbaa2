#include "mote/optim/rmsprop.h"

#include <cmath>

#include "mote/describe.h"

namespace mote {

void RmsProp::Step(const OptimizerStep& step) {
  const float rho = rho_, one_minus_rho = 1.0f - rho_, delta = delta_, alpha = momentum_;
  const float lr = step.learning_rate;
  const bool nesterov = momentum_ > 0.0f;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict r = step.state + begin;
    if (!nesterov) {
      for (size_t i = 0; i < n; ++i) {
        r[i] = rho * r[i] + one_minus_rho * g[i] * g[i];
        w[i] -= lr / std::sqrt(delta + r[i]) * g[i];
      }
    } else {
      float* __restrict v = step.state + step.count + begin;
      for (size_t i = 0; i < n; ++i) {
        r[i] = rho * r[i] + one_minus_rho * g[i] * g[i];
        // Algorithm 8.6 prints lr / sqrt(r): 0/0 for an always-zero
        // gradient. delta inside the root, as in Algorithm 8.5, keeps that
        // step 0; delta = 0 reproduces Algorithm 8.6.
        const float u = lr / std::sqrt(delta + r[i]) * g[i];
        v[i] = alpha * v[i] - u;
        // w holds theta + alpha v (look-ahead form, mote/optim/rmsprop.h).
        w[i] += alpha * v[i] - u;
      }
    }
  }
}

Status RmsProp::Describe(OptionWriter& out) const {
  out.Type("rmsprop");
  out.Number("rho", rho_);
  out.Number("delta", delta_);
  out.Number("momentum", momentum_);
  return Status::Ok();
}

}  // namespace mote
