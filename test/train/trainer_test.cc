// The training loop (src/train/trainer.cc): a diverging run (one NaN pixel,
// or a learning rate of 1e6) stops with an error naming the epoch and batch,
// and the model stays at its last finite state, so neither a checkpoint nor an
// exported model of it holds NaN. Overlapping the data pipeline with the
// steps trains to the same weights for every thread count, a sample trains
// like the subset it names, and epochs allocate nothing.
#include "mote/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "mote/checkpoint.h"
#include "mote/ensemble.h"
#include "mote/export.h"
#include "mote/math.h"
#include "mote/zoo.h"

namespace mote {
namespace {

Dataset RandomImages(size_t n, uint64_t seed) {
  Rng rng(seed);
  Dataset d;
  d.item_shape = Shape(28, 28, 1);
  d.x.resize(n * 784);
  for (float& v : d.x) v = rng.Uniform(0.0f, 1.0f);
  for (size_t i = 0; i < n; ++i) d.labels.push_back(int32_t(rng.Below(10)));
  return d;
}

bool ModelFinite(Model& m) {
  return AllFinite(m.params(), m.param_buffer_floats()) && AllFinite(m.state(), m.state_count()) &&
         AllFinite(m.optimizer_state(), m.optimizer_state_count());
}

// Fits the seed network; expects the run to stop with a divergence error in
// epoch 1 of 2 whose message contains `cause`, then checks the model is
// finite and that checkpoint and export both work on it.
void ExpectStopsAtLastFiniteState(const Dataset& data, float learning_rate, const char* cause) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model).ok());
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 8;
  options.learning_rate = learning_rate;
  options.verbose = false;
  const Status s = Fit(model, data, options, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange) << s.message();
  EXPECT_NE(std::strstr(s.message(), "fit: epoch 1/2, batch "), nullptr) << s.message();
  EXPECT_NE(std::strstr(s.message(), cause), nullptr) << s.message();
  EXPECT_TRUE(ModelFinite(model));

  const std::string path = ::testing::TempDir() + "trainer_test_diverged.ckpt";
  std::remove(path.c_str());
  ASSERT_TRUE(SaveCheckpoint(model, path).ok());
  Model restored;
  ASSERT_TRUE(BuildSeedNetwork(restored).ok());
  ASSERT_TRUE(restored.Prepare(8).ok());
  ASSERT_TRUE(LoadCheckpoint(restored, path).ok());
  EXPECT_TRUE(ModelFinite(restored));
  std::remove(path.c_str());
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(ExportModel(model, ExportOptions(), &bytes).ok());
}

TEST(Fit, OneNaNPixelStopsTrainingAtTheLastFiniteModel) {
  Dataset data = RandomImages(32, 3);
  data.x[17 * 784 + 400] = std::nanf("");
  ExpectStopsAtLastFiniteState(data, 0.01f, "loss is NaN or infinite");
}

TEST(Fit, LearningRate1e6StopsTrainingAtTheLastFiniteModel) {
  ExpectStopsAtLastFiniteState(RandomImages(32, 4), 1e6f, "NaN or infinite");
}

// Every float of the model's parameters, layer state (batchnorm moving
// statistics) and optimizer state, and its step count.
struct Snapshot {
  std::vector<float> params, state, optimizer;
  uint64_t step;
  explicit Snapshot(Model& m)
      : params(m.params(), m.params() + m.param_buffer_floats()),
        state(m.state(), m.state() + m.state_count()),
        optimizer(m.optimizer_state(), m.optimizer_state() + m.optimizer_state_count()),
        step(m.step()) {}
  // Bit-identical (memcmp: a NaN would compare unequal to itself as a float).
  bool Same(const Snapshot& o) const {
    auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
      return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
    };
    return same(params, o.params) && same(state, o.state) && same(optimizer, o.optimizer) && step == o.step;
  }
};

