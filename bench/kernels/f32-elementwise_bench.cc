// F32Add / F32Mul / F32Axpy / F32Scale: an L1-sized vector and the conv3
// activation (2450 x 80 floats).
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

void ElementwiseCases(size_t n) {
  char name[32];
  snprintf(name, sizeof(name), "%zu", n);
  RegisterPerVariant("f32_add", name, [=](benchmark::State& state) {
    const std::vector<float> a = RandomVector(n, 5), b = RandomVector(n, 6);
    std::vector<float> y(n);
    for (auto _ : state) {
      mote::kernels::F32Add(n, a.data(), b.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, 3.0 * double(n) * sizeof(float));
  });
  RegisterPerVariant("f32_mul", name, [=](benchmark::State& state) {
    const std::vector<float> a = RandomVector(n, 7), b = RandomVector(n, 8);
    std::vector<float> y(n);
    for (auto _ : state) {
      mote::kernels::F32Mul(n, a.data(), b.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, 3.0 * double(n) * sizeof(float));
  });
  RegisterPerVariant("f32_axpy", name, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(n, 9);
    std::vector<float> y = RandomVector(n, 10);
    for (auto _ : state) {
      // alpha ~ 0 keeps y bounded however many iterations run.
      mote::kernels::F32Axpy(n, 1e-6f, x.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, 3.0 * double(n) * sizeof(float));
  });
  RegisterPerVariant("f32_scale", name, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(n, 11);
    std::vector<float> y(n);
    for (auto _ : state) {
      mote::kernels::F32Scale(n, 0.5f, x.data(), y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, 2.0 * double(n) * sizeof(float));
  });
}

}  // namespace

void RegisterElementwiseBenchmarks() {
  ElementwiseCases(4096);
  ElementwiseCases(2450 * 80);
}

}  // namespace mote_bench
