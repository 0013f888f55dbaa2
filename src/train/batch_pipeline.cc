#include "src/train/batch_pipeline.h"

#include <cstring>

#include "src/core/status_format.h"

namespace mote {
namespace {
constexpr size_t kMaxSlots = 4;
constexpr size_t kDeepSlotBytes = size_t(4) << 20;  // larger batches get a double buffer
}  // namespace

BatchPipeline::~BatchPipeline() { Stop(); }

void BatchPipeline::Stop() {
  if (!worker_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_->Wait();
}

Status BatchPipeline::Prepare(const Config& config) {
  Stop();  // the batches of an earlier Prepare
  if (config.data == nullptr || config.batch_size == 0 || config.batches_per_epoch == 0)
    return InvalidArgument("fit: no data, or no batch");
  const Dataset& data = *config.data;
  const size_t n = config.sample ? config.sample->size() : data.size();
  if (n >= (size_t(1) << 32) || data.size() >= (size_t(1) << 32))
    return Unsupported("fit: 2^32 training items or more");
  if (config.augment && config.augment->item_shape() != data.item_shape)
    return ShapeMismatch("fit: Prepare the augmenter for the data's item shape");
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t item = config.sample ? (*config.sample)[i] : i;
    if (item >= data.size())
      return FormattedStatus(StatusCode::kOutOfRange, "fit: sample entry %zu is item %zu of a data set of %zu", i,
                             item, data.size());
    order_[i] = uint32_t(item);
  }
  config_ = config;
  const size_t floats = config.batch_size * data.item_shape.elements();
  const size_t slots = !config.overlap ? 1 : floats * sizeof(float) <= kDeepSlotBytes ? kMaxSlots : 2;
  x_.resize(slots);
  labels_.resize(slots);
  rows_.assign(slots, 0);
  for (size_t s = 0; s < slots; ++s) {
    x_[s].resize(floats);
    labels_[s].resize(config.batch_size);
  }
  gathered_.resize(config.augment ? floats : 0);
  shuffle_rng_.Seed(config.seed, 0x5f1);
  augment_rng_.Seed(config.seed, 0xa06);
  total_ = size_t(config.epochs) * config.batches_per_epoch;
  made_ = handed_out_ = 0;
  making_ = stop_ = false;
  if (config.overlap) {
    if (!worker_) worker_.reset(new BackgroundWorker());
    worker_->Start([](void* self) { static_cast<BatchPipeline*>(self)->MakeAhead(); }, this);
  }
  return Status::Ok();
}

void BatchPipeline::Make(size_t k) {
  const Dataset& data = *config_.data;
  const size_t n = order_.size(), item = data.item_shape.elements();
  const size_t b = k % config_.batches_per_epoch;
  if (b == 0 && config_.shuffle)  // Fisher-Yates with the seeded RNG: the same order on every platform
    for (size_t i = n - 1; i > 0; --i) {
      const size_t j = shuffle_rng_.Below(uint32_t(i + 1));
      const uint32_t t = order_[i];
      order_[i] = order_[j];
      order_[j] = t;
    }
  const size_t begin = b * config_.batch_size;
  const size_t rows = n - begin < config_.batch_size ? n - begin : config_.batch_size;
  const size_t slot = k % x_.size();
  float* x = x_[slot].data();
  float* gathered = config_.augment ? gathered_.data() : x;
  int32_t* labels = labels_[slot].data();
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t src = order_[begin + r];
    std::memcpy(gathered + r * item, data.item(src), item * sizeof(float));
    labels[r] = data.labels[src];
  }
  if (config_.augment) config_.augment->Apply(gathered, x, rows, augment_rng_);
  rows_[slot] = rows;
}

// Batch made_ goes into the slot of batch made_ - slots(), free once the
// caller has moved past it: the caller holds batch handed_out_ - 1.
bool BatchPipeline::SlotFree() const { return made_ < total_ && made_ + 1 < handed_out_ + x_.size(); }

// The worker fills the ring, then sleeps until the caller has taken all but
// one of the batches made ahead (fewer wake-ups: on a loaded machine each
// one may cost the caller its core for a while).
bool BatchPipeline::RingLow() const { return made_ <= handed_out_ + 1; }

void BatchPipeline::MakeAhead() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || made_ == total_ || (!making_ && SlotFree() && RingLow()); });
    while (!stop_ && !making_ && SlotFree()) {
      making_ = true;
      lock.unlock();
      Make(made_);  // made_ changes only under making_
      lock.lock();
      ++made_;
      making_ = false;
      changed_.notify_all();
    }
    if (stop_ || made_ == total_) return;
  }
}

BatchPipeline::Batch BatchPipeline::Next() {
  std::unique_lock<std::mutex> lock(mutex_);
  const size_t k = handed_out_;
  while (made_ <= k) {
    if (making_) {  // the worker makes batch k
      changed_.wait(lock);
      continue;
    }
    making_ = true;  // not begun: make it here
    lock.unlock();
    Make(k);
    lock.lock();
    ++made_;
    making_ = false;
  }
  handed_out_ = k + 1;  // batch k - 1's slot is free
  const bool wake = worker_ && RingLow();
  lock.unlock();
  if (wake) changed_.notify_all();
  const size_t slot = k % x_.size();
  return Batch{x_[slot].data(), labels_[slot].data(), rows_[slot]};
}

}  // namespace mote
