// Checkpoints: resume equals an uninterrupted run bit for bit (parameters,
// batchnorm state, Adam moments, step count, dropout RNG), and every damaged
// or mismatched file is rejected without touching the model. Self-describing
// checkpoints rebuild their model; version-1 files still load.
#include "mote/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/model_file.h"
#include "mote/optim/adam.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

void Build(Model& m, size_t hidden) {
  m.Input(Shape(size_t(12)), "x");
  m.Add(std::make_unique<Dense>(hidden), {}, "dense1");
  m.Add(std::make_unique<BatchNorm>(), {}, "bn");
  m.Add(std::make_unique<ReLU>(), {}, "relu");
  m.Add(std::make_unique<Dropout>(0.7f), {}, "dropout");
  m.Add(std::make_unique<Dense>(4), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Adam>());
}

struct Data {
  std::vector<float> x;
  std::vector<int32_t> labels;
};
Data MakeData(size_t batch, uint64_t seed) {
  Rng rng(seed);
  Data d;
  for (size_t i = 0; i < batch * 12; ++i) d.x.push_back(rng.Uniform(-1, 1));
  for (size_t i = 0; i < batch; ++i) d.labels.push_back(int32_t(rng.Below(4)));
  return d;
}

std::vector<float> Snapshot(Model& m) {
  std::vector<float> s(m.params(), m.params() + m.param_buffer_floats());
  s.insert(s.end(), m.state(), m.state() + m.state_count());
  s.insert(s.end(), m.optimizer_state(), m.optimizer_state() + m.optimizer_state_count());
  return s;
}

std::string TempPath(const char* name) { return ::testing::TempDir() + name; }

std::vector<char> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void WriteAll(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

TEST(Checkpoint, ResumeEqualsAnUninterruptedRunBitForBit) {
  const Data d = MakeData(8, 1);
  const Targets t{d.labels.data(), nullptr};
  const std::string path = TempPath("resume.ckpt");

  Model straight;
  Build(straight, 16);
  ASSERT_TRUE(straight.Prepare(8, 3).ok());
  for (int i = 0; i < 12; ++i) {
    if (i == 5) {
      ASSERT_TRUE(SaveCheckpoint(straight, path, 7).ok());
    }
    ASSERT_TRUE(straight.TrainStep(d.x.data(), t, 8, 0.01f).ok());
  }

  Model resumed;  // a new model with another seed: everything must come from the file
  Build(resumed, 16);
  ASSERT_TRUE(resumed.Prepare(8, 99).ok());
  uint64_t epoch = 0;
  ASSERT_TRUE(LoadCheckpoint(resumed, path, &epoch).ok());
  EXPECT_EQ(epoch, 7u);
  EXPECT_EQ(resumed.step(), 5u);
  for (int i = 5; i < 12; ++i) ASSERT_TRUE(resumed.TrainStep(d.x.data(), t, 8, 0.01f).ok());
  const std::vector<float> a = Snapshot(straight), b = Snapshot(resumed);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  EXPECT_EQ(resumed.step(), straight.step());
  std::remove(path.c_str());
}

TEST(Checkpoint, DamagedOrMismatchedFilesAreRejectedAndChangeNothing) {
  const std::string path = TempPath("good.ckpt"), bad = TempPath("bad.ckpt");
  Model source;
  Build(source, 16);
  ASSERT_TRUE(source.Prepare(4, 1).ok());
  ASSERT_TRUE(SaveCheckpoint(source, path).ok());
  const std::vector<char> good = ReadAll(path);
  ASSERT_GT(good.size(), 100u);

  Model target;
  Build(target, 16);
  ASSERT_TRUE(target.Prepare(4, 2).ok());
  const std::vector<float> before = Snapshot(target);
  auto expect_rejected = [&](const std::vector<char>& bytes, StatusCode code, const char* what) {
    WriteAll(bad, bytes);
    const Status s = LoadCheckpoint(target, bad);
    EXPECT_EQ(s.code(), code) << what << ": " << s.message();
    const std::vector<float> after = Snapshot(target);
    EXPECT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(float)), 0) << what;
  };
  expect_rejected(std::vector<char>(good.begin(), good.begin() + good.size() / 2), StatusCode::kCorruptData,
                  "truncated");
  expect_rejected(std::vector<char>(good.begin(), good.begin() + 10), StatusCode::kCorruptData, "tiny");
  expect_rejected({}, StatusCode::kCorruptData, "empty");
  std::vector<char> flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  expect_rejected(flipped, StatusCode::kCorruptData, "flipped bit");
  std::vector<char> magic = good;
  magic[0] = 'X';
  expect_rejected(magic, StatusCode::kCorruptData, "wrong magic");
  EXPECT_EQ(LoadCheckpoint(target, TempPath("missing.ckpt")).code(), StatusCode::kIoError);

  Model other;  // another hidden size: another layout
  Build(other, 8);
  ASSERT_TRUE(other.Prepare(4, 1).ok());
  const std::vector<float> other_before = Snapshot(other);
  EXPECT_EQ(LoadCheckpoint(other, path).code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(std::memcmp(other_before.data(), Snapshot(other).data(), other_before.size() * sizeof(float)), 0);

  Model unprepared;
  Build(unprepared, 16);
  EXPECT_EQ(SaveCheckpoint(unprepared, path).code(), StatusCode::kInvalidArgument);
  // A failed save leaves the previous checkpoint in place.
  EXPECT_EQ(ReadAll(path), good);
  std::remove(path.c_str());
  std::remove(bad.c_str());
}

