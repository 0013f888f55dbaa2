#include "mote/adversarial.h"

#include <cstring>

namespace mote {

Status AdversarialExamples(Model& model, const float* x, const Targets& targets, size_t batch,
                           const AdversarialOptions& options, float* out) {
  if (x == nullptr || out == nullptr) return InvalidArgument("adversarial: null input or output");
  if (!model.prepared()) return InvalidArgument("adversarial: Prepare the model first");
  if (model.input_count() != 1) return Unsupported("adversarial: models with one input only");
  if (!(options.epsilon >= 0.0f) || options.steps == 0 || !(options.step_size >= 0.0f) ||
      !(options.min_value <= options.max_value))
    return InvalidArgument("adversarial: epsilon >= 0, steps >= 1, step_size >= 0 and min <= max needed");
  const size_t n = batch * model.input_size(0);
  const float step = options.step_size > 0.0f ? options.step_size : options.epsilon / float(options.steps);
  std::memcpy(out, x, n * sizeof(float));
  for (uint32_t s = 0; s < options.steps; ++s) {
    const float* in = out;
    MOTE_TRY(model.Forward(&in, batch, /*training=*/false));
    float loss = 0;
    MOTE_TRY(model.Backward(targets, batch, /*input_grads=*/true, &loss));
    const float* g = model.input_grad(0);
    for (size_t i = 0; i < n; ++i) {
      float v = out[i] + (g[i] > 0.0f ? step : (g[i] < 0.0f ? -step : 0.0f));
      // Stay inside the eps ball around x and inside the data range.
      const float lo = x[i] - options.epsilon, hi = x[i] + options.epsilon;
      v = v < lo ? lo : (v > hi ? hi : v);
      v = v < options.min_value ? options.min_value : (v > options.max_value ? options.max_value : v);
      out[i] = v;
    }
  }
  return Status::Ok();
}

Status AdversarialAccuracy(Model& model, const float* x, const Targets& targets, size_t batch,
                           const AdversarialOptions& options, float* scratch, float* accuracy) {
  if (accuracy == nullptr) return InvalidArgument("adversarial: null accuracy");
  MOTE_TRY(AdversarialExamples(model, x, targets, batch, options, scratch));
  return model.Evaluate(scratch, targets, batch, nullptr, accuracy);
}

}  // namespace mote
