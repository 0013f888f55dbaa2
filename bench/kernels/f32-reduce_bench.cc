// F32ChannelSums (batch-norm statistics) on the conv outputs.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {

void RegisterReduceBenchmarks() {
  const size_t shapes[][2] = {{9800, 10}, {2450, 40}, {2450, 80}};
  for (const auto& s : shapes) {
    const size_t rows = s[0], channels = s[1];
    char name[48];
    snprintf(name, sizeof(name), "%zux%zu", rows, channels);
    RegisterPerVariant("f32_channel_sums", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(rows * channels, 15);
      std::vector<float> sum(channels), sum_sq(channels);
      for (auto _ : state) {
        mote::kernels::F32ChannelSums(rows, channels, x.data(), sum.data(), sum_sq.data());
        benchmark::DoNotOptimize(sum.data());
        benchmark::DoNotOptimize(sum_sq.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, double(rows * channels) * sizeof(float));
    });
  }
}

}  // namespace mote_bench
