// The shipped model files (models/): each builds the model its C++ builder
// builds, bit for bit, at initialisation and (narrow seed network) after
// training steps; TrainFromDescription runs a file's whole training setup.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "model_file_test_util.h"
#include "mote/data.h"
#include "mote/model_file.h"
#include "mote/zoo.h"

namespace mote {
namespace {

// The parameter is the network's size; names end in /FullSize or /Narrow
// (test/meson.build: emulated stages run the narrow one only).
class SeedModelFile : public ::testing::TestWithParam<bool> {
 protected:
  static bool Narrow() { return GetParam(); }
  static const char* File() { return Narrow() ? "seed-narrow.toml" : "seed.toml"; }
  static SeedNetworkOptions Options() { return Narrow() ? NarrowSeedNetworkOptions() : SeedNetworkOptions{}; }
};

TEST_P(SeedModelFile, BuildsTheWeightsOfBuildSeedNetwork) {
  ModelDescription d;
  ASSERT_TRUE(LoadModelFile(ModelPath(File()), &d).ok());
  EXPECT_EQ(d.input_shape(0), Shape(28, 28, 1));
  EXPECT_EQ(d.classes(), 10u);
  EXPECT_EQ(d.batch_size(), 50u);
  EXPECT_EQ(d.epochs(), 10u);
  Model from_file, from_code;
  ASSERT_TRUE(BuildModel(d, &from_file).ok());
  ASSERT_TRUE(BuildSeedNetwork(from_code, Options()).ok());
  ASSERT_TRUE(from_code.Prepare(d.batch_size(), d.seed()).ok());
  EXPECT_TRUE(SameWeights(from_file, from_code));
  for (size_t n = 0; n < from_code.node_count(); ++n)
    EXPECT_EQ(from_file.node_name(NodeId(n)), from_code.node_name(NodeId(n)));
  EXPECT_STREQ(from_file.optimizer()->type(), "Nesterov");
}

INSTANTIATE_TEST_SUITE_P(, SeedModelFile, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "Narrow" : "FullSize");
                         });

// The compact form (inline tables) of the seed network is the same model.
TEST(SeedModelFileTraining, CompactFormBuildsTheSameWeights) {
  ModelDescription full, compact;
  ASSERT_TRUE(LoadModelFile(ModelPath("seed.toml"), &full).ok());
  ASSERT_TRUE(LoadModelFile(ModelPath("seed-compact.toml"), &compact).ok());
  EXPECT_EQ(compact.epochs(), full.epochs());
  EXPECT_EQ(compact.batch_size(), full.batch_size());
  const float compact_scale = compact.normalization().scale, full_scale = full.normalization().scale;
  EXPECT_EQ(std::memcmp(&compact_scale, &full_scale, sizeof(float)), 0);
  Model a, b;
  ASSERT_TRUE(BuildModel(full, &a).ok());
  ASSERT_TRUE(BuildModel(compact, &b).ok());
  EXPECT_TRUE(SameWeights(a, b));
  EXPECT_STREQ(b.optimizer()->type(), "Nesterov");
}

// The seed files' normalization turns raw bytes into exactly the floats
// LoadFashionMnist gives (byte * (1.0f / 255.0f)), so `mote train
// models/seed.toml --data fashion-mnist` sees the C++ examples' data.
TEST(SeedModelFileTraining, NormalizationGivesTheFashionMnistLoadersFloats) {
  for (const char* file : {"seed.toml", "seed-narrow.toml", "rnn.toml", "lstm.toml", "gru.toml"}) {
    ModelDescription d;
    ASSERT_TRUE(LoadModelFile(ModelPath(file), &d).ok()) << file;
    Dataset bytes;
    bytes.item_shape = Shape(256);
    for (int b = 0; b < 256; ++b) bytes.x.push_back(float(b));
    NormalizeDataset(d.normalization(), &bytes);
    for (int b = 0; b < 256; ++b) {
      const float want = float(b) * (1.0f / 255.0f);
      ASSERT_EQ(std::memcmp(&bytes.x[size_t(b)], &want, sizeof want), 0) << file << " byte " << b;
    }
  }
}

TEST(SeedModelFileTraining, NarrowTrainsLikeBuildSeedNetworkBitForBit) {
  ModelDescription d;
  ASSERT_TRUE(LoadModelFile(ModelPath("seed-narrow.toml"), &d).ok());
  Model from_file, from_code;
  ASSERT_TRUE(BuildModel(d, &from_file).ok());
  ASSERT_TRUE(BuildSeedNetwork(from_code, NarrowSeedNetworkOptions()).ok());
  ASSERT_TRUE(from_code.Prepare(d.batch_size(), d.seed()).ok());
  const size_t batch = 8;
  Rng rng(5);
  std::vector<float> x(batch * 28 * 28);
  std::vector<int32_t> labels(batch);
  for (int step = 0; step < 3; ++step) {
    for (float& v : x) v = rng.Uniform(0.0f, 1.0f);
    for (int32_t& l : labels) l = int32_t(rng.Below(10));
    float loss_file = 0, loss_code = 0;
    ASSERT_TRUE(from_file.TrainStep(x.data(), Targets{labels.data(), nullptr}, batch, 0.02f, &loss_file).ok());
    ASSERT_TRUE(from_code.TrainStep(x.data(), Targets{labels.data(), nullptr}, batch, 0.02f, &loss_code).ok());
    EXPECT_EQ(std::memcmp(&loss_file, &loss_code, sizeof(float)), 0);
  }
  EXPECT_TRUE(SameWeights(from_file, from_code));
  EXPECT_EQ(std::memcmp(from_file.optimizer_state(), from_code.optimizer_state(),
                        from_code.optimizer_state_count() * sizeof(float)),
            0);
}

