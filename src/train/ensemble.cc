#include "mote/ensemble.h"

namespace mote {

void BootstrapIndices(size_t n, Rng& rng, std::vector<size_t>* indices) {
  indices->resize(n);
  for (size_t i = 0; i < n; ++i) (*indices)[i] = size_t(rng.Below(uint32_t(n)));
}

Status AverageOutputs(const float* const* member_outputs, size_t members, size_t batch, size_t classes, float* out) {
  if (member_outputs == nullptr || out == nullptr || members == 0)
    return InvalidArgument("ensemble: need at least one member and an output buffer");
  const size_t n = batch * classes;
  for (size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (size_t m = 0; m < members; ++m) sum += member_outputs[m][i];
    out[i] = float(sum / double(members));
  }
  return Status::Ok();
}

Status ModeVote(const float* const* member_outputs, size_t members, size_t batch, size_t classes, int32_t* out) {
  if (member_outputs == nullptr || out == nullptr || members == 0 || classes == 0)
    return InvalidArgument("ensemble: need at least one member, one class and an output buffer");
  constexpr size_t kMaxClasses = 4096;  // votes are counted on the stack
  if (classes > kMaxClasses) return Unsupported("ensemble: mode vote supports up to 4096 classes");
  uint32_t votes[kMaxClasses];
  for (size_t b = 0; b < batch; ++b) {
    for (size_t k = 0; k < classes; ++k) votes[k] = 0;
    for (size_t m = 0; m < members; ++m) {
      const float* row = member_outputs[m] + b * classes;
      size_t best = 0;
      for (size_t k = 1; k < classes; ++k)
        if (row[k] > row[best]) best = k;
      ++votes[best];
    }
    size_t winner = 0;
    for (size_t k = 1; k < classes; ++k)
      if (votes[k] > votes[winner]) winner = k;
    out[b] = int32_t(winner);
  }
  return Status::Ok();
}

}  // namespace mote
