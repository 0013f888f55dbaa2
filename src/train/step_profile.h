// StepProfile: wall time of every phase of TrainStep (each node's Forward
// and Backward, the loss, zeroing the gradients, the update, the time
// between steps), with means and medians per step, the pool's busy time
// (its threads' time in chunks) and the caller's wait per phase, the steps'
// percentiles and the pool's counters within the steps; printed to stderr
// when the model goes or is prepared again. For finding which phases scale
// worst with threads. On only when MOTE_PROFILE is set (read at Prepare);
// off, a phase costs one branch.
#pragma once
#include <stddef.h>

#include <chrono>
#include <string>
#include <vector>

#include "mote/threads.h"

namespace mote {

class StepProfile {
 public:
  enum Phase : size_t { kBetweenSteps, kStepStart, kLoss, kZeroGrads, kUpdate, kOtherPhases };
  ~StepProfile();
  // Sized for `nodes` nodes (allocates; at Prepare); on when MOTE_PROFILE is set.
  void Reset(const std::vector<std::string>& node_names, ThreadPool* pool);
  bool on() const { return on_; }
  // A step starts: the time since the last step ended goes to kBetweenSteps.
  void Start() {
    if (!on_) return;
    if (last_ == 0) last_ = Now();
    MarkPhase(kBetweenSteps);
    step_pool_start_ = pool_->stats();
  }
  // The time since the last Mark (or Start) goes to the given slot.
  void MarkForward(size_t node) { Add(node); }
  void MarkBackward(size_t node) { Add(names_.size() + node); }
  void MarkPhase(Phase p) { Add(2 * names_.size() + p); }
  void CountStep();

 private:
  static double Now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void Add(size_t slot) {
    if (!on_) return;
    const double now = Now();
    step_[slot] += now - last_;
    last_ = now;
    const double busy = pool_->busy_seconds(), wait = pool_->stats().wait_seconds;
    busy_[slot] += busy - busy_last_;
    wait_[slot] += wait - wait_last_;
    busy_last_ = busy;
    wait_last_ = wait;
  }
  void Print() const;

  bool on_ = false;
  size_t steps_ = 0;
  ThreadPool* pool_ = nullptr;
  ThreadPool::Stats step_pool_start_, in_steps_;  // the pool's counters at this step's start; their sums over steps
  double last_ = 0, busy_last_ = 0, wait_last_ = 0;
  std::vector<double> wait_;     // the caller's wait for the other threads' chunks, slot by slot
  std::vector<double> busy_;     // the pool's busy seconds (ThreadPool::set_timing), slot by slot
  std::vector<std::string> names_;
  std::vector<double> seconds_;  // forward per node, backward per node, other phases
  std::vector<double> step_;     // this step's, slot by slot
  std::vector<float> history_;   // step_ of the first kMaxSteps steps, for medians
};

}  // namespace mote
