#include "mote/optim/adagrad.h"

#include <cmath>

#include "mote/describe.h"
#include "src/optim/update_store.h"

namespace mote {

namespace {

// One loop for Step and ProbeStep (src/optim/update_store.h).
template <class Store>
void Update(const OptimizerStep& step, float delta, Store&& store) {
  const float lr = step.learning_rate;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict r = step.state + begin;
    for (size_t i = 0; i < n; ++i) {
      const float r_new = r[i] + g[i] * g[i];
      store(r + i, r_new);
      // Minus sign: AdaGrad descends (see mote/optim/adagrad.h).
      store(w + i, w[i] - lr / (delta + std::sqrt(r_new)) * g[i]);
    }
  }
}

}  // namespace

void AdaGrad::Step(const OptimizerStep& step) { Update(step, delta_, optim_detail::WriteStore()); }

Optimizer::Probe AdaGrad::ProbeStep(const OptimizerStep& step) const {
  return optim_detail::ProbeWith([&](auto& store) { Update(step, delta_, store); });
}

Status AdaGrad::Describe(OptionWriter& out) const {
  out.Type("adagrad");
  out.Number("delta", delta_);
  return Status::Ok();
}

}  // namespace mote
