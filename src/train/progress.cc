#include "mote/progress.h"

#include <string.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

namespace mote {

std::string FormatEpochLine(const EpochMetrics& m) {
  char buf[256];
  char threads[32] = "";
  if (m.threads > 0) snprintf(threads, sizeof(threads), " - %u thread%s", static_cast<unsigned>(m.threads),
                              m.threads == 1 ? "" : "s");
  int n = snprintf(buf, sizeof(buf), "epoch %u/%u - %.1fs%s - loss: %.4f - accuracy: %.4f",
                   static_cast<unsigned>(m.epoch), static_cast<unsigned>(m.epochs), m.seconds, threads,
                   static_cast<double>(m.loss), static_cast<double>(m.accuracy));
  if (n < 0) return std::string();
  std::string line(buf, static_cast<size_t>(n) < sizeof(buf) ? static_cast<size_t>(n) : sizeof(buf) - 1);
  if (m.has_validation) {
    n = snprintf(buf, sizeof(buf), " - val_loss: %.4f - val_accuracy: %.4f", static_cast<double>(m.val_loss),
                 static_cast<double>(m.val_accuracy));
    if (n > 0) line.append(buf, static_cast<size_t>(n) < sizeof(buf) ? static_cast<size_t>(n) : sizeof(buf) - 1);
  }
  return line;
}

// ---- ProgressBar -------------------------------------------------------------

namespace {

// Appends printf output at buf + *len, keeping *len < cap.
template <typename... Args>
void Append(char* buf, size_t cap, size_t* len, const char* fmt, Args... args) {
  if (*len + 1 >= cap) return;
  const int n = snprintf(buf + *len, cap - *len, fmt, args...);
  if (n < 0) return;
  *len += static_cast<size_t>(n);
  if (*len >= cap) *len = cap - 1;
}

void AppendChar(char* buf, size_t cap, size_t* len, char c) {
  if (*len + 1 >= cap) return;
  buf[(*len)++] = c;
  buf[*len] = '\0';
}

// Keras style: "12s", "1:05", "1:02:03".
void AppendDuration(char* buf, size_t cap, size_t* len, double seconds) {
  const unsigned long s = seconds < 0.0 ? 0ul : static_cast<unsigned long>(seconds + 0.5);
  if (s >= 3600) Append(buf, cap, len, "%lu:%02lu:%02lu", s / 3600, (s % 3600) / 60, s % 60);
  else if (s >= 60) Append(buf, cap, len, "%lu:%02lu", s / 60, s % 60);
  else Append(buf, cap, len, "%lus", s);
}

int Digits(size_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

constexpr char kSpaces[] =
    "                                                                                "
    "                                                                                ";

}  // namespace

size_t ProgressBar::Render(char* buf, size_t cap, size_t done, size_t total, double eta_seconds,
                           double elapsed_seconds, float loss, float accuracy) {
  if (cap == 0) return 0;
  buf[0] = '\0';
  size_t len = 0;
  Append(buf, cap, &len, " %*zu/%zu [", Digits(total), done, total);
  size_t cells = kBarCells;
  if (total > 0 && done < total) cells = static_cast<size_t>(static_cast<double>(kBarCells) * done / total);
  for (size_t i = 0; i < static_cast<size_t>(kBarCells); ++i) {
    char c = '.';
    if (i + 1 < cells) c = '=';
    else if (i + 1 == cells) c = done < total ? '>' : '=';
    AppendChar(buf, cap, &len, c);
  }
  AppendChar(buf, cap, &len, ']');
  if (done >= total) {
    Append(buf, cap, &len, " - ");
    AppendDuration(buf, cap, &len, elapsed_seconds);
  } else if (eta_seconds >= 0.0) {
    Append(buf, cap, &len, " - ETA: ");
    AppendDuration(buf, cap, &len, eta_seconds);
  }
  Append(buf, cap, &len, " - loss: %.4f", static_cast<double>(loss));
  if (!std::isnan(accuracy)) Append(buf, cap, &len, " - accuracy: %.4f", static_cast<double>(accuracy));
  return len;
}

ProgressBar::ProgressBar(size_t total, FILE* out, Mode mode) : total_(total), out_(out) {
  enabled_ = out != nullptr && (mode == Mode::kAlways || (mode == Mode::kAuto && isatty(fileno(out)) != 0));
  Start();
}

double ProgressBar::Now() const {
  const auto t = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration<double>(t).count();
}

void ProgressBar::Start() {
  start_ = Now();
  last_draw_ = -1.0;
}

void ProgressBar::Update(size_t done, float loss) { UpdateAt(done, loss, NAN, Now() - start_); }

void ProgressBar::Update(size_t done, float loss, float accuracy) {
  UpdateAt(done, loss, accuracy, Now() - start_);
}

void ProgressBar::UpdateAt(size_t done, float loss, float accuracy, double elapsed) {
  if (!enabled_) return;
  // A terminal redraw costs far more than a batch of a small model: ~10 per second.
  if (last_draw_ >= 0.0 && done < total_ && elapsed - last_draw_ < 0.1) return;
  last_draw_ = elapsed;
  double eta = -1.0;
  if (done > 0 && done < total_) eta = elapsed / static_cast<double>(done) * static_cast<double>(total_ - done);
  const size_t len = Render(line_, sizeof(line_), done, total_, eta, elapsed, loss, accuracy);
  fputc('\r', out_);
  fwrite(line_, 1, len, out_);
  // Blank out the tail of a longer previous line.
  if (last_len_ > len) fwrite(kSpaces, 1, last_len_ - len, out_);
  last_len_ = len;
  fflush(out_);
  ++draws_;
}

void ProgressBar::Finish() {
  if (!enabled_ || last_len_ == 0) return;
  fputc('\r', out_);
  fwrite(kSpaces, 1, last_len_ < sizeof(kSpaces) - 1 ? last_len_ : sizeof(kSpaces) - 1, out_);
  fputc('\r', out_);
  fflush(out_);
  last_len_ = 0;
}

// ---- History -----------------------------------------------------------------

void History::Append(const EpochMetrics& m) {
  epoch.push_back(m.epoch);
  seconds.push_back(m.seconds);
  loss.push_back(m.loss);
  accuracy.push_back(m.accuracy);
  val_loss.push_back(m.has_validation ? m.val_loss : NAN);
  val_accuracy.push_back(m.has_validation ? m.val_accuracy : NAN);
}

void History::Reserve(size_t epochs) {
  epoch.reserve(epochs);
  seconds.reserve(epochs);
  loss.reserve(epochs);
  accuracy.reserve(epochs);
  val_loss.reserve(epochs);
  val_accuracy.reserve(epochs);
}

void History::Clear() {
  epoch.clear();
  seconds.clear();
  loss.clear();
  accuracy.clear();
  val_loss.clear();
  val_accuracy.clear();
}

const std::vector<float>* History::Metric(const char* name) const {
  if (name == nullptr) return nullptr;
  if (strcmp(name, "loss") == 0) return &loss;
  if (strcmp(name, "accuracy") == 0) return &accuracy;
  if (strcmp(name, "val_loss") == 0) return &val_loss;
  if (strcmp(name, "val_accuracy") == 0) return &val_accuracy;
  return nullptr;
}

Status History::BestEpoch(const char* metric, MetricMode mode, size_t* index) const {
  const std::vector<float>* values = Metric(metric);
  if (values == nullptr) return InvalidArgument("history: unknown metric (loss, accuracy, val_loss, val_accuracy)");
  if (index == nullptr) return InvalidArgument("history: null index");
  bool maximize = mode == MetricMode::kMax;
  if (mode == MetricMode::kAuto) maximize = values == &accuracy || values == &val_accuracy;
  bool found = false;
  size_t best = 0;
  for (size_t i = 0; i < values->size(); ++i) {
    const float v = (*values)[i];
    if (std::isnan(v)) continue;
    const float b = found ? (*values)[best] : 0.0f;
    if (!found || (maximize ? v > b : v < b)) {
      best = i;
      found = true;
    }
  }
  if (!found) return OutOfRange("history: no epoch has a value of this metric");
  *index = best;
  return Status::Ok();
}

}  // namespace mote
