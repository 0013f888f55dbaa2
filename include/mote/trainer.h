// Minibatch training loop: seeded shuffling, validation, metrics,
// per-epoch history, callbacks, learning-rate schedules, Keras-like output.
// All buffers of the loop (permutation, batch buffers, the augmenter's input)
// and its data worker thread are set up before the first step; steps and
// epochs allocate nothing (with `verbose` off: the epoch line is a
// std::string).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vector>

#include "mote/adversarial.h"
#include "mote/augment.h"
#include "mote/data.h"
#include "mote/model.h"
#include "mote/progress.h"
#include "mote/schedule.h"

namespace mote {

class Callback {
 public:
  virtual ~Callback() = default;
  // After each epoch (metrics of that epoch); set *stop to end training.
  virtual void OnEpochEnd(Model& model, const EpochMetrics& metrics, bool* stop) {
    (void)model;
    (void)metrics;
    (void)stop;
  }
  // Once, after the last epoch (e.g. to restore the best weights).
  virtual void OnTrainEnd(Model& model) { (void)model; }
};

struct FitOptions {
  uint32_t epochs = 1;
  size_t batch_size = 32;
  // Fraction of `train` held out (seeded shuffle split) when no validation
  // set is given; 0 trains on everything.
  float validation_split = 0.0f;
  const Dataset* validation = nullptr;
  bool shuffle = true;
  uint64_t seed = 1;                // shuffling and the validation split
  float learning_rate = 0.01f;      // when no schedule is given
  Schedule* schedule = nullptr;     // learning rate per step; told about each epoch
  std::vector<Callback*> callbacks;
  bool verbose = true;              // epoch lines
  FILE* out = stdout;
  ProgressBar::Mode progress = ProgressBar::Mode::kAuto;
  size_t max_batches_per_epoch = 0;  // 0: the whole training set each epoch
  // Augmentation applied to every training batch (Prepared for the data's
  // item shape); validation data is never augmented.
  Augmenter* augment = nullptr;
  // Train on these items of the training set (repeats allowed, e.g. a
  // bootstrap resample from BootstrapIndices) instead of all of them: the
  // same as Fit on Subset(train, *sample), without the copy. Not with
  // validation_split (give `validation`).
  const std::vector<size_t>* sample = nullptr;
  // Data overlap: the next batches (the epoch's shuffle, gathering,
  // augmentation) are made on one worker thread, started by Fit and parked
  // when idle, into a ring of two to four batch buffers while the current
  // step trains. kAuto overlaps when the model has more than one thread
  // (Model::threads()) and an augmenter is set; otherwise Fit makes each
  // batch inline (shuffling and gathering alone take under 1 % of an epoch,
  // less than handing batches between threads costs). The batches, and so
  // the trained weights, are the same either way.
  enum class DataOverlap : uint8_t { kAuto, kOff, kOn };
  DataOverlap data_overlap = DataOverlap::kAuto;
  // Adversarial training (Goodfellow et al.'s mixed objective): in every
  // batch the first `adversarial_fraction` of the examples are replaced by
  // adversarial ones made from the current model (FGSM or the iterated
  // attack, per `adversarial`), so the loss is (1 - f) J(x) + f J(x_adv).
  const AdversarialOptions* adversarial = nullptr;
  float adversarial_fraction = 0.5f;
};

// Trains `model` (Prepared for batch_size if it is not yet) on `train`.
// `history` (may be null) receives one entry per epoch. A failing TrainStep
// stops training; the message names the epoch and batch (it stays valid until
// the next such failure on this thread). A diverging step (NaN or infinite
// loss or parameters: kOutOfRange) leaves the model at its last finite state.
Status Fit(Model& model, const Dataset& train, const FitOptions& options, History* history);

// Whether Fit makes the batches on a worker thread for this model
// (FitOptions::data_overlap).
bool OverlapsData(const FitOptions& options, const Model& model);

// Mean loss and accuracy over a whole data set in inference mode, in batches
// of the model's max batch.
Status EvaluateDataset(Model& model, const Dataset& data, float* loss, float* accuracy);

// Test-time augmentation: the mean of the model's output 0 over `passes`
// augmented copies of the batch (the first pass is the unaugmented batch).
// `scratch` holds batch x input_size(0) floats; allocates nothing.
Status PredictAugmented(Model& model, Augmenter& augment, const float* x, size_t batch, uint32_t passes, Rng& rng,
                        float* scratch, float* out);

}  // namespace mote
