// Trains the seed network (mote::BuildSeedNetwork) on Fashion-MNIST:
//   Conv2D(10, 5x5, stride 2, same, no bias) -> BN -> ReLU
//   Conv2D(40, 5x5, stride 2, same, no bias) -> BN -> ReLU
//   Conv2D(80, 5x5, stride 1, same, no bias) -> BN -> ReLU
//   Flatten -> Dense(50, no bias) -> BN -> ReLU -> Dense(10) (softmax fused into the loss)
// SGD lr 0.02, momentum 0.9, Nesterov, batch 50; BN momentum 0.99, epsilon 1e-3.
//
//   fashion_mnist [--epochs N] [--backend scalar|hwy|xsimd] [--seed S] [--data DIR]
//                 [--train-limit N] [--min-accuracy A] [--schedule constant|step|linear]
//                 [--plots PREFIX] [--checkpoint FILE] [--threads N] [--augment light|heavy]
//                 [--data-overlap auto|on|off] [--quiet]
// --threads N: training threads (default: MOTE_NUM_THREADS, else the CPUs of
// the process's affinity mask); the weights are the same for every count.
// --augment light: random horizontal flips and shifts of up to 2 pixels;
// heavy: also rotations (up to 10 degrees) and scaling (up to 10 %) and
// elastic distortions (Simard et al.), which take about as long as a step.
// --data-overlap: make the next batch (shuffle, gathering, augmentation) on a
// worker thread while the step trains (FitOptions::data_overlap; auto: with
// more than one thread and --augment); the weights are the same either way.
// --checkpoint saves the trained model (mote::SaveCheckpoint, self-describing) for `mote export`.
// --plots writes PREFIX-curves.svg (learning curves) and PREFIX-confusion.svg.
// The learning rate starts at 0.02; by default it then decays
// linearly to 0.0005 over the run (mote::LinearDecay), which settles
// the last epochs instead of ending on a noisy step.
// Exits with status 3 when the test accuracy ends below --min-accuracy.
// The last output line is one JSON object with the test accuracy and timing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "mote/data.h"
#include "mote/kernels.h"
#include "mote/model.h"
#include "mote/model_file.h"
#include "mote/plots.h"
#include "mote/schedule.h"
#include "mote/trainer.h"
#include "mote/zoo.h"