// A model with no layer state and an optimizer without state (plain SGD)
// round-trips; the empty arrays must not reach memcpy as null pointers (UBSan).
TEST(Checkpoint, ModelWithoutStateRoundTrips) {
  const auto build = [](Model& m) {
    m.Input(Shape(size_t(3)), "x");
    m.Add(std::make_unique<Dense>(2), {}, "dense");
    m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
    m.SetOptimizer(std::make_unique<Sgd>());
  };
  const std::string path = TempPath("stateless.ckpt");
  Model source, target;
  build(source);
  build(target);
  ASSERT_TRUE(source.Prepare(2, 1).ok());
  ASSERT_TRUE(target.Prepare(2, 2).ok());
  ASSERT_EQ(source.state_count() + source.optimizer_state_count(), 0u);
  ASSERT_TRUE(SaveCheckpoint(source, path).ok());
  ASSERT_TRUE(LoadCheckpoint(target, path).ok());
  EXPECT_EQ(Snapshot(target), Snapshot(source));
  std::remove(path.c_str());
}

// A diverged model (NaN or infinity in parameters, batchnorm statistics or
// optimizer state) is not saved, and the previous checkpoint stays.
TEST(Checkpoint, NonFiniteValuesAreNotSaved) {
  const std::string path = TempPath("finite.ckpt");
  Model model;
  Build(model, 16);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  ASSERT_TRUE(SaveCheckpoint(model, path).ok());
  const std::vector<char> good = ReadAll(path);
  const auto poisoned = [&](float* values, size_t at, float bad) {
    const float kept = values[at];
    values[at] = bad;
    const Status s = SaveCheckpoint(model, path);
    values[at] = kept;
    return s;
  };
  for (const float bad : {std::nanf(""), INFINITY}) {
    for (const Status& s : {poisoned(model.mutable_params().data(), 5, bad), poisoned(model.mutable_state().data(), 0, bad),
                            poisoned(model.optimizer_state(), model.optimizer_state_count() - 1, bad)}) {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(std::strstr(s.message(), "NaN or infinite"), nullptr) << s.message();
    }
  }
  EXPECT_EQ(ReadAll(path), good);
  std::remove(path.c_str());
}

// The temporary file is created exclusively under a fresh name: a symlink
// planted at the old fixed name "<path>.tmp" is neither followed nor
// replaced, and nothing temporary is left behind.
TEST(Checkpoint, SaveFollowsNoPlantedSymlinkAndLeavesNoTemporary) {
  const std::string dir = TempPath("ckpt_symlink_dir");
  ASSERT_TRUE(mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST);
  const std::string path = dir + "/model.ckpt", victim = dir + "/victim.txt";
  WriteAll(victim, {'k', 'e', 'e', 'p'});
  std::remove((path + ".tmp").c_str());
  ASSERT_EQ(symlink(victim.c_str(), (path + ".tmp").c_str()), 0);
  Model model;
  Build(model, 16);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  ASSERT_TRUE(SaveCheckpoint(model, path).ok());
  ASSERT_TRUE(SaveCheckpoint(model, path).ok());  // over an existing checkpoint too
  EXPECT_EQ(ReadAll(victim), (std::vector<char>{'k', 'e', 'e', 'p'}));
  struct stat link_stat;
  ASSERT_EQ(lstat((path + ".tmp").c_str(), &link_stat), 0);
  EXPECT_TRUE(S_ISLNK(link_stat.st_mode));
  Model loaded;
  Build(loaded, 16);
  ASSERT_TRUE(loaded.Prepare(4, 2).ok());
  ASSERT_TRUE(LoadCheckpoint(loaded, path).ok());
  EXPECT_EQ(Snapshot(loaded), Snapshot(model));
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  while (const dirent* e = readdir(d)) names.push_back(e->d_name);
  closedir(d);
  for (const std::string& name : names)
    EXPECT_TRUE(name == "." || name == ".." || name == "model.ckpt" || name == "model.ckpt.tmp" ||
                name == "victim.txt")
        << "left behind: " << name;
  // A directory that does not exist: an I/O error, no file anywhere.
  EXPECT_EQ(SaveCheckpoint(model, dir + "/missing/model.ckpt").code(), StatusCode::kIoError);
  for (const std::string& name : {path, path + ".tmp", victim}) std::remove(name.c_str());
  rmdir(dir.c_str());
}

