#include "mote/schedule.h"

#include <cmath>
#include <limits>

namespace mote {
namespace {

uint64_t Counter(ScheduleUnit unit, uint64_t step, uint32_t epoch) {
  return unit == ScheduleUnit::kStep ? step : epoch;
}

bool FiniteNonNegative(float x) { return std::isfinite(x) && x >= 0.0f; }

}  // namespace

Status Constant::Validate() const {
  return FiniteNonNegative(lr_) ? Status::Ok() : InvalidArgument("Constant: lr must be finite and >= 0");
}

// Double inside: k can exceed float's 2^24 exact integers.
float InverseTime::LearningRate(uint64_t step, uint32_t epoch) const {
  const double k = static_cast<double>(Counter(unit_, step, epoch));
  return static_cast<float>(static_cast<double>(a_) / (1.0 + static_cast<double>(b_) * k));
}

Status InverseTime::Validate() const {
  if (!FiniteNonNegative(a_) || !FiniteNonNegative(b_)) return InvalidArgument("InverseTime: a and b must be finite and >= 0");
  return Status::Ok();
}

float ExponentialStep::LearningRate(uint64_t step, uint32_t epoch) const {
  if (k0_ == 0) return e0_;
  const uint64_t periods = Counter(unit_, step, epoch) / k0_;  // floor(k / k0)
  return static_cast<float>(static_cast<double>(e0_) *
                            std::pow(static_cast<double>(gamma_), static_cast<double>(periods)));
}

Status ExponentialStep::Validate() const {
  if (k0_ == 0) return InvalidArgument("ExponentialStep: k0 must be >= 1");
  if (!FiniteNonNegative(e0_)) return InvalidArgument("ExponentialStep: e0 must be finite and >= 0");
  if (!(gamma_ > 0.0f && gamma_ <= 1.0f)) return InvalidArgument("ExponentialStep: gamma must be in (0, 1]");
  return Status::Ok();
}

float LinearDecay::LearningRate(uint64_t step, uint32_t epoch) const {
  const uint64_t k = Counter(unit_, step, epoch);
  if (k >= tau_) return e_tau_;
  const double alpha = static_cast<double>(k) / static_cast<double>(tau_);
  return static_cast<float>((1.0 - alpha) * static_cast<double>(e0_) + alpha * static_cast<double>(e_tau_));
}

Status LinearDecay::Validate() const {
  if (!FiniteNonNegative(e0_) || !FiniteNonNegative(e_tau_))
    return InvalidArgument("LinearDecay: e0 and e_tau must be finite and >= 0");
  return Status::Ok();
}

ReduceOnPlateau::ReduceOnPlateau(float initial, float factor, uint32_t patience, float min_delta, float min_lr,
                                 PlateauMode mode)
    : initial_(initial), factor_(factor), patience_(patience), min_delta_(min_delta), min_lr_(min_lr), mode_(mode) {
  Reset();
}

void ReduceOnPlateau::Reset() {
  lr_ = initial_;
  best_ = mode_ == PlateauMode::kMin ? std::numeric_limits<float>::infinity()
                                     : -std::numeric_limits<float>::infinity();
  bad_epochs_ = 0;
  reductions_ = 0;
}

void ReduceOnPlateau::OnEpochEnd(uint32_t, float value) {
  // Written so that NaN compares false: never an improvement.
  const bool improved = mode_ == PlateauMode::kMin ? value < best_ - min_delta_ : value > best_ + min_delta_;
  if (improved) {
    best_ = value;
    bad_epochs_ = 0;
    return;
  }
  ++bad_epochs_;
  if (bad_epochs_ < patience_) return;
  bad_epochs_ = 0;
  if (lr_ > min_lr_) {
    const float reduced = lr_ * factor_;
    lr_ = reduced > min_lr_ ? reduced : min_lr_;
    ++reductions_;
  }
}

Status ReduceOnPlateau::Validate() const {
  if (!FiniteNonNegative(initial_)) return InvalidArgument("ReduceOnPlateau: initial must be finite and >= 0");
  if (!(factor_ > 0.0f && factor_ < 1.0f)) return InvalidArgument("ReduceOnPlateau: factor must be in (0, 1)");
  if (!FiniteNonNegative(min_delta_)) return InvalidArgument("ReduceOnPlateau: min_delta must be finite and >= 0");
  if (!FiniteNonNegative(min_lr_)) return InvalidArgument("ReduceOnPlateau: min_lr must be finite and >= 0");
  return Status::Ok();
}

FunctionSchedule::FunctionSchedule(float initial, LearningRateFunction function, void* user)
    : initial_(initial), function_(function), user_(user) {
  Reset();
}

void FunctionSchedule::Reset() { lr_ = function_ != nullptr ? function_(0, initial_, user_) : initial_; }

void FunctionSchedule::OnEpochEnd(uint32_t epoch, float) {
  if (function_ != nullptr) lr_ = function_(epoch + 1, lr_, user_);
}

Status FunctionSchedule::Validate() const {
  return function_ != nullptr ? Status::Ok() : InvalidArgument("FunctionSchedule: null function");
}

}  // namespace mote
