// Batch-norm training kernels on the seed network's batch-norm shapes (rows x
// channels of a batch of 50): forward centring + statistics, backward sums,
// input gradient.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {

void RegisterBatchNormBenchmarks() {
  const size_t shapes[][2] = {{9800, 10}, {2450, 40}, {2450, 80}, {50, 50}};
  for (const auto& s : shapes) {
    const size_t rows = s[0], channels = s[1], n = rows * channels;
    char name[48];
    snprintf(name, sizeof(name), "%zux%zu", rows, channels);
    RegisterPerVariant("f32_batch_norm_center", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(n, 31), mean = RandomVector(channels, 32);
      std::vector<float> y(n), sum(channels), sum_sq(channels);
      for (auto _ : state) {
        mote::kernels::F32BatchNormCenter(rows, channels, x.data(), mean.data(), y.data(), sum.data(), sum_sq.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 2.0 * double(n) * sizeof(float));
    });
    RegisterPerVariant("f32_batch_norm_grad_sums", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(n, 33), dy = RandomVector(n, 34);
      const std::vector<float> mean = RandomVector(channels, 35), invstd = RandomVector(channels, 36, 0.5f, 2.0f);
      std::vector<float> sum_dy(channels), sum_dy_xhat(channels);
      for (auto _ : state) {
        mote::kernels::F32BatchNormGradSums(rows, channels, x.data(), dy.data(), mean.data(), invstd.data(),
                                            sum_dy.data(), sum_dy_xhat.data());
        benchmark::DoNotOptimize(sum_dy.data());
        benchmark::DoNotOptimize(sum_dy_xhat.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 2.0 * double(n) * sizeof(float));
    });
    RegisterPerVariant("f32_batch_norm_input_grad", name, [=](benchmark::State& state) {
      const std::vector<float> x = RandomVector(n, 37), dy = RandomVector(n, 38);
      const std::vector<float> mean = RandomVector(channels, 39), a = RandomVector(channels, 40),
                               b = RandomVector(channels, 41), d = RandomVector(channels, 42);
      std::vector<float> dx(n);
      for (auto _ : state) {
        mote::kernels::F32BatchNormInputGrad(rows, channels, x.data(), dy.data(), mean.data(), a.data(), b.data(),
                                             d.data(), dx.data());
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
      }
      SetBytes(state, 3.0 * double(n) * sizeof(float));
    });
  }
}

}  // namespace mote_bench
