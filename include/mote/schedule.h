// Learning-rate schedules: inverse time, exponential steps, linear decay
// (Goodfellow, Bengio and Courville, Deep Learning, 2016, section 8.3.1),
// reduce on plateau (Keras's rule) and any function of the epoch.
//
// Units. The trainer asks for the rate of every update with
//   LearningRate(step, epoch)
// where `step` = optimizer updates already made (0 for the very first update:
// Model::step() read before TrainStep) and `epoch` = the 0-based epoch the
// update belongs to. The iteration counter k of the formulas is `step` for
// InverseTime, ExponentialStep and LinearDecay (pass ScheduleUnit::kEpoch to
// count epochs instead, e.g. for k0); ReduceOnPlateau and
// FunctionSchedule change only between epochs, through OnEpochEnd, which the
// trainer calls once after every epoch with the monitored value (e.g.
// validation loss). No schedule allocates; none is thread-safe.
//
// Constructors cannot fail; Validate() reports nonsensical hyperparameters
// (kInvalidArgument). An invalid schedule still returns finite rates (see
// each class).
#pragma once
#include <stdint.h>

#include "mote/status.h"

namespace mote {

class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual const char* type() const = 0;
  // The learning rate epsilon_k for the update about to be made (see Units).
  virtual float LearningRate(uint64_t step, uint32_t epoch) const = 0;
  // After epoch `epoch` (0-based) with the monitored value; only stateful
  // schedules use it.
  virtual void OnEpochEnd(uint32_t epoch, float monitored_value) {
    (void)epoch;
    (void)monitored_value;
  }
  // Back to the state right after construction (e.g. to train another model).
  virtual void Reset() {}
  virtual Status Validate() const { return Status::Ok(); }
};

// What the iteration counter k of a decay schedule counts.
enum class ScheduleUnit : uint8_t { kStep = 0, kEpoch = 1 };

// epsilon_k = lr.
class Constant final : public Schedule {
 public:
  explicit Constant(float lr) : lr_(lr) {}
  const char* type() const override { return "Constant"; }
  float LearningRate(uint64_t, uint32_t) const override { return lr_; }
  Status Validate() const override;

 private:
  float lr_;
};

// The O(1/k) (inverse time) schedule: epsilon_k = a / (1 + b k), a, b >= 0.
class InverseTime final : public Schedule {
 public:
  InverseTime(float a, float b, ScheduleUnit unit = ScheduleUnit::kStep) : a_(a), b_(b), unit_(unit) {}
  const char* type() const override { return "InverseTime"; }
  float LearningRate(uint64_t step, uint32_t epoch) const override;
  Status Validate() const override;

 private:
  float a_, b_;
  ScheduleUnit unit_;
};

// The exponential (step) schedule:
// epsilon_k = e0 * gamma^floor(k / k0), k0 >= 1 (usually 0.1 <= gamma <= 0.5).
// k0 == 0 is invalid and gives e0.
class ExponentialStep final : public Schedule {
 public:
  ExponentialStep(float e0, float gamma, uint64_t k0, ScheduleUnit unit = ScheduleUnit::kStep)
      : e0_(e0), gamma_(gamma), k0_(k0), unit_(unit) {}
  const char* type() const override { return "ExponentialStep"; }
  float LearningRate(uint64_t step, uint32_t epoch) const override;
  Status Validate() const override;

 private:
  float e0_, gamma_;
  uint64_t k0_;
  ScheduleUnit unit_;
};

// Linear decay until iteration tau, then constant (Deep Learning eq. 8.14):
// epsilon_k = (1 - alpha) e0 + alpha e_tau with alpha = k / tau for k < tau,
// epsilon_k = e_tau for k >= tau (tau == 0: e_tau throughout).
// The book's advice: e_tau about 1% of e0, tau = many passes through the data.
class LinearDecay final : public Schedule {
 public:
  LinearDecay(float e0, float e_tau, uint64_t tau, ScheduleUnit unit = ScheduleUnit::kStep)
      : e0_(e0), e_tau_(e_tau), tau_(tau), unit_(unit) {}
  const char* type() const override { return "LinearDecay"; }
  float LearningRate(uint64_t step, uint32_t epoch) const override;
  Status Validate() const override;

 private:
  float e0_, e_tau_;
  uint64_t tau_;
  ScheduleUnit unit_;
};

enum class PlateauMode : uint8_t {
  kMin = 0,  // the monitored value should go down (a loss)
  kMax = 1,  // the monitored value should go up (an accuracy)
};

// Reduce on plateau (the Keras ReduceLROnPlateau rule, without
// cooldown). Starts at `initial`. After each epoch, the monitored value
// improves when it beats the best so far by more than min_delta
// (kMin: value < best - min_delta; kMax: value > best + min_delta; the first
// finite value always improves; NaN never does). An improvement records the
// new best and resets the count of bad epochs; otherwise the count grows, and
// when it reaches `patience` the rate becomes max(rate * factor, min_lr) and
// the count restarts from 0. With patience 0 every epoch without improvement
// reduces. Valid: 0 < factor < 1, min_delta >= 0, 0 <= min_lr.
class ReduceOnPlateau final : public Schedule {
 public:
  ReduceOnPlateau(float initial, float factor = 0.1f, uint32_t patience = 10, float min_delta = 1e-4f,
                  float min_lr = 0.0f, PlateauMode mode = PlateauMode::kMin);
  const char* type() const override { return "ReduceOnPlateau"; }
  float LearningRate(uint64_t, uint32_t) const override { return lr_; }
  void OnEpochEnd(uint32_t epoch, float monitored_value) override;
  void Reset() override;
  Status Validate() const override;

  float best() const { return best_; }                // +inf (kMin) / -inf (kMax) before any value
  uint32_t bad_epochs() const { return bad_epochs_; }  // since the last improvement or reduction
  uint32_t reductions() const { return reductions_; }  // times the rate was lowered

 private:
  float initial_, factor_;
  uint32_t patience_;
  float min_delta_, min_lr_;
  PlateauMode mode_;
  float lr_, best_;
  uint32_t bad_epochs_, reductions_;
};

// A user function of (epoch, lr) -> new lr, like Keras' LearningRateScheduler,
// without std::function: a plain function pointer plus a user pointer passed
// back on every call. `epoch` is the 0-based epoch about to start, `lr` the
// rate of the previous epoch (`initial` for epoch 0). It is called once per
// epoch: for epoch 0 by the constructor and by Reset(), for epoch e + 1 by
// OnEpochEnd(e, ...). A null function is invalid and keeps `initial`.
using LearningRateFunction = float (*)(uint32_t epoch, float lr, void* user);

class FunctionSchedule final : public Schedule {
 public:
  FunctionSchedule(float initial, LearningRateFunction function, void* user = nullptr);
  const char* type() const override { return "Function"; }
  float LearningRate(uint64_t, uint32_t) const override { return lr_; }
  void OnEpochEnd(uint32_t epoch, float monitored_value) override;
  void Reset() override;
  Status Validate() const override;

 private:
  float initial_;
  LearningRateFunction function_;
  void* user_;
  float lr_;
};

}  // namespace mote