namespace {

int Fail(const char* what, const mote::Status& s) {
  std::fprintf(stderr, "fashion_mnist: %s: %s (%s)\n", what, s.message(), mote::StatusCodeName(s.code()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t epochs = 10;
  uint64_t seed = 1;
  size_t train_limit = 0;
  std::string data_dir = mote::kFashionMnistDir;
  bool quiet = false;
  float min_accuracy = 0.0f;
  std::string schedule_name = "linear";
  std::string checkpoint;
  std::string plots;
  size_t threads = 0;  // 0: the model's default (include/mote/model.h)
  std::string augment;  // empty, "light" or "heavy"
  mote::FitOptions::DataOverlap overlap = mote::FitOptions::DataOverlap::kAuto;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--epochs" && has_value) {
      epochs = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--seed" && has_value) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--data" && has_value) {
      data_dir = argv[++i];
    } else if (a == "--train-limit" && has_value) {
      train_limit = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--backend" && has_value) {
      mote::Backend backend;
      const mote::Status s = mote::ParseBackend(argv[++i], &backend);
      if (!s.ok()) return Fail("--backend", s);
      const mote::Status set = mote::SetBackend(backend);
      if (!set.ok()) return Fail("--backend", set);
    } else if (a == "--min-accuracy" && has_value) {
      min_accuracy = std::strtof(argv[++i], nullptr);
    } else if (a == "--plots" && has_value) {
      plots = argv[++i];
    } else if (a == "--checkpoint" && has_value) {
      checkpoint = argv[++i];
    } else if (a == "--schedule" && has_value) {
      schedule_name = argv[++i];
    } else if (a == "--threads" && has_value) {
      threads = std::strtoul(argv[++i], nullptr, 10);
      if (threads == 0) {
        std::fprintf(stderr, "fashion_mnist: --threads must be at least 1\n");
        return 2;
      }
    } else if (a == "--augment" && has_value) {
      augment = argv[++i];
      if (augment != "light" && augment != "heavy") {
        std::fprintf(stderr, "fashion_mnist: --augment must be light or heavy\n");
        return 2;
      }
    } else if (a == "--data-overlap" && has_value) {
      const std::string v = argv[++i];
      if (v == "auto") {
        overlap = mote::FitOptions::DataOverlap::kAuto;
      } else if (v == "on") {
        overlap = mote::FitOptions::DataOverlap::kOn;
      } else if (v == "off") {
        overlap = mote::FitOptions::DataOverlap::kOff;
      } else {
        std::fprintf(stderr, "fashion_mnist: --data-overlap must be auto, on or off\n");
        return 2;
      }
    } else if (a == "--quiet") {
      quiet = true;
    } else {
      std::fprintf(stderr,
                   "usage: fashion_mnist [--epochs N] [--backend scalar|hwy|xsimd] [--seed S] [--data DIR]\n"
                   "                     [--train-limit N] [--min-accuracy A] [--schedule constant|step|linear]\n"
                   "                     [--plots PREFIX] [--checkpoint FILE] [--threads N] [--augment light|heavy]\n"
                   "                     [--data-overlap auto|on|off] [--quiet]\n");
      return 2;
    }
  }
  if (epochs == 0) {
    std::fprintf(stderr, "fashion_mnist: --epochs must be at least 1\n");
    return 2;
  }

  mote::Dataset train, test;
  mote::Status s = mote::LoadFashionMnist(data_dir, &train, &test);
  if (!s.ok()) return Fail(("loading " + data_dir).c_str(), s);
  if (train_limit > 0 && train_limit < train.size()) {
    mote::Dataset head;
    s = mote::Slice(train, 0, train_limit, &head);
    if (!s.ok()) return Fail("--train-limit", s);
    train = std::move(head);
  }

  mote::Model model;
  s = mote::BuildSeedNetwork(model);
  if (!s.ok()) return Fail("BuildSeedNetwork", s);
  const size_t batch = 50;
  s = model.SetThreads(threads);
  if (!s.ok()) return Fail("--threads", s);
  s = model.Prepare(batch, seed);
  if (!s.ok()) return Fail("Prepare", s);
  std::printf("seed network: %zu parameters, arena %.1f MiB, backend %s (%s), %zu threads\n", model.param_count(),
              model.arena_bytes() / 1048576.0, mote::BackendName(mote::ActiveBackend()),
              mote::BackendTarget(mote::ActiveBackend()), model.threads());

  const uint64_t steps = uint64_t(epochs) * ((train.size() + batch - 1) / batch);
  std::unique_ptr<mote::Schedule> schedule;
  if (schedule_name == "constant") {
    schedule = std::make_unique<mote::Constant>(0.02f);
  } else if (schedule_name == "step") {  // halve every two epochs
    schedule = std::make_unique<mote::ExponentialStep>(0.02f, 0.5f, steps / epochs * 2);
  } else if (schedule_name == "linear") {
    schedule = std::make_unique<mote::LinearDecay>(0.02f, 0.0005f, steps);
  } else {
    std::fprintf(stderr, "fashion_mnist: --schedule must be constant, step or linear\n");
    return 2;
  }

  mote::FitOptions fit;
  fit.schedule = schedule.get();
  fit.epochs = epochs;
  fit.batch_size = batch;
  fit.learning_rate = 0.02f;
  fit.seed = seed;
  fit.validation = &test;
  fit.verbose = !quiet;
  fit.data_overlap = overlap;
  mote::Augmenter augmenter;
  if (!augment.empty()) {
    augmenter.Add({mote::AugmentStep::Kind::kHorizontalFlip, 0.5f});
    augmenter.Add({mote::AugmentStep::Kind::kTranslate, 0.5f, 2.0f});
    if (augment == "heavy") {
      augmenter.Add({mote::AugmentStep::Kind::kAffine, 0.5f, 10.0f, 0.1f});
      augmenter.Add({mote::AugmentStep::Kind::kElastic, 0.5f, 8.0f, 3.0f});
    }
    s = augmenter.Prepare(train.item_shape);
    if (!s.ok()) return Fail("--augment", s);
    fit.augment = &augmenter;
  }
  mote::History history;
  const auto start = std::chrono::steady_clock::now();
  s = mote::Fit(model, train, fit, &history);
  if (!s.ok()) return Fail("Fit", s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  float test_loss = 0, test_accuracy = 0;
  s = mote::EvaluateDataset(model, test, &test_loss, &test_accuracy);
  if (!s.ok()) return Fail("evaluate", s);
  if (!plots.empty()) {
    s = mote::WriteLearningCurvesSvg(history, plots + "-curves.svg");
    if (!s.ok()) return Fail("--plots", s);
    // Predictions for the whole test set, batch by batch, for the confusion matrix.
    std::vector<float> logits(test.size() * 10);
    for (size_t begin = 0; begin < test.size(); begin += batch) {
      const size_t rows = std::min(batch, test.size() - begin);
      s = model.Predict(test.item(begin), rows * 784, rows, logits.data() + begin * 10, rows * 10);
      if (!s.ok()) return Fail("Predict", s);
    }
    std::vector<uint32_t> counts;
    s = mote::ConfusionMatrix(logits.data(), test.labels.data(), test.size(), 10, &counts);
    if (s.ok())
      s = mote::WriteConfusionMatrixSvg(counts, 10,
                                        {"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                         "Sneaker", "Bag", "Boot"},
                                        plots + "-confusion.svg");
    if (!s.ok()) return Fail("--plots", s);
  }
  if (!checkpoint.empty()) {
    // Described with the loader's normalization (bytes / 255), so `mote export /
    // evaluate / predict` read Fashion-MNIST bytes as this program did.
    mote::ModelDescription description;
    s = mote::DescribeModel(model, &description, mote::kFashionMnistNormalization);
    if (s.ok()) s = mote::SaveCheckpoint(model, checkpoint, history.size(), &description);
    if (!s.ok()) return Fail("--checkpoint", s);
  }
  double train_seconds = 0;
  for (double e : history.seconds) train_seconds += e;
  std::printf("{\"test_accuracy\":%.4f,\"epochs\":%u,\"seconds_per_epoch\":%.3f,\"threads\":%zu,\"backend\":\"%s\","
              "\"target\":\"%s\",\"train_examples\":%zu,\"total_seconds\":%.2f,\"augment\":\"%s\",\"data_overlap\":%s}\n",
              test_accuracy, unsigned(history.size()), train_seconds / double(history.size()), model.threads(),
              mote::BackendName(mote::ActiveBackend()), mote::BackendTarget(mote::ActiveBackend()), train.size(),
              seconds, augment.empty() ? "none" : augment.c_str(), mote::OverlapsData(fit, model) ? "true" : "false");
  if (test_accuracy < min_accuracy) {
    std::fprintf(stderr, "fashion_mnist: test accuracy %.4f is below --min-accuracy %.4f\n", test_accuracy,
                 min_accuracy);
    return 3;
  }
  return 0;
}