TEST(SequenceModelFiles, BuildTheWeightsOfBuildSequenceNetwork) {
  const struct {
    const char* file;
    SequenceCell cell;
  } cases[] = {{"rnn.toml", SequenceCell::kSimpleRnn}, {"lstm.toml", SequenceCell::kLstm}, {"gru.toml", SequenceCell::kGru}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    ModelDescription d;
    ASSERT_TRUE(LoadModelFile(ModelPath(c.file), &d).ok());
    Model from_file, from_code;
    ASSERT_TRUE(BuildModel(d, &from_file).ok());
    SequenceNetworkOptions options;
    options.cell = c.cell;
    ASSERT_TRUE(BuildSequenceNetwork(from_code, options).ok());
    ASSERT_TRUE(from_code.Prepare(d.batch_size(), d.seed()).ok());
    EXPECT_TRUE(SameWeights(from_file, from_code));
    EXPECT_EQ(from_file.gradient_clip_norm(), 5.0f);
    EXPECT_STREQ(from_file.optimizer()->type(), "Adam");
  }
}

TEST(RegularizationStudyModelFiles, EveryRowParsesAndBuilds) {
  const char* rows[] = {"none",           "l2",           "l1",        "dropout",          "batchnorm",
                        "augmentation",   "label_smoothing", "early_stopping", "adversarial", "seed_augmentation"};
  for (const char* row : rows) {
    SCOPED_TRACE(row);
    ModelDescription d;
    const Status s = LoadModelFile(ModelPath(std::string("regularization/") + row + ".toml"), &d);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(d.classes(), 10u);
  }
  ModelDescription l2;
  ASSERT_TRUE(LoadModelFile(ModelPath("regularization/l2.toml"), &l2).ok());
  Model m;
  ASSERT_TRUE(BuildModel(l2, &m).ok());
  EXPECT_EQ(m.regularization_l2(), 5e-4f);
}

// A tiny image classifier whose file uses the training-side sections.
const char kTinyTraining[] = R"(
[input]
shape = [6, 6, 1]
scale = 0.5
offset = -1.0

[[layers]]
type = "conv2d"
filters = 2
kernel = 3
padding = "same"

[[layers]]
type = "relu"

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 3

[optimizer]
type = "adam"
learning_rate = 0.01

[schedule]
type = "reduce_on_plateau"
factor = 0.5
patience = 0

[[augment]]
type = "translate"
max_shift = 1

[early_stopping]
monitor = "val_loss"
patience = 1

[training]
epochs = 3
batch_size = 4
validation_split = 0.25
seed = 9
)";

TEST(TrainFromDescription, RunsTheFilesTrainingSetup) {
  ModelDescription d;
  ASSERT_TRUE(Parses(kTinyTraining, &d));
  EXPECT_EQ(d.normalization().scale, 0.5f);
  EXPECT_EQ(d.normalization().offset, -1.0f);
  EXPECT_EQ(d.validation_split(), 0.25f);
  Dataset data;
  data.item_shape = Shape(6, 6, 1);
  Rng rng(3);
  for (size_t i = 0; i < 16; ++i) {
    for (int k = 0; k < 36; ++k) data.x.push_back(rng.Uniform(0.0f, 4.0f));
    data.labels.push_back(int32_t(i % 3));
  }
  NormalizeDataset(d.normalization(), &data);
  EXPECT_GE(data.x[0], -1.0f);
  EXPECT_LE(data.x[0], 1.0f);
  Model model;
  ASSERT_TRUE(BuildModel(d, &model).ok());
  TrainOverrides overrides;
  overrides.verbose = false;
  overrides.progress = ProgressBar::Mode::kNever;
  History history;
  const Status s = TrainFromDescription(d, &model, data, nullptr, overrides, &history);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_GE(history.size(), 1u);
  EXPECT_LE(history.size(), 3u);
  EXPECT_GT(model.step(), 0u);
  // The override wins over the file's epochs.
  Model again;
  ASSERT_TRUE(BuildModel(d, &again).ok());
  overrides.epochs = 1;
  History one;
  ASSERT_TRUE(TrainFromDescription(d, &again, data, nullptr, overrides, &one).ok());
  EXPECT_EQ(one.size(), 1u);
}

}  // namespace
}  // namespace mote
