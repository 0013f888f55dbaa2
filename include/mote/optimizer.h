// The optimizer interface. Concrete optimizers live one per header
// in include/mote/optim/ (sgd.h, momentum.h, adagrad.h, rmsprop.h, adam.h);
// include/mote/optimizers.h includes them all.
//
// Every optimizer updates the model's one parameter buffer in place, in one
// pass over a list of ranges (frozen parameters are simply not in the list),
// with its state in one buffer of StateFloats(count) floats that the model
// zeroes at Prepare: no allocation per step. State uses the parameter
// indexing: state block j holds element i at state[j * count + i].
//
// Notation in the optimizer headers follows Goodfellow, Bengio and Courville,
// Deep Learning (2016), chapter 8: epsilon (ε) is
// the learning rate (OptimizerStep::learning_rate, from the schedule), g the
// gradient, theta (θ) the parameters, t the 1-based update count.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {

class OptionWriter;  // include/mote/describe.h

// A contiguous run of parameters updated together.
struct ParamRange {
  size_t begin, end;     // element indices into the parameter buffer
  bool decay;            // receives decoupled weight decay (AdamW-style) when enabled
};

struct OptimizerStep {
  float* params;             // the whole parameter buffer
  const float* grads;        // gradients, same indexing (regularization already added)
  float* state;              // StateFloats(count) floats, zero at Prepare
  size_t count;              // parameter count
  const ParamRange* ranges;  // ranges to update (sorted, disjoint)
  size_t range_count;
  float learning_rate;       // from the schedule, this step
  uint64_t step;             // 1 for the first update (Adam's bias correction)
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual const char* type() const = 0;
  // Floats of state per model of `count` parameters (e.g. 2 * count for Adam).
  virtual size_t StateFloats(size_t count) const = 0;
  virtual void Step(const OptimizerStep& step) = 0;
  // Model files (include/mote/describe.h): the optimizer's model-file type
  // and options. Optimizers without one keep the default, which fails.
  virtual Status Describe(OptionWriter&) const {
    return Unsupported("describe: an optimizer without a model-file form");
  }

  // For Model::TrainStep's divergence guard: whether Step(step) would make an
  // element of the parameters or the state NaN or infinite, found with Step's
  // own arithmetic while writing nothing, so a refused step needs no backup.
  // kUnknown (the default, for optimizers that cannot tell) makes the model
  // copy parameters and state around Step instead, which costs a copy and a
  // scan of both per step. With range_count == 0 an optimizer that probes
  // returns kFinite (the model asks so once, at Prepare) and then answers
  // every step with kFinite or kNonFinite.
  enum class Probe { kUnknown, kFinite, kNonFinite };
  virtual Probe ProbeStep(const OptimizerStep& step) const {
    (void)step;
    return Probe::kUnknown;
  }

  // True when Step and ProbeStep compute each element from that element's
  // parameter, gradient and state alone (and the step's learning rate and
  // count), and may run concurrently on disjoint ranges: a model with threads
  // then updates pieces of its ranges on several threads, with the results
  // of one call over all of them. Every optimizer of include/mote/optim/ is;
  // the default (false) keeps the update in one call on one thread.
  virtual bool elementwise() const { return false; }
};

}  // namespace mote