// A narrow seed network (batchnorm everywhere), prepared and trained for a
// few steps so that its weights, batchnorm statistics and momentum are not
// at their initial values.
void TrainedNarrowSeed(Model& model) {
  ASSERT_TRUE(BuildSeedNetwork(model, NarrowSeedNetworkOptions()).ok());
  FitOptions options;
  options.batch_size = 8;
  options.max_batches_per_epoch = 3;
  options.verbose = false;
  ASSERT_TRUE(Fit(model, RandomImages(24, 9), options, nullptr).ok());
}

TEST(Fit, ABadTrainingLabelIsRefusedBeforeAnyStep) {
  Model model;
  TrainedNarrowSeed(model);
  const Snapshot before(model);
  Dataset data = RandomImages(1300, 5);
  data.labels[1234] = 12;
  FitOptions options;
  options.batch_size = 8;
  options.verbose = false;
  const Status s = Fit(model, data, options, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_STREQ(s.message(), "train item 1234: label 12 is not in [0, 10)");
  EXPECT_TRUE(before.Same(Snapshot(model)));
}

TEST(Fit, ANegativeLabelIsNamedToo) {
  Model model;
  TrainedNarrowSeed(model);
  const Snapshot before(model);
  Dataset data = RandomImages(16, 5);
  data.labels[0] = -1;
  FitOptions options;
  options.verbose = false;
  const Status s = Fit(model, data, options, nullptr);
  EXPECT_STREQ(s.message(), "train item 0: label -1 is not in [0, 10)");
  EXPECT_TRUE(before.Same(Snapshot(model)));
}

TEST(Fit, ABadValidationLabelIsRefusedBeforeAnyStep) {
  Model model;
  TrainedNarrowSeed(model);
  const Snapshot before(model);
  const Dataset train = RandomImages(32, 5);
  Dataset validation = RandomImages(8, 6);
  validation.labels[3] = 10;
  FitOptions options;
  options.batch_size = 8;
  options.verbose = false;
  options.validation = &validation;
  const Status s = Fit(model, train, options, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_STREQ(s.message(), "validation item 3: label 10 is not in [0, 10)");
  EXPECT_TRUE(before.Same(Snapshot(model)));
}

TEST(EvaluateDataset, ABadLabelIsNamedAndChangesNothing) {
  Model model;
  TrainedNarrowSeed(model);
  const Snapshot before(model);
  Dataset data = RandomImages(20, 7);
  data.labels[19] = 11;
  float loss = -1, accuracy = -1;
  const Status s = EvaluateDataset(model, data, &loss, &accuracy);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_STREQ(s.message(), "evaluation item 19: label 11 is not in [0, 10)");
  EXPECT_EQ(loss, -1.0f);
  EXPECT_TRUE(before.Same(Snapshot(model)));
}

// The narrow seed network after 3 epochs of 40 images (batch 6: a short last
// batch), shuffled and augmented (flip, shift, noise: the noise's normal draws
// cache a second value, so the augmentation stream must run on unbroken).
Snapshot FitNarrowSeed(size_t threads, FitOptions::DataOverlap overlap, const std::vector<size_t>* sample = nullptr,
                       const Dataset* data = nullptr) {
  Model model;
  EXPECT_TRUE(BuildSeedNetwork(model, NarrowSeedNetworkOptions()).ok());
  EXPECT_TRUE(model.SetThreads(threads).ok());
  Augmenter augment;
  augment.Add({AugmentStep::Kind::kHorizontalFlip, 0.5f});
  augment.Add({AugmentStep::Kind::kTranslate, 0.5f, 2.0f});
  augment.Add({AugmentStep::Kind::kGaussianNoise, 0.5f, 0.05f});
  EXPECT_TRUE(augment.Prepare(Shape(28, 28, 1)).ok());
  FitOptions options;
  options.epochs = 3;
  options.batch_size = 6;
  options.seed = 7;
  options.verbose = false;
  options.augment = &augment;
  options.data_overlap = overlap;
  options.sample = sample;
  const Dataset images = RandomImages(40, 3);
  EXPECT_TRUE(Fit(model, data ? *data : images, options, nullptr).ok());
  EXPECT_EQ(model.step(), 21u);
  return Snapshot(model);
}

TEST(Fit, DataOverlapTrainsTheSameWeightsForEveryThreadCount) {
  const Snapshot inline_batches = FitNarrowSeed(1, FitOptions::DataOverlap::kOff);
  EXPECT_TRUE(inline_batches.Same(FitNarrowSeed(1, FitOptions::DataOverlap::kOn)));
  for (size_t threads : {2, 3, 8})  // kAuto overlaps with more than one thread and an augmenter
    EXPECT_TRUE(inline_batches.Same(FitNarrowSeed(threads, FitOptions::DataOverlap::kAuto))) << threads;
  EXPECT_TRUE(inline_batches.Same(FitNarrowSeed(2, FitOptions::DataOverlap::kOff)));
}

TEST(Fit, ASampleTrainsLikeTheSubsetItNames) {
  const Dataset all = RandomImages(50, 3);
  Rng rng(5);
  std::vector<size_t> sample;
  BootstrapIndices(40, rng, &sample);  // repeats, and items 40..49 never used
  Dataset subset;
  ASSERT_TRUE(Subset(all, sample, &subset).ok());
  const Snapshot copied = FitNarrowSeed(1, FitOptions::DataOverlap::kOff, nullptr, &subset);
  EXPECT_TRUE(copied.Same(FitNarrowSeed(1, FitOptions::DataOverlap::kOff, &sample, &all)));
  EXPECT_TRUE(copied.Same(FitNarrowSeed(2, FitOptions::DataOverlap::kOn, &sample, &all)));

  Model model;
  TrainedNarrowSeed(model);
  FitOptions options;
  options.verbose = false;
  std::vector<size_t> bad = {3, 50, 1};
  options.sample = &bad;
  Status s = Fit(model, all, options, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_STREQ(s.message(), "fit: sample entry 1 is item 50 of a data set of 50");
  options.sample = &sample;
  options.validation_split = 0.2f;
  EXPECT_EQ(Fit(model, all, options, nullptr).code(), StatusCode::kInvalidArgument);
}

// Records the allocations made so far at the end of every epoch (into room
// reserved up front, so recording allocates nothing).
class AllocationsPerEpoch : public Callback {
 public:
  explicit AllocationsPerEpoch(size_t epochs) { counts.reserve(epochs); }
  void OnEpochEnd(Model&, const EpochMetrics&, bool*) override { counts.push_back(testing::AllocationCount()); }
  std::vector<size_t> counts;
};

// No allocation from the end of epoch 1 to the end of epoch 4: steps, the
// pipeline (shuffles, gathering, augmentation, on its worker or inline),
// validation and the history, with 1 and 3 threads, overlapped or not.
TEST(Fit, EpochsAllocateNothing) {
  const Dataset train = RandomImages(30, 4), validation = RandomImages(10, 5);
  Augmenter augment;
  augment.Add({AugmentStep::Kind::kTranslate, 0.5f, 2.0f});
  ASSERT_TRUE(augment.Prepare(Shape(28, 28, 1)).ok());
  for (size_t threads : {1, 3})
    for (FitOptions::DataOverlap overlap : {FitOptions::DataOverlap::kOff, FitOptions::DataOverlap::kOn}) {
      Model model;
      ASSERT_TRUE(BuildSeedNetwork(model, NarrowSeedNetworkOptions()).ok());
      ASSERT_TRUE(model.SetThreads(threads).ok());
      FitOptions options;
      options.epochs = 4;
      options.batch_size = 8;
      options.verbose = false;
      options.validation = &validation;
      options.augment = &augment;
      options.data_overlap = overlap;
      AllocationsPerEpoch record(options.epochs);
      options.callbacks.push_back(&record);
      History history;
      ASSERT_TRUE(Fit(model, train, options, &history).ok());
      ASSERT_EQ(record.counts.size(), 4u);
      EXPECT_EQ(record.counts[3], record.counts[0]) << threads << " threads, overlap " << int(overlap);
      EXPECT_EQ(history.size(), 4u);
    }
}

}  // namespace
}  // namespace mote