const char kDescribed[] = R"(
[input]
shape = [12]
scale = 0.5

[[layers]]
type = "dense"
units = 8

[[layers]]
type = "batch_norm"

[[layers]]
type = "relu"

[[layers]]
type = "dense"
units = 4

[optimizer]
type = "adam"

[training]
batch_size = 4
)";

TEST(Checkpoint, CarriesItsModelDescriptionAndRebuildsTheModel) {
  ModelDescription d;
  ASSERT_TRUE(ParseModelDescription(kDescribed, "described.toml", &d).ok());
  Model model;
  ASSERT_TRUE(BuildModel(d, &model).ok());
  const Data data = MakeData(4, 3);
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(model.TrainStep(data.x.data(), Targets{data.labels.data(), nullptr}, 4, 0.01f).ok());
  const std::string path = TempPath("described.ckpt");
  ASSERT_TRUE(SaveCheckpoint(model, path, 7, &d).ok());
  Model loaded;
  ModelDescription carried;
  uint64_t epoch = 0;
  const Status s = LoadCheckpointModel(path, &loaded, &carried, &epoch);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(carried.text(), d.text());
  EXPECT_EQ(carried.normalization().scale, 0.5f);
  EXPECT_EQ(epoch, 7u);
  EXPECT_EQ(loaded.step(), model.step());
  EXPECT_EQ(Snapshot(loaded), Snapshot(model));
  // The plain load still works on the new format.
  Model rebuilt;
  ASSERT_TRUE(BuildModel(d, &rebuilt).ok());
  ASSERT_TRUE(LoadCheckpoint(rebuilt, path).ok());
  EXPECT_EQ(Snapshot(rebuilt), Snapshot(model));
  // Not into a model that already has layers.
  EXPECT_EQ(LoadCheckpointModel(path, &loaded, &carried).code(), StatusCode::kInvalidArgument);
  std::remove(path.c_str());
}

TEST(Checkpoint, WithoutADescriptionTheModelDescribesItself) {
  Model model;
  Build(model, 6);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  const std::string path = TempPath("self_described.ckpt");
  ASSERT_TRUE(SaveCheckpoint(model, path, 2).ok());
  Model loaded;
  ModelDescription carried;
  const Status s = LoadCheckpointModel(path, &loaded, &carried);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(loaded.find("dropout") >= 0, true);
  EXPECT_EQ(Snapshot(loaded), Snapshot(model));
  std::remove(path.c_str());
}

// An optimizer without a model-file form: its model cannot be described.
class Undescribed final : public Optimizer {
 public:
  const char* type() const override { return "Undescribed"; }
  size_t StateFloats(size_t) const override { return 0; }
  void Step(const OptimizerStep&) override {}
};

TEST(Checkpoint, OlderFormatLoadsWithLoadCheckpointAndIsRefusedByLoadCheckpointModel) {
  Model model;
  model.Input(Shape(size_t(12)), "x");
  model.Add(std::make_unique<Dense>(4));
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Undescribed>());
  ASSERT_TRUE(model.Prepare(4, 5).ok());
  const std::string path = TempPath("old.ckpt");
  ASSERT_TRUE(SaveCheckpoint(model, path, 1).ok());  // version 2, empty description
  Model target;
  ModelDescription carried;
  Status s = LoadCheckpointModel(path, &target, &carried);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(std::strstr(s.message(), "written by an older mote without a model description"), nullptr) << s.message();
  // The same weights as a version-1 file: no description length, version 1, new CRC.
  std::vector<char> bytes = ReadAll(path);
  ASSERT_GE(bytes.size(), 20u);
  bytes.resize(bytes.size() - 8);  // u32 description bytes (0) and the CRC
  const uint32_t version = 1;
  std::memcpy(bytes.data() + 8, &version, 4);  // little-endian hosts
  const uint32_t crc = uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size())));
  for (int i = 0; i < 4; ++i) bytes.push_back(char(crc >> (8 * i)));
  WriteAll(path, bytes);
  Model old_reader;
  old_reader.Input(Shape(size_t(12)), "x");
  old_reader.Add(std::make_unique<Dense>(4));
  old_reader.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  old_reader.SetOptimizer(std::make_unique<Undescribed>());
  ASSERT_TRUE(old_reader.Prepare(4, 9).ok());
  uint64_t epoch = 0;
  s = LoadCheckpoint(old_reader, path, &epoch);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(epoch, 1u);
  EXPECT_EQ(Snapshot(old_reader), Snapshot(model));
  Model fresh;
  s = LoadCheckpointModel(path, &fresh, &carried);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(std::strstr(s.message(), "rebuild the model and use LoadCheckpoint"), nullptr) << s.message();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mote
