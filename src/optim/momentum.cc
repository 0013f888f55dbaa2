#include "mote/optim/momentum.h"

#include "mote/describe.h"

namespace mote {

void Momentum::Step(const OptimizerStep& step) {
  const float alpha = momentum_;
  const float lr = step.learning_rate;
  for (size_t k = 0; k < step.range_count; ++k) {
    const size_t begin = step.ranges[k].begin, n = step.ranges[k].end - begin;
    float* __restrict w = step.params + begin;
    const float* __restrict g = step.grads + begin;
    float* __restrict v = step.state + begin;
    if (!nesterov_) {
      for (size_t i = 0; i < n; ++i) {
        v[i] = alpha * v[i] - lr * g[i];
        w[i] += v[i];
      }
    } else {
      // w holds theta + alpha v, so g was taken at Algorithm 8.3's look-ahead
      // point; adding alpha v' - lr g moves it to theta' + alpha v'
      // (derivation in mote/optim/momentum.h).
      for (size_t i = 0; i < n; ++i) {
        const float step_i = lr * g[i];
        v[i] = alpha * v[i] - step_i;
        w[i] += alpha * v[i] - step_i;
      }
    }
  }
}

Status Momentum::Describe(OptionWriter& out) const {
  out.Type("momentum");
  out.Number("momentum", momentum_);
  out.Boolean("nesterov", nesterov_);
  return Status::Ok();
}

}  // namespace mote
