// F32ChannelAffineClamp (folded batch norm + ReLU) on the conv outputs.
#include <math.h>
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {

void RegisterEpilogueBenchmarks() {
  const size_t shapes[][2] = {{9800, 10}, {2450, 40}, {2450, 80}};
  for (const auto& s : shapes) {
    const size_t rows = s[0], channels = s[1];
    char name[48];
    snprintf(name, sizeof(name), "%zux%zu", rows, channels);
    RegisterPerVariant("f32_channel_affine_relu", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(rows * channels, 12);
      const std::vector<float> scale = RandomVector(channels, 13, 0.5f, 2.0f);
      const std::vector<float> shift = RandomVector(channels, 14);
      std::vector<float> y(rows * channels);
      for (auto _ : state) {
        mote::kernels::F32ChannelAffineClamp(rows, channels, x.data(), scale.data(), shift.data(), 0.0f, INFINITY,
                                             y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 2.0 * double(rows * channels) * sizeof(float));
    });
  }
}

}  // namespace mote_bench
