#include "mote/optim/adam.h"

#include <cmath>
#include <type_traits>

#include "src/optim/update_store.h"

#include "mote/describe.h"

namespace mote {

namespace {

// One loop for Step and ProbeStep (src/optim/update_store.h).
template <class Store>
void Update(const OptimizerStep& step, float rho1, float rho2, float delta, float weight_decay, Store&& store) {
  const uint64_t t = step.step == 0 ? 1 : step.step;
  // Bias corrections once per step, in double: powf's rounding error in
  // rho2^t would be amplified 1000x by 1 - rho2^t when rho2 = 0.999.
  const float inv_c1 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho1), static_cast<double>(t))));
  const float inv_c2 = static_cast<float>(1.0 / (1.0 - std::pow(static_cast<double>(rho2), static_cast<double>(t))));
  const float one_minus_rho1 = 1.0f - rho1, one_minus_rho2 = 1.0f - rho2;
  const float lr = step.learning_rate;
  const float decay = lr * weight_decay;
  for (size_t k = 0; k < step.range_count; ++k) {
    const ParamRange& range = step.ranges[k];
    // Decay only where asked and enabled; a loop of its own (`decayed` is a
    // type) keeps both branch-free (0 * w would still turn an inf weight into
    // NaN).
    auto run = [&](auto decayed) {
      const size_t begin = range.begin, n = range.end - begin;
      float* __restrict w = step.params + begin;
      const float* __restrict g = step.grads + begin;
      float* __restrict s = step.state + begin;
      float* __restrict r = step.state + step.count + begin;
      for (size_t i = 0; i < n; ++i) {
        const float s_new = rho1 * s[i] + one_minus_rho1 * g[i];
        const float r_new = rho2 * r[i] + one_minus_rho2 * g[i] * g[i];
        store(s + i, s_new);
        store(r + i, r_new);
        const float s_hat = s_new * inv_c1;
        const float r_hat = r_new * inv_c2;
        const float u = lr * s_hat / (std::sqrt(r_hat) + delta);
        store(w + i, decltype(decayed)::value ? w[i] - (u + decay * w[i]) : w[i] - u);
      }
    };
    if (range.decay && weight_decay != 0.0f)
      run(std::true_type());
    else
      run(std::false_type());
  }
}

}  // namespace

void Adam::Step(const OptimizerStep& step) {
  Update(step, rho1_, rho2_, delta_, weight_decay_, optim_detail::WriteStore());
}

Optimizer::Probe Adam::ProbeStep(const OptimizerStep& step) const {
  return optim_detail::ProbeWith([&](auto& store) { Update(step, rho1_, rho2_, delta_, weight_decay_, store); });
}

Status Adam::Describe(OptionWriter& out) const {
  out.Type("adam");
  out.Number("rho1", rho1_);
  out.Number("rho2", rho2_);
  out.Number("delta", delta_);
  out.Number("weight_decay", weight_decay_);
  return Status::Ok();
}

}  // namespace mote
