#include "mote/gradcheck.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace mote {
namespace {

double Error(double analytic, double numeric, double floor) {
  const double scale = std::fmax(std::fmax(std::fabs(analytic), std::fabs(numeric)), floor);
  return std::fabs(analytic - numeric) / scale;
}

// Puts back the layer state saved at the start (a model without batchnorm
// has none: an empty vector's data() may be null, which memcpy must not get).
void RestoreState(Model& model, const std::vector<float>& saved) {
  if (!saved.empty()) std::memcpy(model.mutable_state().data(), saved.data(), saved.size() * sizeof(float));
}

}  // namespace

Status CheckGradients(Model& model, const float* const* inputs, const Targets& targets, size_t batch,
                      const GradCheckOptions& options, GradCheckReport* report) {
  if (report == nullptr || inputs == nullptr) return InvalidArgument("gradcheck: null argument");
  if (!model.prepared()) return InvalidArgument("gradcheck: Prepare the model first");
  *report = GradCheckReport();
  const Rng::State rng_state = model.rng().Save();
  const std::vector<float> saved_state(model.state(), model.state() + model.state_count());

  // Loss of one forward pass from the same RNG and layer state (batchnorm
  // moving averages would otherwise drift between passes).
  auto loss_at = [&](double* value) -> Status {
    model.rng().Restore(rng_state);
    RestoreState(model, saved_state);
    MOTE_TRY(model.Forward(inputs, batch, options.training));
    float l = 0;
    MOTE_TRY(model.Backward(targets, batch, false, &l));
    *value = l;
    return Status::Ok();
  };

  model.rng().Restore(rng_state);
  MOTE_TRY(model.Forward(inputs, batch, options.training));
  float base_loss = 0;
  MOTE_TRY(model.Backward(targets, batch, options.check_inputs, &base_loss));
  const std::vector<float> analytic(model.grads(), model.grads() + model.param_buffer_floats());
  std::vector<std::vector<float>> analytic_inputs;
  std::vector<std::vector<float>> input_copies;
  if (options.check_inputs)
    for (int i = 0; i < model.input_count(); ++i) {
      const size_t n = batch * model.input_size(i);
      analytic_inputs.emplace_back(model.input_grad(i), model.input_grad(i) + n);
      input_copies.emplace_back(inputs[i], inputs[i] + n);
    }

  Status status = Status::Ok();
  auto check = [&](float* value, double analytic_value, const std::string& where, double* max_error) {
    if (!status.ok()) return;
    const float saved = *value;
    double plus = 0, minus = 0;
    *value = saved + options.epsilon;
    status = loss_at(&plus);
    *value = saved - options.epsilon;
    if (status.ok()) status = loss_at(&minus);
    *value = saved;
    // Divide by the step actually taken (float rounding of saved +- eps).
    const double numeric = (plus - minus) / (double(saved + options.epsilon) - double(saved - options.epsilon));
    const double error = Error(analytic_value, numeric, options.floor);
    ++report->checked;
    if (error > *max_error) {
      *max_error = error;
      report->worst = where + ": analytic " + std::to_string(analytic_value) + ", numeric " + std::to_string(numeric);
    }
  };

  const Model::Writer params = model.mutable_params();  // each checked weight is moved and put back
  for (const ParamInfo& p : model.param_infos()) {
    const size_t stride = p.size > options.max_per_tensor ? p.size / options.max_per_tensor : 1;
    for (size_t i = 0; i < p.size; i += stride)
      check(params.data() + p.offset + i, analytic[p.offset + i], p.name + "[" + std::to_string(i) + "]",
            &report->max_param_error);
  }
  if (options.check_inputs) {
    std::vector<const float*> input_ptrs(size_t(model.input_count()));
    for (size_t i = 0; i < input_copies.size(); ++i) input_ptrs[i] = input_copies[i].data();
    const float* const* original = inputs;
    inputs = input_ptrs.data();
    for (size_t i = 0; i < input_copies.size(); ++i) {
      const size_t n = input_copies[i].size();
      const size_t stride = n > options.max_per_tensor ? n / options.max_per_tensor : 1;
      for (size_t j = 0; j < n; j += stride)
        check(&input_copies[i][j], analytic_inputs[i][j], "input" + std::to_string(i) + "[" + std::to_string(j) + "]",
              &report->max_input_error);
    }
    inputs = original;
  }
  // Leave the model as it was found.
  model.rng().Restore(rng_state);
  RestoreState(model, saved_state);
  return status;
}

}  // namespace mote
