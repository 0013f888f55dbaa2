// One-image inference of the exported seed network on the host runtime
// (include/mote/rt.h), fp32 (batchnorm folded) and int8, per backend, beside
// the training library's Predict at batch 1: the host latency of a deployed
// model. The network is untrained (He init) with batchnorm statistics from 100
// random images, so the int8 ranges are realistic; speed does not depend on
// the weights' values.
#include <vector>

#include "bench/bench-util.h"
#include "mote/export.h"
#include "mote/host_runtime.h"
#include "mote/model.h"
#include "mote/zoo.h"

namespace mote_bench {

namespace {

constexpr size_t kPixels = 28 * 28;

// The seed network with moving statistics from a few training-mode passes.
bool PrepareSeedNetwork(mote::Model* model, const std::vector<float>& images, size_t count) {
  if (!mote::BuildSeedNetwork(*model).ok() || !model->Prepare(count, 1).ok()) return false;
  const float* x = images.data();
  for (int pass = 0; pass < 5; ++pass)
    if (!model->Forward(&x, count, /*training=*/true).ok()) return false;
  return true;
}

// max_tile_bytes: the fp32 im2col tile (0: the exporter's default, sized for
// a microcontroller; 262144 is the host-sized one of bench/runtime_batch1.sh);
// host_layout: `mote export --target host` (conv weights in panels).
void RegisterRuntimeCase(const char* name, bool int8, size_t max_tile_bytes, bool host_layout = false) {
  RegisterPerVariant("seed_runtime", name, [int8, max_tile_bytes, host_layout](benchmark::State& state) {
    constexpr size_t kCalibration = 100;
    const std::vector<float> images = RandomVector(kCalibration * kPixels, 7, 0.0f, 1.0f);
    mote::Model model;
    if (!PrepareSeedNetwork(&model, images, kCalibration)) {
      state.SkipWithError("cannot build the seed network");
      return;
    }
    mote::ExportOptions options;
    options.int8 = int8;
    if (max_tile_bytes != 0) options.max_tile_bytes = max_tile_bytes;
    options.host_layout = host_layout;
    options.calibration = {images.data()};
    options.calibration_count = kCalibration;
    std::vector<uint8_t> bytes;
    mote::HostRuntime runtime;
    if (!mote::ExportModel(model, options, &bytes).ok() || !runtime.Load(bytes.data(), bytes.size()).ok()) {
      state.SkipWithError("export failed");
      return;
    }
    std::vector<float> logits(10);
    for (auto _ : state) {
      if (!runtime.Run(images.data(), images.size(), logits.data(), logits.size()).ok()) {
        state.SkipWithError("runtime failed");
        return;
      }
      benchmark::DoNotOptimize(logits.data());
    }
    SetGflops(state, 2.0 * 4.6555e6);
    state.counters["arena_bytes"] = double(runtime.arena_bytes());
    state.counters["model_bytes"] = double(bytes.size());
  });
}

}  // namespace

void RegisterSeedRuntimeBenchmarks() {
  RegisterRuntimeCase("invoke_fp32", false, 0);
  RegisterRuntimeCase("invoke_fp32_tile256k", false, 262144);
  RegisterRuntimeCase("invoke_fp32_host", false, 0, /*host_layout=*/true);
  RegisterRuntimeCase("invoke_int8", true, 0);
  // The training library on the same single image, for the ratio.
  RegisterPerVariant("seed_runtime", "library_predict_b1", [](benchmark::State& state) {
    const std::vector<float> images = RandomVector(100 * kPixels, 7, 0.0f, 1.0f);
    mote::Model model;
    if (!PrepareSeedNetwork(&model, images, 100) || !model.Prepare(1, 1).ok()) {
      state.SkipWithError("cannot build the seed network");
      return;
    }
    std::vector<float> logits(10);
    for (auto _ : state) {
      if (!model.Predict(images.data(), images.size(), 1, logits.data(), logits.size()).ok()) {
        state.SkipWithError("Predict failed");
        return;
      }
      benchmark::DoNotOptimize(logits.data());
    }
    SetGflops(state, 2.0 * 4.6555e6);
  });
}

}  // namespace mote_bench
