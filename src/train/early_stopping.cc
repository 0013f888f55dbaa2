#include "mote/early_stopping.h"

#include <cmath>
#include <cstring>

namespace mote {
namespace {

// The monitored value of one epoch, or NaN for an unknown or absent metric.
float MetricValue(const EpochMetrics& m, const char* name) {
  if (std::strcmp(name, "loss") == 0) return m.loss;
  if (std::strcmp(name, "accuracy") == 0) return m.accuracy;
  if (m.has_validation && std::strcmp(name, "val_loss") == 0) return m.val_loss;
  if (m.has_validation && std::strcmp(name, "val_accuracy") == 0) return m.val_accuracy;
  return std::nanf("");
}

}  // namespace

EarlyStopping::EarlyStopping(const EarlyStoppingOptions& options) : options_(options) {
  const bool accuracy = std::strstr(options_.monitor, "accuracy") != nullptr;
  maximize_ = options_.mode == MetricMode::kMax || (options_.mode == MetricMode::kAuto && accuracy);
}

void EarlyStopping::Reset() {
  best_epoch_ = stopped_epoch_ = wait_ = 0;
  best_value_ = 0.0f;
}

bool EarlyStopping::Improved(float value) const {
  if (best_epoch_ == 0) return true;
  return maximize_ ? value > best_value_ + options_.min_delta : value < best_value_ - options_.min_delta;
}

void EarlyStopping::OnEpochEnd(Model& model, const EpochMetrics& metrics, bool* stop) {
  const float value = MetricValue(metrics, options_.monitor);
  if (std::isnan(value)) return;  // a NaN (or missing) value is never an improvement
  if (Improved(value)) {
    best_value_ = value;
    best_epoch_ = metrics.epoch;
    wait_ = 0;
    if (options_.restore_best_weights) {
      best_params_.assign(model.params(), model.params() + model.param_buffer_floats());
      best_state_.assign(model.state(), model.state() + model.state_count());
    }
    return;
  }
  if (++wait_ >= options_.patience) {
    stopped_epoch_ = metrics.epoch;
    *stop = true;
  }
}

void EarlyStopping::OnTrainEnd(Model& model) {
  if (!options_.restore_best_weights || best_epoch_ == 0) return;
  if (best_params_.size() != model.param_buffer_floats() || best_state_.size() != model.state_count()) return;
  // An empty vector's data() may be null, which memcpy must not get even for 0 bytes.
  if (!best_params_.empty()) std::memcpy(model.mutable_params().data(), best_params_.data(), best_params_.size() * sizeof(float));
  if (!best_state_.empty()) std::memcpy(model.mutable_state().data(), best_state_.data(), best_state_.size() * sizeof(float));
}

}  // namespace mote
