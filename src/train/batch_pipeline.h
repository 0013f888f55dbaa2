// BatchPipeline: the training batches of one Fit (include/mote/trainer.h),
// made in order. Before each epoch's first batch comes the epoch's shuffle
// (Fisher-Yates over the seeded RNG); each batch is then gathered from the
// data set and, with an augmenter, augmented.
//
// Prepare allocates every buffer: the permutation, two batch buffers (inputs
// and labels) and, with an augmenter, one gathered batch. With `overlap`, it
// also starts one BackgroundWorker that makes batch k + 1 while the caller
// trains on batch k; without, Next makes the batch inline. Either way one
// thread makes the batches one after another, so the RNG streams of the
// shuffle and the augmentation, and with them the batches, do not depend on
// timing or on the thread count: overlapped training is bit-identical to
// training without overlap.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <memory>
#include <vector>

#include "mote/augment.h"
#include "mote/data.h"
#include "mote/rng.h"
#include "mote/status.h"
#include "src/train/background_worker.h"

namespace mote {

class BatchPipeline {
 public:
  struct Config {
    const Dataset* data = nullptr;
    // The items of `data` to train on (repeats allowed, e.g. a bootstrap
    // resample); null: all of them.
    const std::vector<size_t>* sample = nullptr;
    size_t batch_size = 0;
    size_t batches_per_epoch = 0;  // the first ones of each shuffled epoch
    uint32_t epochs = 0;
    bool shuffle = true;
    uint64_t seed = 1;
    Augmenter* augment = nullptr;  // Prepared for the data's item shape
    bool overlap = false;
  };
  struct Batch {
    float* x;  // the caller may change it (adversarial examples) until the next call
    const int32_t* labels;
    size_t rows;
  };

  BatchPipeline() = default;
  ~BatchPipeline();  // waits for a batch still being made
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Checks the sample (kOutOfRange: an index past the data; kUnsupported:
  // 2^32 items or more) and the augmenter's shape, allocates, and starts
  // making the first batch.
  Status Prepare(const Config& config);
  // Items per epoch (the sample's size, or the data set's).
  size_t items() const { return order_.size(); }
  // The next batch, epoch after epoch (at most epochs x batches_per_epoch
  // calls). Its buffers hold until the next call.
  Batch Next();

 private:
  void Make(size_t k);  // batch k (of all epochs) into buffer k % 2
  static void MakeOnWorker(void* self);  // the batch making_

  Config config_;
  std::vector<uint32_t> order_;
  std::vector<float> x_[2];
  std::vector<int32_t> labels_[2];
  std::vector<float> gathered_;  // with an augmenter: its input
  size_t rows_[2] = {0, 0};
  Rng shuffle_rng_, augment_rng_;
  size_t next_ = 0, total_ = 0;  // batches handed out, and in all
  size_t making_ = 0;            // the batch the worker makes
  std::unique_ptr<BackgroundWorker> worker_;
};

}  // namespace mote
