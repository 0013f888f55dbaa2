#include "mote/optim/sgd.h"

#include "mote/describe.h"
#include "mote/kernels.h"
#include "src/optim/update_store.h"

namespace mote {

void Sgd::Step(const OptimizerStep& step) {
  for (size_t k = 0; k < step.range_count; ++k) {
    const ParamRange& range = step.ranges[k];
    kernels::F32Axpy(range.end - range.begin, -step.learning_rate, step.grads + range.begin,
                     step.params + range.begin);
  }
}

// F32Axpy's arithmetic (y + alpha * x, no fused multiply-add on any backend).
Optimizer::Probe Sgd::ProbeStep(const OptimizerStep& step) const {
  optim_detail::ProbeStore probe;
  const float alpha = -step.learning_rate;
  for (size_t k = 0; k < step.range_count; ++k)
    for (size_t i = step.ranges[k].begin; i < step.ranges[k].end; ++i)
      probe(step.params + i, step.params[i] + alpha * step.grads[i]);
  return probe.result();
}

Status Sgd::Describe(OptionWriter& out) const {
  out.Type("sgd");
  return Status::Ok();
}

}  // namespace mote
