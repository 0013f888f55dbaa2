// BatchPipeline (src/train/batch_pipeline.h): the batches made on the worker
// (ahead into the ring, or by the caller when it catches up) are the ones
// made inline, epoch after epoch (shuffle and augmentation streams unbroken); a sample's items are what an epoch holds; bad samples
// are refused.
#include "src/train/batch_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace mote {
namespace {

// Items of 4 floats whose first value is the item's index; label = index.
Dataset Numbered(size_t n) {
  Dataset d;
  d.item_shape = Shape(2, 2, 1);
  for (size_t i = 0; i < n; ++i) {
    d.x.insert(d.x.end(), {float(i), 0.5f, 0.25f, 1.0f});
    d.labels.push_back(int32_t(i));
  }
  return d;
}

struct Batches {
  std::vector<float> x;
  std::vector<int32_t> labels;
};

// Every batch of the run; a slow caller (`pause`) lets the worker fill the
// ring, a fast one catches up with it and makes batches itself.
Batches AllBatches(const BatchPipeline::Config& config, std::chrono::microseconds pause = {}) {
  BatchPipeline pipeline;
  EXPECT_TRUE(pipeline.Prepare(config).ok());
  EXPECT_EQ(pipeline.slots(), config.overlap ? 4u : 1u);
  Batches all;
  for (size_t k = 0; k < config.epochs * config.batches_per_epoch; ++k) {
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    const BatchPipeline::Batch b = pipeline.Next();
    all.x.insert(all.x.end(), b.x, b.x + b.rows * 4);
    all.labels.insert(all.labels.end(), b.labels, b.labels + b.rows);
  }
  return all;
}

TEST(BatchPipeline, OverlappedBatchesAreTheInlineOnes) {
  const Dataset data = Numbered(11);
  Augmenter augment;
  augment.Add({AugmentStep::Kind::kHorizontalFlip, 0.5f});
  augment.Add({AugmentStep::Kind::kGaussianNoise, 0.5f, 0.1f});
  ASSERT_TRUE(augment.Prepare(data.item_shape).ok());
  BatchPipeline::Config config;
  config.data = &data;
  config.batch_size = 4;
  config.batches_per_epoch = 3;  // 4 + 4 + 3
  config.epochs = 5;
  config.seed = 9;
  config.augment = &augment;
  const Batches inline_batches = AllBatches(config);
  config.overlap = true;
  for (int pause_us : {0, 300}) {
    const Batches overlapped = AllBatches(config, std::chrono::microseconds(pause_us));
    EXPECT_EQ(inline_batches.labels, overlapped.labels) << pause_us;
    EXPECT_EQ(inline_batches.x, overlapped.x) << pause_us;
  }
  ASSERT_EQ(inline_batches.labels.size(), 55u);
  // Every epoch holds each item once, and the epochs are shuffled differently.
  for (size_t e = 0; e < 5; ++e) {
    std::vector<int32_t> epoch(inline_batches.labels.begin() + e * 11, inline_batches.labels.begin() + e * 11 + 11);
    if (e > 0) {
      EXPECT_FALSE(std::equal(epoch.begin(), epoch.end(), inline_batches.labels.begin())) << e;
    }
    std::sort(epoch.begin(), epoch.end());
    for (int32_t i = 0; i < 11; ++i) EXPECT_EQ(epoch[size_t(i)], i);
  }
}

TEST(BatchPipeline, ASampleIsWhatAnEpochHolds) {
  const Dataset data = Numbered(6);
  const std::vector<size_t> sample = {5, 5, 0, 3, 5};
  BatchPipeline::Config config;
  config.data = &data;
  config.sample = &sample;
  config.batch_size = 2;
  config.batches_per_epoch = 2;  // the first 4 of 5
  config.epochs = 2;
  config.shuffle = false;
  config.overlap = true;
  const Batches all = AllBatches(config);
  EXPECT_EQ(all.labels, (std::vector<int32_t>{5, 5, 0, 3, 5, 5, 0, 3}));
  EXPECT_EQ(all.x[4 * 3], 3.0f);  // the items' values came along

  BatchPipeline pipeline;
  const std::vector<size_t> past_the_end = {1, 6};
  config.sample = &past_the_end;
  EXPECT_EQ(pipeline.Prepare(config).code(), StatusCode::kOutOfRange);
  config.sample = nullptr;
  config.batches_per_epoch = 0;
  EXPECT_EQ(pipeline.Prepare(config).code(), StatusCode::kInvalidArgument);
  Augmenter wrong_shape;
  ASSERT_TRUE(wrong_shape.Prepare(Shape(3, 3, 1)).ok());
  config.batches_per_epoch = 1;
  config.augment = &wrong_shape;
  EXPECT_EQ(pipeline.Prepare(config).code(), StatusCode::kShapeMismatch);
}

}  // namespace
}  // namespace mote
