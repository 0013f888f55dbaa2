// The seeds' comparison of regularizers on Fashion-MNIST: one small CNN
// trained under no regularization, L2, L1, dropout, batchnorm, data
// augmentation, label smoothing, early stopping, bagging (m = 5) and
// adversarial training. Prints a Markdown table (test accuracy, FGSM accuracy
// at eps = 0.1, epochs, seconds), one JSON line per row, and writes
// <prefix>-<row>-curves.svg.
//
//   regularization_study [--quick] [--epochs N] [--seed-epochs N] [--rows a,b,...] [--data DIR]
//                        [--plots PREFIX] [--threads N]
// --quick: 2000 training and 1000 test images, 2 epochs (a smoke run for CI).
// --rows runs only the named rows; --seed-epochs (default 15) is the budget of
// the seed-network rows (seed_augmentation, seed_ensemble_m3). --threads N
// (default: MOTE_NUM_THREADS, else the CPUs of the affinity mask): an
// ensemble's members train concurrently, the threads split among them (mote::TrainEnsemble); the
// results are the same for every N.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "mote/adversarial.h"
#include "mote/augment.h"
#include "mote/data.h"
#include "mote/early_stopping.h"
#include "mote/schedule.h"
#include "mote/zoo.h"
#include "mote/ensemble.h"
#include "mote/layers.h"
#include "mote/optim/momentum.h"
#include "mote/plots.h"
#include "mote/trainer.h"

namespace {

using namespace mote;

struct Config {
  const char* name;
  float l1 = 0, l2 = 0, keep = 1, smoothing = 0;
  bool batchnorm = false, augment = false, early_stopping = false, adversarial = false;
  int members = 1;
  // The seed network (mote::BuildSeedNetwork) with the learning rate
  // decaying linearly to 0.0005 instead of the small CNN at a constant rate:
  // the rows that chase the best accuracy (augmentation, ensembles).
  bool seed_network = false;
  // Ensemble members train on bootstrap resamples (bagging) or, when false,
  // on the whole training set with different seeds (a plain ensemble).
  bool bootstrap = true;
};

// Conv(16, 5x5, /2) -> [BN] -> ReLU -> Conv(32, 5x5, /2) -> [BN] -> ReLU ->
// Flatten -> [Dropout] -> Dense(64) -> ReLU -> [Dropout] -> Dense(10)
Status Build(Model& m, const Config& c) {
  if (c.seed_network) return BuildSeedNetwork(m);
  auto conv = [](size_t filters) {
    Conv2DOptions o;
    o.stride_h = o.stride_w = 2;
    o.padding = Padding::kSame;
    return std::make_unique<Conv2D>(filters, 5, 5, o);
  };
  m.Input(Shape(28, 28, 1), "image");
  m.Add(conv(16), {}, "conv1");
  if (c.batchnorm) m.Add(std::make_unique<BatchNorm>(), {}, "bn1");
  m.Add(std::make_unique<ReLU>(), {}, "relu1");
  m.Add(conv(32), {}, "conv2");
  if (c.batchnorm) m.Add(std::make_unique<BatchNorm>(), {}, "bn2");
  m.Add(std::make_unique<ReLU>(), {}, "relu2");
  m.Add(std::make_unique<Flatten>(), {}, "flatten");
  if (c.keep < 1) m.Add(std::make_unique<Dropout>(0.8f), {}, "dropout_in");
  m.Add(std::make_unique<Dense>(64), {}, "dense");
  m.Add(std::make_unique<ReLU>(), {}, "relu3");
  if (c.keep < 1) m.Add(std::make_unique<Dropout>(c.keep), {}, "dropout");
  m.Add(std::make_unique<Dense>(10), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>(c.smoothing));
  m.SetOptimizer(std::make_unique<Momentum>(0.9f, true));
  m.SetRegularization(c.l1, c.l2);
  return Status::Ok();
}

int Fail(const char* what, const Status& s) {
  std::fprintf(stderr, "regularization_study: %s: %s\n", what, s.message());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  uint32_t epochs = 10, seed_epochs = 15;
  std::string data_dir = kFashionMnistDir, plots, rows;
  size_t threads = 0;  // 0: the models' default (include/mote/model.h)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--epochs" && i + 1 < argc) {
      epochs = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--seed-epochs" && i + 1 < argc) {
      seed_epochs = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--rows" && i + 1 < argc) {
      rows = "," + std::string(argv[++i]) + ",";
    } else if (a == "--data" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (a == "--plots" && i + 1 < argc) {
      plots = argv[++i];
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::strtoul(argv[++i], nullptr, 10);
      if (threads == 0) {
        std::fprintf(stderr, "regularization_study: --threads must be at least 1\n");
        return 2;
      }
    } else {
      std::fprintf(stderr,
                   "usage: regularization_study [--quick] [--epochs N] [--seed-epochs N] [--rows a,b,...]\n"
                   "                            [--data DIR] [--plots PREFIX] [--threads N]\n");
      return 2;
    }
  }
  Dataset train, test;
  Status s = LoadFashionMnist(data_dir, &train, &test);
  if (!s.ok()) return Fail("loading Fashion-MNIST", s);
  if (quick) {
    epochs = 2;
    seed_epochs = 1;
    Dataset a, b;
    if (!(s = Slice(train, 0, 2000, &a)).ok() || !(s = Slice(test, 0, 1000, &b)).ok()) return Fail("--quick", s);
    train = std::move(a);
    test = std::move(b);
  }
  const size_t batch = 50, fgsm_images = quick ? 500 : 2000;
  const std::vector<Config> configs = {
      {"none"},
      {"l2", 0, 5e-4f},
      {"l1", 2e-5f},
      {"dropout", 0, 0, 0.5f},
      {"batchnorm", 0, 0, 1, 0, true},
      {"augmentation", 0, 0, 1, 0, false, true},
      {"label_smoothing", 0, 0, 1, 0.1f},
      {"early_stopping", 0, 0, 1, 0, false, false, true},
      {"bagging_m5", 0, 0, 1, 0, false, false, false, false, 5},
      {"adversarial", 0, 0, 1, 0, false, false, false, true},
      {"seed_augmentation", 0, 0, 1, 0, false, true, false, false, 1, true},
      {"seed_ensemble_m3", 0, 0, 1, 0, false, false, false, false, 3, true, false},
  };
  AdversarialOptions fgsm;
  fgsm.epsilon = 0.1f;

