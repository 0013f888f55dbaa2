#include "mote/optim/rmsprop.h"

#include <cmath>

#include "mote/describe.h"
#include "src/optim/update_store.h"

namespace mote {

namespace {

// One loop for Step and ProbeStep (src/optim/update_store.h).
template <class Store>
void Update(const OptimizerStep& step, float rho, float delta, float alpha, Store&& store) {
  const float one_minus_rho = 1.0f - rho;
  const float lr = step.learning_rate;
  const bool nesterov = alpha > 0.0f;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict r = step.state + begin;
    if (!nesterov) {
      for (size_t i = 0; i < n; ++i) {
        const float r_new = rho * r[i] + one_minus_rho * g[i] * g[i];
        store(r + i, r_new);
        store(w + i, w[i] - lr / std::sqrt(delta + r_new) * g[i]);
      }
    } else {
      float* __restrict v = step.state + step.count + begin;
      for (size_t i = 0; i < n; ++i) {
        const float r_new = rho * r[i] + one_minus_rho * g[i] * g[i];
        store(r + i, r_new);
        // Algorithm 8.6 prints lr / sqrt(r): 0/0 for an always-zero
        // gradient. delta inside the root, as in Algorithm 8.5, keeps that
        // step 0; delta = 0 reproduces Algorithm 8.6.
        const float u = lr / std::sqrt(delta + r_new) * g[i];
        const float v_new = alpha * v[i] - u;
        store(v + i, v_new);
        // w holds theta + alpha v (look-ahead form, mote/optim/rmsprop.h).
        store(w + i, w[i] + (alpha * v_new - u));
      }
    }
  }
}

}  // namespace

void RmsProp::Step(const OptimizerStep& step) { Update(step, rho_, delta_, momentum_, optim_detail::WriteStore()); }

Optimizer::Probe RmsProp::ProbeStep(const OptimizerStep& step) const {
  return optim_detail::ProbeWith([&](auto& store) { Update(step, rho_, delta_, momentum_, store); });
}

Status RmsProp::Describe(OptionWriter& out) const {
  out.Type("rmsprop");
  out.Number("rho", rho_);
  out.Number("delta", delta_);
  out.Number("momentum", momentum_);
  return Status::Ok();
}

}  // namespace mote
