#include "src/train/batch_pipeline.h"

#include <cstring>

#include "src/core/status_format.h"

namespace mote {

BatchPipeline::~BatchPipeline() {
  if (worker_) worker_->Wait();  // before the buffers go
}

Status BatchPipeline::Prepare(const Config& config) {
  if (config.data == nullptr || config.batch_size == 0 || config.batches_per_epoch == 0)
    return InvalidArgument("fit: no data, or no batch");
  if (worker_) worker_->Wait();  // a batch of an earlier Prepare
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
  for (int b = 0; b < 2; ++b) {
    x_[b].resize(floats);
    labels_[b].resize(config.batch_size);
  }
  gathered_.resize(config.augment ? floats : 0);
  shuffle_rng_.Seed(config.seed, 0x5f1);
  augment_rng_.Seed(config.seed, 0xa06);
  next_ = 0;
  total_ = size_t(config.epochs) * config.batches_per_epoch;
  if (config.overlap && total_ > 0) {
    if (!worker_) worker_.reset(new BackgroundWorker());
    making_ = 0;
    worker_->Start(&MakeOnWorker, this);
  }
  return Status::Ok();
}

void BatchPipeline::MakeOnWorker(void* self) {
  BatchPipeline* p = static_cast<BatchPipeline*>(self);
  p->Make(p->making_);
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
  float* x = x_[k % 2].data();
  float* gathered = config_.augment ? gathered_.data() : x;
  int32_t* labels = labels_[k % 2].data();
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t src = order_[begin + r];
    std::memcpy(gathered + r * item, data.item(src), item * sizeof(float));
    labels[r] = data.labels[src];
  }
  if (config_.augment) config_.augment->Apply(gathered, x, rows, augment_rng_);
  rows_[k % 2] = rows;
}

BatchPipeline::Batch BatchPipeline::Next() {
  const size_t k = next_++;
  if (worker_ && config_.overlap) {
    worker_->Wait();  // batch k is made
    if (k + 1 < total_) {
      making_ = k + 1;
      worker_->Start(&MakeOnWorker, this);
    }
  } else {
    Make(k);
  }
  return Batch{x_[k % 2].data(), labels_[k % 2].data(), rows_[k % 2]};
}

}  // namespace mote
