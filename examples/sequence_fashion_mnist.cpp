// Fashion-MNIST as sequences (a many-to-one recurrent network): each image
// is read as 28 timesteps of one 28-pixel row; a recurrent layer's last state
// feeds Dense(10) (softmax fused into the loss):
//   Input [28, 28] -> LSTM(H) or GRU(H) -> Dense(10)
// Adam (lr 2e-3 decaying linearly to 1e-4), batch 64, gradient clipping at
// global norm 5 (the seeds' remedy for exploding gradients).
//
//   sequence_fashion_mnist [--cell lstm|gru|both] [--epochs N] [--units H] [--limit N]
//                          [--data DIR] [--seed S] [--backend scalar|hwy|xsimd]
//                          [--min-accuracy A] [--checkpoint PREFIX] [--threads N] [--quick] [--quiet]
// --checkpoint writes each trained cell to PREFIX-lstm.ckpt / PREFIX-gru.ckpt
// (the network is mote::BuildSequenceNetwork: `mote export --network lstm:H`).
// --limit trains on the first N training images; --quick is the test suite's
// smoke run (both cells, 32 units, 6000 images, 3 epochs, >= 60 % each).
// --threads N: training threads (default: MOTE_NUM_THREADS, else the CPUs of
// the affinity mask); the recurrent layers run on one, the dense layer and optimizer on all of them.
// Prints one JSON line per cell:
//   {"cell":"lstm","test_accuracy":..,"epochs":..,"seconds_per_epoch":..,...}
// (seconds_per_epoch: wall clock of training, from the history;
// cpu_seconds_per_epoch: process CPU time of training plus validation)
// Exits with status 3 when a cell ends below --min-accuracy.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "mote/data.h"
#include "mote/kernels.h"
#include "mote/model.h"
#include "mote/model_file.h"
#include "mote/schedule.h"
#include "mote/trainer.h"
#include "mote/zoo.h"

