// Keras-like training progress on the host: one line per epoch, a progress bar
// within the epoch (only on a terminal), and the History of epoch metrics.
//
//   epoch 3/10 - 12.1s - loss: 0.3100 - accuracy: 0.8900 - val_loss: 0.3300 - val_accuracy: 0.8800
//     1200/60000 [..............................] - ETA: 10s - loss: 0.5123
//
// FormatEpochLine and History use std::string / std::vector. ProgressBar
// allocates nothing after construction: its line buffer is a fixed member
// array, so Update can run inside the training loop.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <string>
#include <vector>

#include "mote/status.h"

namespace mote {

struct EpochMetrics {
  uint32_t epoch = 0;   // 1-based
  uint32_t epochs = 0;  // total planned
  double seconds = 0.0; // wall time of the epoch
  float loss = 0.0f;
  float accuracy = 0.0f;
  bool has_validation = false;
  float val_loss = 0.0f;
  float val_accuracy = 0.0f;
  uint32_t threads = 0;  // the model's thread count (0: not reported)
};

// "epoch 3/10 - 12.1s - loss: 0.3100 - accuracy: 0.8900" plus
// " - val_loss: 0.3300 - val_accuracy: 0.8800" when has_validation; with
// threads > 0, " - 2 threads" (or " - 1 thread") follows the seconds.
// Seconds with 1 decimal, metrics with 4; no trailing newline.
std::string FormatEpochLine(const EpochMetrics& m);

// An in-epoch progress bar redrawn in place with '\r':
//   "  1200/60000 [=>............................] - ETA: 10s - loss: 0.5123"
// The count is right-aligned to the width of `total`, the bar is 30 cells,
// and at done == total the ETA becomes the elapsed time ("- 12s").
class ProgressBar {
 public:
  enum class Mode { kAuto, kAlways, kNever };  // kAuto: draw only when `out` is a terminal
  static constexpr size_t kLineBytes = 160;
  static constexpr int kBarCells = 30;

  // total: units (samples or batches) in one epoch. out: where to draw.
  explicit ProgressBar(size_t total, FILE* out = stdout, Mode mode = Mode::kAuto);

  bool enabled() const { return enabled_; }
  // Starts a new epoch: resets the clock and the rate limit.
  void Start();
  // Reports progress; redraws at most every 0.1 s (and always at done == total).
  // NaN accuracy (the 2-argument form) leaves accuracy out of the line.
  void Update(size_t done, float loss);
  void Update(size_t done, float loss, float accuracy);
  // As Update, at an explicit time in seconds since Start (deterministic; for tests).
  void UpdateAt(size_t done, float loss, float accuracy, double elapsed_seconds);
  // Erases the bar so the epoch line can take its place.
  void Finish();

  // The last rendered line (without '\r'), "" before the first draw.
  const char* line() const { return line_; }
  // Number of times the bar was drawn since construction.
  size_t draws() const { return draws_; }

  // Renders one bar line into buf (NUL-terminated, truncated to cap). Returns
  // the length written. eta_seconds < 0 omits the ETA; NaN accuracy omits it.
  static size_t Render(char* buf, size_t cap, size_t done, size_t total, double eta_seconds, double elapsed_seconds,
                       float loss, float accuracy);

 private:
  double Now() const;

  size_t total_;
  FILE* out_;
  bool enabled_;
  double start_ = 0.0;       // seconds, steady clock
  double last_draw_ = -1.0;  // seconds since start of the last draw, < 0: none yet
  size_t last_len_ = 0;
  size_t draws_ = 0;
  char line_[kLineBytes] = {0};
};

// Which way is better for History::BestEpoch.
enum class MetricMode { kAuto, kMin, kMax };  // kAuto: max for *accuracy, min otherwise

// Per-epoch metrics, one entry per Append in every vector. Validation values
// are NaN for epochs without validation.
struct History {
  std::vector<uint32_t> epoch;
  std::vector<double> seconds;
  std::vector<float> loss, accuracy, val_loss, val_accuracy;

  void Append(const EpochMetrics& m);
  // Room for `epochs` entries in all, so Append allocates nothing (Fit).
  void Reserve(size_t epochs);
  size_t size() const { return epoch.size(); }
  void Clear();

  // The vector of a metric by name ("loss", "accuracy", "val_loss",
  // "val_accuracy"), or null for an unknown name.
  const std::vector<float>* Metric(const char* name) const;

  // Index (0-based, into the vectors) of the best value of `metric`; the first
  // one on ties; NaN values are skipped.
  //   kInvalidArgument  unknown metric name or null index
  //   kOutOfRange       no epoch has a (non-NaN) value of that metric
  Status BestEpoch(const char* metric, MetricMode mode, size_t* index) const;
};

}  // namespace mote
