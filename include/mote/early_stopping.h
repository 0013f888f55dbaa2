// Early stopping: watch a metric after every epoch, stop
// when it has not improved by more than min_delta for `patience` epochs, and
// (optionally) put back the parameters and layer state of the best epoch.
// best_epoch() tells how many epochs to train for when retraining on all the
// data (Goodfellow, Bengio and Courville, Deep Learning, Algorithm 7.2).
#pragma once
#include <stdint.h>

#include <vector>

#include "mote/progress.h"
#include "mote/trainer.h"

namespace mote {

struct EarlyStoppingOptions {
  const char* monitor = "val_loss";  // "loss", "accuracy", "val_loss" or "val_accuracy"
  MetricMode mode = MetricMode::kAuto;  // kAuto: max for *accuracy, min otherwise
  float min_delta = 0.0f;               // smaller changes do not count as improvement
  uint32_t patience = 3;                // epochs without improvement before stopping
  bool restore_best_weights = true;     // at the end of training
};

class EarlyStopping final : public Callback {
 public:
  explicit EarlyStopping(const EarlyStoppingOptions& options = EarlyStoppingOptions{});

  void OnEpochEnd(Model& model, const EpochMetrics& metrics, bool* stop) override;
  void OnTrainEnd(Model& model) override;

  // 1-based epoch with the best monitored value (0 before any epoch).
  uint32_t best_epoch() const { return best_epoch_; }
  float best_value() const { return best_value_; }
  // Epoch after which training stopped early (0 if it ran to the end).
  uint32_t stopped_epoch() const { return stopped_epoch_; }
  // Clears the state, to watch another training run.
  void Reset();

 private:
  bool Improved(float value) const;

  EarlyStoppingOptions options_;
  bool maximize_ = false;
  uint32_t best_epoch_ = 0, stopped_epoch_ = 0, wait_ = 0;
  float best_value_ = 0.0f;
  std::vector<float> best_params_, best_state_;  // sized once, at the first epoch
};

}  // namespace mote
