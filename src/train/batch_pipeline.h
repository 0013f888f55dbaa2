// BatchPipeline: the training batches of one Fit (include/mote/trainer.h),
// made in order. Before each epoch's first batch comes the epoch's shuffle
// (Fisher-Yates over the seeded RNG); each batch is then gathered from the
// data set and, with an augmenter, augmented.
//
// Prepare allocates every buffer: the permutation, the batch slots (inputs
// and labels) and, with an augmenter, one gathered batch. Without `overlap`
// there is one slot and Next makes each batch inline. With it, one
// BackgroundWorker makes batches ahead into a ring of slots while the caller
// trains on the current one: a double buffer, deepened to four slots when a
// batch is small (at most 4 MiB), so the worker may fall behind for a few
// steps (a loaded machine schedules it late) without the caller waiting. A
// caller that finds its batch not begun makes it itself.
//
// One thread at a time makes batches (a flag handed over under the mutex),
// one after another, so the RNG streams of the shuffle and the augmentation,
// and with them the batches, do not depend on timing or on the thread
// count: overlapped training is bit-identical to training inline.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <condition_variable>
#include <memory>
#include <mutex>
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
  ~BatchPipeline();  // stops the worker
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Checks the sample (kOutOfRange: an index past the data; kUnsupported:
  // 2^32 items or more) and the augmenter's shape, allocates, and with
  // overlap starts making batches.
  Status Prepare(const Config& config);
  // Items per epoch (the sample's size, or the data set's).
  size_t items() const { return order_.size(); }
  size_t slots() const { return x_.size(); }
  // The next batch, epoch after epoch (at most epochs x batches_per_epoch
  // calls). Its buffers hold until the next call.
  Batch Next();

 private:
  void Make(size_t k);     // batch k (of all epochs) into slot k % slots()
  bool SlotFree() const;   // under mutex_: batch made_ may be made now
  bool RingLow() const;    // under mutex_: the worker should wake
  void MakeAhead();        // the worker's job, until every batch is made or stop_
  void Stop();

  Config config_;
  std::vector<uint32_t> order_;
  std::vector<std::vector<float>> x_;
  std::vector<std::vector<int32_t>> labels_;
  std::vector<size_t> rows_;
  std::vector<float> gathered_;  // with an augmenter: its input
  Rng shuffle_rng_, augment_rng_;
  size_t total_ = 0;  // batches of all epochs

  std::mutex mutex_;
  std::condition_variable changed_;  // any of the four below changed
  size_t made_ = 0;        // batches made
  size_t handed_out_ = 0;  // batches given to the caller (the last one in use)
  bool making_ = false;    // a thread makes batch made_
  bool stop_ = false;
  std::unique_ptr<BackgroundWorker> worker_;
};

}  // namespace mote
