// How an optimizer's update loop stores each new value. Step stores it
// (WriteStore); ProbeStep, for Model::TrainStep's divergence guard, only
// notes whether it is NaN or infinite (ProbeStore) and writes nothing. Each
// optimizer writes its loop once, as a template over the store, so the probe
// computes exactly the values Step would write.
#pragma once
#include <stdint.h>
#include <string.h>

#include "mote/optimizer.h"

namespace mote {
namespace optim_detail {

struct WriteStore {
  void operator()(float* x, float value) const { *x = value; }
};

struct ProbeStore {
  uint32_t non_finite = 0;  // exponent bits all ones: infinity or NaN
  void operator()(const float*, float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof(bits));
    non_finite |= uint32_t((bits & 0x7F800000u) == 0x7F800000u);
  }
  Optimizer::Probe result() const { return non_finite ? Optimizer::Probe::kNonFinite : Optimizer::Probe::kFinite; }
};

// ProbeStep's answer from `update(store)`, the optimizer's loop.
template <class Update>
Optimizer::Probe ProbeWith(Update&& update) {
  ProbeStore probe;
  update(probe);
  return probe.result();
}

}  // namespace optim_detail
}  // namespace mote
