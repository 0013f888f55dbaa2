// F32Winograd{Filter,Input,Output} at the seed network's third conv (batch 50,
// 7x7, 40 -> 80 channels, 5x5 'same': F(4x4, 5x5), 4 tiles per image), as
// Conv2D's Winograd path calls them for one forward pass.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

using mote::kernels::WinogradTile;

constexpr size_t kBatch = 50, kSize = 7, kIn = 40, kOut = 80, kR = 5;
constexpr WinogradTile kTile{4, kR};
constexpr size_t kPlanes = (4 + kR - 1) * (4 + kR - 1), kTiles = kBatch * 4;

}  // namespace

void RegisterWinogradBenchmarks() {
  RegisterPerVariant("f32_winograd_filter", "40x80_5x5", [](benchmark::State& state) {
    const std::vector<float> w = RandomVector(kR * kR * kIn * kOut, 1);  // [r][r][in][out]
    std::vector<float> u(kPlanes * kIn * kOut);
    for (auto _ : state) {
      mote::kernels::F32WinogradFilter(kTile, false, kIn, kOut, w.data(), kOut, kIn * kOut, u.data(), kIn * kOut,
                                       kOut);
      benchmark::DoNotOptimize(u.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(w.size() + u.size()) * sizeof(float));
  });
  RegisterPerVariant("f32_winograd_input", "7x7x40_b50", [](benchmark::State& state) {
    const std::vector<float> x = RandomVector(kBatch * kSize * kSize * kIn, 2);
    std::vector<float> v(kPlanes * kTiles * kIn);
    for (auto _ : state) {
      for (size_t t = 0; t < kTiles; ++t)
        mote::kernels::F32WinogradInput(kTile, x.data() + t / 4 * kSize * kSize * kIn, kSize, kSize, kIn,
                                        int64_t(t % 4 / 2 * 4) - 2, int64_t(t % 2 * 4) - 2, v.data() + t * kIn,
                                        kTiles * kIn);
      benchmark::DoNotOptimize(v.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(x.size() + v.size()) * sizeof(float));
  });
  RegisterPerVariant("f32_winograd_output", "7x7x80_b50", [](benchmark::State& state) {
    const std::vector<float> m = RandomVector(kPlanes * kTiles * kOut, 3);
    std::vector<float> y(kBatch * kSize * kSize * kOut);
    for (auto _ : state) {
      for (size_t t = 0; t < kTiles; ++t)
        mote::kernels::F32WinogradOutput(kTile, m.data() + t * kOut, kTiles * kOut, kOut,
                                         y.data() + t / 4 * kSize * kSize * kOut, kSize, kSize, t % 4 / 2 * 4,
                                         t % 2 * 4, false);
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(m.size() + y.size()) * sizeof(float));
  });
}

}  // namespace mote_bench
