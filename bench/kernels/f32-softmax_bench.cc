// F32Softmax / F32LogSoftmax: the network's output (50 x 10) and a wide case.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {

void RegisterSoftmaxBenchmarks() {
  const size_t shapes[][2] = {{50, 10}, {256, 1000}};
  for (const auto& s : shapes) {
    const size_t rows = s[0], cols = s[1];
    char name[48];
    snprintf(name, sizeof(name), "%zux%zu", rows, cols);
    RegisterPerVariant("f32_softmax", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(rows * cols, 16, -8.0f, 8.0f);
      std::vector<float> y(rows * cols);
      for (auto _ : state) {
        mote::kernels::F32Softmax(rows, cols, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 2.0 * double(rows * cols) * sizeof(float));
    });
    RegisterPerVariant("f32_log_softmax", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(rows * cols, 17, -8.0f, 8.0f);
      std::vector<float> y(rows * cols);
      for (auto _ : state) {
        mote::kernels::F32LogSoftmax(rows, cols, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 2.0 * double(rows * cols) * sizeof(float));
    });
  }
}

}  // namespace mote_bench
