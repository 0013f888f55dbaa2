#include "src/train/step_profile.h"

#include <stdio.h>
#include <stdlib.h>

#include <algorithm>

namespace mote {

namespace {
// Steps whose phases are kept for the medians (which a busy machine's
// preemptions move less than the means).
constexpr size_t kMaxSteps = 8192;
}  // namespace

StepProfile::~StepProfile() { Print(); }

void StepProfile::Reset(const std::vector<std::string>& node_names, ThreadPool* pool) {
  Print();
  on_ = getenv("MOTE_PROFILE") != nullptr;
  if (!on_) return;
  pool_ = pool;
  in_steps_ = ThreadPool::Stats{};
  pool->set_timing(true);
  busy_last_ = pool->busy_seconds();
  wait_last_ = pool->stats().wait_seconds;
  last_ = 0;
  steps_ = 0;
  names_ = node_names;
  seconds_.assign(2 * names_.size() + kOtherPhases, 0.0);
  step_ = seconds_;
  busy_ = seconds_;
  wait_ = seconds_;
  history_.clear();
  history_.reserve(kMaxSteps * seconds_.size());
}

void StepProfile::CountStep() {
  if (!on_) return;
  ++steps_;
  const ThreadPool::Stats& now = pool_->stats();
  in_steps_.loops += now.loops - step_pool_start_.loops;
  in_steps_.inline_loops += now.inline_loops - step_pool_start_.inline_loops;
  in_steps_.late_loops += now.late_loops - step_pool_start_.late_loops;
  in_steps_.blocked += now.blocked - step_pool_start_.blocked;
  in_steps_.wait_seconds += now.wait_seconds - step_pool_start_.wait_seconds;
  for (size_t i = 0; i < step_.size(); ++i) {
    seconds_[i] += step_[i];
    if (history_.size() < history_.capacity()) history_.push_back(float(step_[i]));
    step_[i] = 0;
  }
}

void StepProfile::Print() const {
  if (!on_ || steps_ == 0) return;
  const double ms = 1e3 / double(steps_);
  double total = 0;
  for (double s : seconds_) total += s;
  fprintf(stderr, "step profile: %zu steps, %zu threads, %.3f ms/step (ms per step: forward backward)\n", steps_,
          pool_->threads(), total * ms);
  const ThreadPool::Stats& p = in_steps_;
  fprintf(stderr, "  pool in the steps: %llu loops, %llu inline, %llu late, %llu blocked, caller waited %.4f ms/step\n",
          (unsigned long long)p.loops, (unsigned long long)p.inline_loops, (unsigned long long)p.late_loops,
          (unsigned long long)p.blocked, p.wait_seconds * ms);
  // Medians over the kept steps.
  const size_t slots = seconds_.size(), kept = history_.size() / slots;
  std::vector<double> median(slots, 0.0);
  std::vector<float> column(kept);
  double median_total = 0;
  for (size_t i = 0; i < slots && kept > 0; ++i) {
    for (size_t k = 0; k < kept; ++k) column[k] = history_[k * slots + i];
    std::nth_element(column.begin(), column.begin() + kept / 2, column.end());
    median[i] = column[kept / 2];
    median_total += median[i];
  }
  fprintf(stderr, "  sum of medians %.3f ms; per phase: mean forward, mean backward, median forward, median backward, then the pool's busy time in forward, backward (all threads), then the caller's wait for the others in forward, backward (ms)\n",
          median_total * 1e3);
  // Whole steps: percentiles, and the slowest few with their index.
  std::vector<std::pair<float, size_t>> totals(kept);
  for (size_t k = 0; k < kept; ++k) {
    float t = 0;
    for (size_t i = 0; i < slots; ++i) t += history_[k * slots + i];
    totals[k] = {t, k};
  }
  std::sort(totals.begin(), totals.end());
  if (kept > 0) {
    fprintf(stderr, "  steps (ms): p10 %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f; slowest:", totals[kept / 10].first * 1e3,
            totals[kept / 2].first * 1e3, totals[kept * 9 / 10].first * 1e3, totals[kept * 99 / 100].first * 1e3,
            totals[kept - 1].first * 1e3);
    for (size_t k = kept; k-- > 0 && k + 8 >= kept;) fprintf(stderr, " #%zu %.2f", totals[k].second, totals[k].first * 1e3);
    fprintf(stderr, "\n");
  }
  const size_t n = names_.size();
  for (size_t i = 0; i < n; ++i)
    if (seconds_[i] + seconds_[n + i] > 0)
      fprintf(stderr, "  %-12s %8.4f %8.4f %8.4f %8.4f   %8.4f %8.4f   %8.4f %8.4f\n", names_[i].c_str(),
              seconds_[i] * ms, seconds_[n + i] * ms, median[i] * 1e3, median[n + i] * 1e3, busy_[i] * ms,
              busy_[n + i] * ms, wait_[i] * ms, wait_[n + i] * ms);
  static const char* const kNames[kOtherPhases] = {"between", "step start", "loss", "zero grads", "update"};
  for (size_t p = 0; p < kOtherPhases; ++p)
    fprintf(stderr, "  %-12s %8.4f %8s %8.4f %8s   %8.4f %8s   %8.4f\n", kNames[p], seconds_[2 * n + p] * ms, "",
            median[2 * n + p] * 1e3, "", busy_[2 * n + p] * ms, "", wait_[2 * n + p] * ms);
}

}  // namespace mote
