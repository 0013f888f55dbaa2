// F32DenseRows vs I8DenseRows (the runtime's workspace-free conv/dense
// kernels) at the seed network's runtime shapes: 32-row im2col tiles of conv1..3
// (C_out x patch = 10x25, 40x250, 80x1000) and the dense layer (1 x 50 x 3920).
// One file for both families so their ratios read off the same shape list.
// F32DenseInputMajor against F32DenseRows on one row with about half the
// inputs zero (as after a ReLU), at dense shapes units x features from the seed
// network's (50x3920, 10x50) to a few under one vector of units: the numbers
// behind Dense's rule for keeping an input-major copy (src/layers/dense.cc).
// I8DenseBlocks (the host layout) on the one-row int8 shape.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

constexpr size_t kShapes[][3] = {{32, 10, 25}, {32, 40, 250}, {32, 80, 1000}, {1, 50, 3920}};

constexpr size_t kRowShapes[][2] = {{50, 3920}, {10, 3920}, {16, 3920}, {32, 3920}, {32, 1024},
                                    {128, 1024}, {20, 270}, {40, 270}, {7, 270}, {10, 50}};

std::vector<int8_t> RandomInt8(size_t n, uint64_t seed) {
  const std::vector<float> u = RandomVector(n, seed, -128.0f, 128.0f);
  std::vector<int8_t> q(n);
  for (size_t i = 0; i < n; ++i) q[i] = int8_t(u[i] < -128.0f ? -128 : (u[i] > 127.0f ? 127 : int(u[i])));
  return q;
}

void F32Case(size_t m, size_t n, size_t k, const char* shape) {
  RegisterPerVariant("f32_dense_rows", shape, [=](benchmark::State& state) {
    const std::vector<float> a = RandomVector(m * k, 1), w = RandomVector(n * k, 2), bias = RandomVector(n, 3);
    std::vector<float> c(m * n);
    for (auto _ : state) {
      mote::kernels::F32DenseRows(m, n, k, a.data(), k, w.data(), k, bias.data(), 0.0f, 6.0f, c.data(), n);
      benchmark::DoNotOptimize(c.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(m) * double(n) * double(k));
  });
}

void I8Case(size_t m, size_t n, size_t k, const char* shape) {
  RegisterPerVariant("i8_dense_rows", shape, [=](benchmark::State& state) {
    const std::vector<int8_t> a = RandomInt8(m * k, 1), w = RandomInt8(n * k, 2);
    const std::vector<int32_t> bias(n, 1000), multiplier(n, 1 << 30), shift(n, 45);
    const mote::kernels::I8Requant rq{bias.data(), multiplier.data(), shift.data(), -3, -128, 127};
    std::vector<int8_t> c(m * n);
    for (auto _ : state) {
      mote::kernels::I8DenseRows(m, n, k, a.data(), k, w.data(), k, rq, c.data(), n);
      benchmark::DoNotOptimize(c.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(m) * double(n) * double(k));  // int8 ops counted like FLOPs
  });
}

// One row against the host layout's channel blocks (the runtime's int8 dense
// on a `--target host` file), next to i8_dense_rows' 1-row shapes.
void I8BlocksCase(size_t n, size_t k, const char* shape) {
  RegisterPerVariant("i8_dense_blocks", shape, [=](benchmark::State& state) {
    const std::vector<int8_t> a = RandomInt8(k, 1), w = RandomInt8(n * k, 2);
    std::vector<int8_t> packed(mote::kernels::I8DenseBlockBytes(n, k));
    mote::kernels::PackI8DenseBlocks(n, k, w.data(), k, packed.data());
    const std::vector<int32_t> bias(n, 1000), multiplier(n, 1 << 30), shift(n, 45);
    const mote::kernels::I8Requant rq{bias.data(), multiplier.data(), shift.data(), -3, -128, 127};
    std::vector<int8_t> c(n);
    for (auto _ : state) {
      mote::kernels::I8DenseBlocks(n, k, a.data(), packed.data(), rq, c.data());
      benchmark::DoNotOptimize(c.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(n) * double(k));
  });
}

// One row of k inputs, a ReLU of uniform [-1, 1) (about half zero, at
// random places), against n units.
void F32RowCase(size_t n, size_t k, const char* shape) {
  auto input = [k] {
    std::vector<float> x = RandomVector(k, 1);
    for (float& v : x) v = v > 0.0f ? v : 0.0f;
    return x;
  };
  RegisterPerVariant("f32_dense_half_zero_rows", shape, [=](benchmark::State& state) {
    const std::vector<float> x = input(), w = RandomVector(n * k, 2), bias = RandomVector(n, 3);
    std::vector<float> y(n);
    for (auto _ : state) {
      mote::kernels::F32DenseRows(1, n, k, x.data(), k, w.data(), k, bias.data(), 0.0f, 6.0f, y.data(), n);
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(n) * double(k));
  });
  RegisterPerVariant("f32_dense_half_zero_input_major", shape, [=](benchmark::State& state) {
    const std::vector<float> x = input(), w = RandomVector(n * k, 2), bias = RandomVector(n, 3);
    std::vector<float> y(n);
    for (auto _ : state) {
      mote::kernels::F32DenseInputMajor(n, k, x.data(), w.data(), n, bias.data(), 0.0f, 6.0f, y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(n) * double(k));
  });
}

}  // namespace

void RegisterDenseRowsBenchmarks() {
  for (const auto& s : kRowShapes) {
    char shape[64];
    snprintf(shape, sizeof(shape), "1x%zux%zu", s[0], s[1]);
    F32RowCase(s[0], s[1], shape);
  }
  for (const auto& s : kShapes) {
    char shape[64];
    snprintf(shape, sizeof(shape), "%zux%zux%zu", s[0], s[1], s[2]);
    F32Case(s[0], s[1], s[2], shape);
    I8Case(s[0], s[1], s[2], shape);
    if (s[0] == 1) I8BlocksCase(s[1], s[2], shape);
  }
}

}  // namespace mote_bench