namespace {

int Fail(const char* what, const mote::Status& s) {
  std::fprintf(stderr, "sequence_fashion_mnist: %s: %s (%s)\n", what, s.message(), mote::StatusCodeName(s.code()));
  return 1;
}

struct Settings {
  uint32_t epochs = 10;
  size_t units = 128;
  size_t batch = 64;
  uint64_t seed = 1;
  bool quiet = false;
  float clip_norm = 5.0f;
  size_t threads = 0;  // 0: the model's default
  std::string checkpoint;  // prefix: PREFIX-lstm.ckpt, PREFIX-gru.ckpt
};

// Builds, trains and evaluates one cell type; prints its JSON line.
mote::Status RunCell(const std::string& cell, const Settings& settings, const mote::Dataset& train,
                     const mote::Dataset& test, float* accuracy) {
  mote::Model model;
  mote::SequenceNetworkOptions network;
  MOTE_TRY(mote::ParseSequenceCell(cell.c_str(), &network.cell));
  network.units = settings.units;
  network.clip_norm = settings.clip_norm;
  MOTE_TRY(mote::BuildSequenceNetwork(model, network));
  MOTE_TRY(model.SetThreads(settings.threads));
  MOTE_TRY(model.Prepare(settings.batch, settings.seed));
  if (!settings.quiet)
    std::printf("%s(%zu): %zu parameters, backend %s (%s)\n", cell.c_str(), settings.units, model.param_count(),
                mote::BackendName(mote::ActiveBackend()), mote::BackendTarget(mote::ActiveBackend()));

  const uint64_t steps = uint64_t(settings.epochs) * ((train.size() + settings.batch - 1) / settings.batch);
  mote::LinearDecay schedule(2e-3f, 1e-4f, steps);
  mote::FitOptions fit;
  fit.schedule = &schedule;
  fit.epochs = settings.epochs;
  fit.batch_size = settings.batch;
  fit.seed = settings.seed;
  fit.validation = &test;
  fit.verbose = !settings.quiet;
  mote::History history;
  const std::clock_t cpu_start = std::clock();
  MOTE_TRY(mote::Fit(model, train, fit, &history));
  // CPU time too: on a shared machine the wall clock mostly measures the others.
  const double cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;

  if (!settings.checkpoint.empty()) {
    // Described with the loader's normalization, for `mote export / evaluate`.
    mote::ModelDescription description;
    MOTE_TRY(mote::DescribeModel(model, &description, mote::kFashionMnistNormalization));
    MOTE_TRY(mote::SaveCheckpoint(model, settings.checkpoint + "-" + cell + ".ckpt", history.size(), &description));
  }
  float test_loss = 0;
  MOTE_TRY(mote::EvaluateDataset(model, test, &test_loss, accuracy));
  double train_seconds = 0;
  for (double e : history.seconds) train_seconds += e;
  std::printf(
      "{\"cell\":\"%s\",\"test_accuracy\":%.4f,\"epochs\":%u,\"seconds_per_epoch\":%.2f,"
      "\"cpu_seconds_per_epoch\":%.2f,\"units\":%zu,\"parameters\":%zu,\"train_examples\":%zu,"
      "\"threads\":%zu,\"backend\":\"%s\",\"target\":\"%s\"}\n",
      cell.c_str(), *accuracy, unsigned(history.size()), train_seconds / double(history.size()),
      cpu_seconds / double(history.size()), settings.units, model.param_count(), train.size(), model.threads(),
      mote::BackendName(mote::ActiveBackend()), mote::BackendTarget(mote::ActiveBackend()));
  std::fflush(stdout);
  return mote::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  std::string cell = "both";
  size_t limit = 0;
  std::string data_dir = mote::kFashionMnistDir;
  float min_accuracy = 0.0f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--cell" && has_value) {
      cell = argv[++i];
    } else if (a == "--epochs" && has_value) {
      settings.epochs = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--units" && has_value) {
      settings.units = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--limit" && has_value) {
      limit = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--data" && has_value) {
      data_dir = argv[++i];
    } else if (a == "--seed" && has_value) {
      settings.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--backend" && has_value) {
      mote::Backend backend;
      mote::Status s = mote::ParseBackend(argv[++i], &backend);
      if (s.ok()) s = mote::SetBackend(backend);
      if (!s.ok()) return Fail("--backend", s);
    } else if (a == "--min-accuracy" && has_value) {
      min_accuracy = std::strtof(argv[++i], nullptr);
    } else if (a == "--quick") {
      settings.epochs = 3;
      settings.units = 32;
      limit = 6000;
      min_accuracy = 0.60f;
      settings.quiet = true;
    } else if (a == "--threads" && has_value) {
      settings.threads = std::strtoul(argv[++i], nullptr, 10);
      if (settings.threads == 0) {
        std::fprintf(stderr, "sequence_fashion_mnist: --threads must be at least 1\n");
        return 2;
      }
    } else if (a == "--checkpoint" && has_value) {
      settings.checkpoint = argv[++i];
    } else if (a == "--quiet") {
      settings.quiet = true;
    } else {
      std::fprintf(stderr,
                   "usage: sequence_fashion_mnist [--cell lstm|gru|both] [--epochs N] [--units H] [--limit N]\n"
                   "                              [--data DIR] [--seed S] [--backend scalar|hwy|xsimd]\n"
                   "                              [--min-accuracy A] [--checkpoint PREFIX] [--threads N] [--quick]\n"
                   "                              [--quiet]\n");
      return 2;
    }
  }
  if (cell != "lstm" && cell != "gru" && cell != "both") {
    std::fprintf(stderr, "sequence_fashion_mnist: --cell must be lstm, gru or both\n");
    return 2;
  }
  if (settings.epochs == 0 || settings.units == 0) {
    std::fprintf(stderr, "sequence_fashion_mnist: --epochs and --units must be at least 1\n");
    return 2;
  }

  mote::Dataset train, test;
  mote::Status s = mote::LoadFashionMnist(data_dir, &train, &test);
  if (!s.ok()) return Fail(("loading " + data_dir).c_str(), s);
  if (limit > 0 && limit < train.size()) {
    mote::Dataset head;
    s = mote::Slice(train, 0, limit, &head);
    if (!s.ok()) return Fail("--limit", s);
    train = std::move(head);
  }
  // Each image is 28 rows of 28 pixels: a sequence of 28 steps with 28 features.
  train.item_shape = test.item_shape = mote::Shape(28, 28);

  int status = 0;
  for (const char* c : {"lstm", "gru"}) {
    if (cell != "both" && cell != c) continue;
    float accuracy = 0;
    s = RunCell(c, settings, train, test, &accuracy);
    if (!s.ok()) return Fail(c, s);
    if (accuracy < min_accuracy) {
      std::fprintf(stderr, "sequence_fashion_mnist: %s test accuracy %.4f is below %.4f\n", c, accuracy,
                   min_accuracy);
      status = 3;
    }
  }
  return status;
}
