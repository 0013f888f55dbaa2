// The seed network's training step and prediction at batch 50, per backend:
// time per step and the implied seconds per Fashion-MNIST epoch (60000 images).
#include <vector>

#include "bench/bench-util.h"
#include "mote/model.h"
#include "mote/zoo.h"

namespace mote_bench {

void RegisterSeedNetworkBenchmarks() {
  constexpr size_t kBatch = 50;
  constexpr double kEpochSteps = 60000.0 / kBatch;
  RegisterPerVariant("seed_network", "train_step_b50", [=](benchmark::State& state) {
    mote::Model model;
    if (!mote::BuildSeedNetwork(model).ok() || !model.Prepare(kBatch, 1).ok()) {
      state.SkipWithError("cannot build the seed network");
      return;
    }
    const std::vector<float> x = RandomVector(kBatch * 28 * 28, 1, 0.0f, 1.0f);
    std::vector<int32_t> labels(kBatch);
    for (size_t i = 0; i < kBatch; ++i) labels[i] = int32_t(i % 10);
    for (auto _ : state) {
      float loss = 0;
      if (!model.TrainStep(x.data(), mote::Targets{labels.data(), nullptr}, kBatch, 0.02f, &loss).ok()) {
        state.SkipWithError("TrainStep failed");
        return;
      }
      benchmark::DoNotOptimize(loss);
    }
    // (iterations / kEpochSteps) epochs per second, inverted: seconds per epoch.
    state.counters["s_per_epoch"] = benchmark::Counter(
        1.0 / kEpochSteps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    SetGflops(state, 3.0 * 2.0 * 4.6564e6 * kBatch);  // training ~ 3x the forward MACs
    state.counters["arena_MiB"] = double(model.arena_bytes()) / 1048576.0;
  });
  RegisterPerVariant("seed_network", "predict_b50", [=](benchmark::State& state) {
    mote::Model model;
    if (!mote::BuildSeedNetwork(model).ok() || !model.Prepare(kBatch, 1).ok()) {
      state.SkipWithError("cannot build the seed network");
      return;
    }
    const std::vector<float> x = RandomVector(kBatch * 28 * 28, 2, 0.0f, 1.0f);
    std::vector<float> logits(kBatch * 10);
    for (auto _ : state) {
      if (!model.Predict(x.data(), x.size(), kBatch, logits.data(), logits.size()).ok()) {
        state.SkipWithError("Predict failed");
        return;
      }
      benchmark::DoNotOptimize(logits.data());
    }
    SetGflops(state, 2.0 * 4.6564e6 * kBatch);
  });
}

}  // namespace mote_bench
