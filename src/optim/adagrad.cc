#include "mote/optim/adagrad.h"

#include <cmath>

#include "mote/describe.h"

namespace mote {

void AdaGrad::Step(const OptimizerStep& step) {
  const float delta = delta_;
  const float lr = step.learning_rate;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict r = step.state + begin;
    for (size_t i = 0; i < n; ++i) {
      r[i] += g[i] * g[i];
      // Minus sign: AdaGrad descends (see mote/optim/adagrad.h).
      w[i] -= lr / (delta + std::sqrt(r[i])) * g[i];
    }
  }
}

Status AdaGrad::Describe(OptionWriter& out) const {
  out.Type("adagrad");
  out.Number("delta", delta_);
  return Status::Ok();
}

}  // namespace mote
