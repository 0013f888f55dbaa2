// F32Im2Col / F32Col2Im at the seed network's convolutions (batch 50, 5x5
// kernels, "same" padding).
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

using mote::kernels::Conv2DGeometry;

// "Same" padding (TensorFlow convention: extra padding goes bottom/right).
Conv2DGeometry Same(size_t batch, size_t h, size_t w, size_t c, size_t kernel, size_t stride) {
  Conv2DGeometry g{};
  g.batch = batch;
  g.in_h = h;
  g.in_w = w;
  g.in_c = c;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride;
  g.out_h = (h + stride - 1) / stride;
  g.out_w = (w + stride - 1) / stride;
  const size_t pad_h = (g.out_h - 1) * stride + kernel > h ? (g.out_h - 1) * stride + kernel - h : 0;
  const size_t pad_w = (g.out_w - 1) * stride + kernel > w ? (g.out_w - 1) * stride + kernel - w : 0;
  g.pad_top = pad_h / 2;
  g.pad_left = pad_w / 2;
  return g;
}

void Im2ColCase(const Conv2DGeometry& g) {
  char name[96];
  snprintf(name, sizeof(name), "%zux%zux%zu_k%zus%zu_b%zu", g.in_h, g.in_w, g.in_c, g.kernel_h, g.stride_h, g.batch);
  const size_t in_size = g.batch * g.in_h * g.in_w * g.in_c;
  const size_t col_size = g.rows() * g.patch_size();
  RegisterPerVariant("f32_im2col", name, [=](benchmark::State& state) {
    const std::vector<float> input = RandomVector(in_size, 3);
    std::vector<float> columns(col_size);
    for (auto _ : state) {
      mote::kernels::F32Im2Col(g, input.data(), 0, g.rows(), columns.data());
      benchmark::DoNotOptimize(columns.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(in_size + col_size) * sizeof(float));
  });
  RegisterPerVariant("f32_col2im", name, [=](benchmark::State& state) {
    const std::vector<float> columns = RandomVector(col_size, 4);
    std::vector<float> input_grad(in_size);
    for (auto _ : state) {
      mote::kernels::F32Col2Im(g, columns.data(), input_grad.data());
      benchmark::DoNotOptimize(input_grad.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(in_size + col_size) * sizeof(float));
  });
}

}  // namespace

void RegisterIm2ColBenchmarks() {
  Im2ColCase(Same(50, 28, 28, 1, 5, 2));   // conv1: 9800 x 25
  Im2ColCase(Same(50, 14, 14, 10, 5, 2));  // conv2: 2450 x 250
  Im2ColCase(Same(50, 7, 7, 40, 5, 1));    // conv3: 2450 x 1000
}

}  // namespace mote_bench
