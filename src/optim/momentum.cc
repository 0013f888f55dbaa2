#include "mote/optim/momentum.h"

#include "mote/describe.h"
#include "src/optim/update_store.h"

namespace mote {

namespace {

// One loop for Step and ProbeStep (src/optim/update_store.h).
template <class Store>
void Update(const OptimizerStep& step, float alpha, bool nesterov, Store&& store) {
  const float lr = step.learning_rate;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict v = step.state + begin;
    if (!nesterov) {
      for (size_t i = 0; i < n; ++i) {
        const float v_new = alpha * v[i] - lr * g[i];
        store(v + i, v_new);
        store(w + i, w[i] + v_new);
      }
    } else {
      // w holds theta + alpha v, so g was taken at Algorithm 8.3's look-ahead
      // point; adding alpha v' - lr g moves it to theta' + alpha v'
      // (derivation in mote/optim/momentum.h).
      for (size_t i = 0; i < n; ++i) {
        const float step_i = lr * g[i];
        const float v_new = alpha * v[i] - step_i;
        store(v + i, v_new);
        store(w + i, w[i] + (alpha * v_new - step_i));
      }
    }
  }
}

}  // namespace

void Momentum::Step(const OptimizerStep& step) { Update(step, momentum_, nesterov_, optim_detail::WriteStore()); }

Optimizer::Probe Momentum::ProbeStep(const OptimizerStep& step) const {
  return optim_detail::ProbeWith([&](auto& store) { Update(step, momentum_, nesterov_, store); });
}

Status Momentum::Describe(OptionWriter& out) const {
  out.Type("momentum");
  out.Number("momentum", momentum_);
  out.Boolean("nesterov", nesterov_);
  return Status::Ok();
}

}  // namespace mote
