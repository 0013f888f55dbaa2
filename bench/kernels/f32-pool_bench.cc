// Max / average pooling and their backward passes: 2x2 stride 2 on
// 50 x 28 x 28 x 32 (NHWC).
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

using mote::kernels::Pool2DGeometry;

Pool2DGeometry Pool(size_t batch, size_t h, size_t w, size_t c, size_t pool, size_t stride) {
  Pool2DGeometry g{};
  g.batch = batch;
  g.in_h = h;
  g.in_w = w;
  g.channels = c;
  g.pool_h = g.pool_w = pool;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = 0;
  g.out_h = (h - pool) / stride + 1;
  g.out_w = (w - pool) / stride + 1;
  return g;
}

}  // namespace

void RegisterPoolBenchmarks() {
  const Pool2DGeometry g = Pool(50, 28, 28, 32, 2, 2);
  char name[64];
  snprintf(name, sizeof(name), "%zux%zux%zu_p%zus%zu_b%zu", g.in_h, g.in_w, g.channels, g.pool_h, g.stride_h,
           g.batch);
  const size_t in_size = g.batch * g.in_h * g.in_w * g.channels;
  const size_t out_size = g.batch * g.out_h * g.out_w * g.channels;
  RegisterPerVariant("f32_max_pool", name, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(in_size, 18);
    std::vector<float> y(out_size);
    for (auto _ : state) {
      mote::kernels::F32MaxPool(g, x.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(in_size + out_size) * sizeof(float));
  });
  RegisterPerVariant("f32_max_pool_backward", name, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(in_size, 19);
    const std::vector<float> dy = RandomVector(out_size, 20);
    std::vector<float> dx(in_size);
    for (auto _ : state) {
      mote::kernels::F32MaxPoolBackward(g, x.data(), dy.data(), dx.data());
      benchmark::DoNotOptimize(dx.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(2 * in_size + out_size) * sizeof(float));
  });
  RegisterPerVariant("f32_avg_pool", name, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(in_size, 21);
    std::vector<float> y(out_size);
    for (auto _ : state) {
      mote::kernels::F32AvgPool(g, x.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(in_size + out_size) * sizeof(float));
  });
  RegisterPerVariant("f32_avg_pool_backward", name, [=](benchmark::State& state) {
    const std::vector<float> dy = RandomVector(out_size, 22);
    std::vector<float> dx(in_size);
    for (auto _ : state) {
      mote::kernels::F32AvgPoolBackward(g, dy.data(), dx.data());
      benchmark::DoNotOptimize(dx.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(in_size + out_size) * sizeof(float));
  });
}

}  // namespace mote_bench
