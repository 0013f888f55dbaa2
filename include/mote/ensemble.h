// Bagging and ensembles: bootstrap resamples, training the members
// concurrently, and the two ways to combine members' predictions.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <functional>
#include <memory>
#include <vector>

#include "mote/model.h"
#include "mote/rng.h"
#include "mote/status.h"

namespace mote {

// A bootstrap resample of a data set of n examples: n indices drawn
// uniformly with replacement from [0, n) (about 63.2 % distinct for large n).
void BootstrapIndices(size_t n, Rng& rng, std::vector<size_t>* indices);

// One member of an ensemble being trained (TrainEnsemble).
struct EnsembleMember {
  size_t index = 0;    // 0 .. members - 1
  size_t threads = 1;  // the threads it may use: give them to Model::SetThreads
  // Its bootstrap resample of the training set (bagging: give it to
  // FitOptions::sample), or null when the members train on all of it.
  const std::vector<size_t>* sample = nullptr;
};

struct EnsembleOptions {
  size_t members = 5;
  // Bagging: member m trains on BootstrapIndices(train_size, Rng(seed + m)).
  // False: every member trains on the whole set (give them different seeds).
  bool bootstrap = true;
  uint64_t seed = 100;
  // Threads in all (0: the models' default, Model::threads() of a new
  // model). The members train min(threads, members) at a time, each on its
  // share of the threads (a last round of fewer members gets more each).
  size_t threads = 0;
};

// Builds and trains one member into `model` (a new, empty Model): e.g. build
// the network, model.SetThreads(member.threads), fit.sample = member.sample,
// Fit(model, train, fit, ...). It runs for several members at once on
// different threads, so it may share only what it reads (the data set); an
// Augmenter, Schedule or Callback keeps state: make one per member.
using TrainMemberFn = std::function<Status(const EnsembleMember& member, Model& model)>;

// Trains options.members models, concurrently (above), into `models` (in
// member order). A member's training depends on its index only, never on the
// thread count or on which members run beside it, so the models are
// bit-identical to calling train_member for member 0, 1, ... one after
// another. Threads are started once here, never per step; waiting threads
// block. Returns the lowest-index member's failure (the others still finish).
Status TrainEnsemble(size_t train_size, const EnsembleOptions& options, const TrainMemberFn& train_member,
                     std::vector<std::unique_ptr<Model>>* models);

// Regression / probabilities: out[b][k] = mean over members of
// member_outputs[m][b * classes + k]. out may not alias an input.
Status AverageOutputs(const float* const* member_outputs, size_t members, size_t batch, size_t classes, float* out);

// Classification by majority ("mode") vote: each member votes for its argmax
// class; the class with most votes wins, ties go to the smallest class index.
Status ModeVote(const float* const* member_outputs, size_t members, size_t batch, size_t classes, int32_t* out);

}  // namespace mote