  std::printf("| regularizer | test accuracy | FGSM accuracy (eps 0.1) | epochs | seconds |\n");
  std::printf("|---|---|---|---|---|\n");
  std::vector<std::string> json;
  const size_t ensemble_threads = threads != 0 ? threads : Model().threads();
  for (const Config& c : configs) {
    if (!rows.empty() && rows.find("," + std::string(c.name) + ",") == std::string::npos) continue;
    const uint32_t row_epochs = c.seed_network ? seed_epochs : epochs;
    const auto start = std::chrono::steady_clock::now();
    // The members (one for a plain row) train concurrently, --threads split
    // among them; each writes only its own slots below.
    const size_t member_count = size_t(c.members);
    std::vector<std::vector<float>> member_logits(member_count);  // [member][test images x 10]
    std::vector<uint32_t> member_epochs(member_count, 0);
    std::vector<float> member_fgsm(member_count, 0.0f);
    EnsembleOptions ensemble;
    ensemble.members = member_count;
    ensemble.bootstrap = member_count > 1 && c.bootstrap;  // bootstrap resamples, same size as the data set
    ensemble.seed = 100;
    ensemble.threads = ensemble_threads;
    auto train_member = [&](const EnsembleMember& member, Model& model) -> Status {
      const size_t m = member.index;
      MOTE_TRY(Build(model, c));
      MOTE_TRY(model.SetThreads(member.threads));
      FitOptions fit;
      fit.epochs = row_epochs;
      fit.batch_size = batch;
      fit.learning_rate = 0.02f;
      fit.sample = member.sample;
      LinearDecay decay(0.02f, 0.0005f, uint64_t(row_epochs) * ((train.size() + batch - 1) / batch));
      if (c.seed_network) fit.schedule = &decay;
      fit.seed = 1 + uint64_t(m);
      fit.verbose = false;
      EarlyStopping stopper({"val_loss", MetricMode::kAuto, 0.0f, 2, true});
      if (c.early_stopping) {
        fit.validation_split = 0.1f;
        fit.callbacks.push_back(&stopper);
      }
      Augmenter augment;  // per member: it keeps scratch
      if (c.augment) {
        augment.Add({AugmentStep::Kind::kHorizontalFlip, 0.5f});
        augment.Add({AugmentStep::Kind::kTranslate, 0.5f, 2.0f});
        MOTE_TRY(augment.Prepare(train.item_shape));
        fit.augment = &augment;
      }
      if (c.adversarial) fit.adversarial = &fgsm;
      History history;
      MOTE_TRY(Fit(model, train, fit, &history));
      member_epochs[m] = uint32_t(history.size());
      if (!plots.empty() && m == 0) (void)WriteLearningCurvesSvg(history, plots + "-" + c.name + "-curves.svg");
      std::vector<float>& logits = member_logits[m];
      logits.resize(test.size() * 10);
      for (size_t b = 0; b < test.size(); b += batch) {
        const size_t rows = std::min(batch, test.size() - b);
        MOTE_TRY(model.Predict(test.item(b), rows * model.input_size(0), rows, logits.data() + b * 10, rows * 10));
      }
      // FGSM accuracy of this member on the first test images.
      std::vector<float> scratch(batch * test.item_shape.elements());
      double correct = 0;
      for (size_t b = 0; b < fgsm_images; b += batch) {
        float acc = 0;
        MOTE_TRY(AdversarialAccuracy(model, test.item(b), Targets{test.labels.data() + b, nullptr}, batch, fgsm,
                                     scratch.data(), &acc));
        correct += acc * batch;
      }
      member_fgsm[m] = float(correct / double(fgsm_images));
      return Status::Ok();
    };
    std::vector<std::unique_ptr<Model>> models;
    if (!(s = TrainEnsemble(train.size(), ensemble, train_member, &models)).ok()) return Fail(c.name, s);
    uint32_t epochs_run = 0;
    float fgsm_accuracy_sum = 0;
    for (size_t m = 0; m < member_count; ++m) {
      epochs_run += member_epochs[m];
      fgsm_accuracy_sum += member_fgsm[m];
    }
    // Ensemble by averaging softmax probabilities (one member: its own output).
    std::vector<const float*> members;
    std::vector<std::vector<float>> probs(member_logits.size());
    for (size_t m = 0; m < member_logits.size(); ++m) {
      probs[m] = member_logits[m];
      for (size_t i = 0; i < test.size(); ++i) {
        float* row = probs[m].data() + i * 10;
        float mx = row[0], sum = 0;
        for (int k = 1; k < 10; ++k) mx = row[k] > mx ? row[k] : mx;
        for (int k = 0; k < 10; ++k) sum += (row[k] = std::exp(row[k] - mx));
        for (int k = 0; k < 10; ++k) row[k] /= sum;
      }
      members.push_back(probs[m].data());
    }
    std::vector<float> mean(test.size() * 10);
    if (!(s = AverageOutputs(members.data(), members.size(), test.size(), 10, mean.data())).ok())
      return Fail("ensemble", s);
    std::vector<uint32_t> counts;
    if (!(s = ConfusionMatrix(mean.data(), test.labels.data(), test.size(), 10, &counts)).ok()) return Fail("cm", s);
    double correct = 0;
    for (int k = 0; k < 10; ++k) correct += counts[size_t(k) * 10 + size_t(k)];
    const double accuracy = correct / double(test.size());
    double best_member = 0;
    for (const auto& p : probs) {
      std::vector<uint32_t> member_counts;
      (void)ConfusionMatrix(p.data(), test.labels.data(), test.size(), 10, &member_counts);
      double c2 = 0;
      for (int k = 0; k < 10; ++k) c2 += member_counts[size_t(k) * 10 + size_t(k)];
      best_member = std::max(best_member, c2 / double(test.size()));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double fgsm_accuracy = fgsm_accuracy_sum / float(c.members);
    std::printf("| %s | %.4f | %.4f | %u | %.1f |\n", c.name, accuracy, fgsm_accuracy, epochs_run, seconds);
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"regularizer\":\"%s\",\"test_accuracy\":%.4f,\"fgsm_accuracy\":%.4f,\"epochs\":%u,"
                  "\"seconds\":%.2f,\"best_member_accuracy\":%.4f,\"threads\":%zu}",
                  c.name, accuracy, fgsm_accuracy, epochs_run, seconds, best_member, ensemble_threads);
    json.push_back(line);
    std::fflush(stdout);
  }
  for (const std::string& j : json) std::printf("%s\n", j.c_str());
  return 0;
}
