#include "mote/optim/sgd.h"

#include "mote/describe.h"
#include "mote/kernels.h"

namespace mote {

void Sgd::Step(const OptimizerStep& step) {
  for (size_t k = 0; k < step.range_count; ++k) {
    const ParamRange& range = step.ranges[k];
    kernels::F32Axpy(range.end - range.begin, -step.learning_rate, step.grads + range.begin,
                     step.params + range.begin);
  }
}

Status Sgd::Describe(OptionWriter& out) const {
  out.Type("sgd");
  return Status::Ok();
}

}  // namespace mote
