// F32DepthwiseConv2D forward and backward (input, weights) on MobileNet-like
// shapes: 3x3 same over 32x32x32 (stride 1 and 2), and 5x5 stride 2 same over
// the seed network's 28x28x10 activations, batch 8.
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

using mote::kernels::Conv2DGeometry;

void DepthwiseCase(const Conv2DGeometry& g) {
  char shape[64];
  snprintf(shape, sizeof(shape), "%zux%zux%zux%zu_k%zu_s%zu", g.batch, g.in_h, g.in_w, g.in_c, g.kernel_h,
           g.stride_h);
  const double flops = 2.0 * double(g.rows() * g.in_c * g.kernel_h * g.kernel_w);
  const size_t in = g.batch * g.in_h * g.in_w * g.in_c, out = g.rows() * g.in_c,
               taps = g.kernel_h * g.kernel_w * g.in_c;
  RegisterPerVariant("f32_depthwise", shape, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(in, 1), w = RandomVector(taps, 2), b = RandomVector(g.in_c, 3);
    std::vector<float> y(out);
    for (auto _ : state) {
      mote::kernels::F32DepthwiseConv2D(g, x.data(), w.data(), b.data(), 0.0f, 6.0f, y.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, flops);
  });
  RegisterPerVariant("f32_depthwise_backward", shape, [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(in, 1), w = RandomVector(taps, 2), dy = RandomVector(out, 3);
    std::vector<float> dx(in), dw(taps);
    for (auto _ : state) {
      mote::kernels::F32DepthwiseConv2DBackwardInput(g, dy.data(), w.data(), dx.data());
      mote::kernels::F32DepthwiseConv2DBackwardWeights(g, x.data(), dy.data(), dw.data());
      benchmark::DoNotOptimize(dx.data());
      benchmark::DoNotOptimize(dw.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * flops);
  });
}

}  // namespace

void RegisterDepthwiseBenchmarks() {
  // batch, in_h, in_w, C, kh, kw, stride_h, stride_w, pad_top, pad_left, out_h, out_w.
  DepthwiseCase({8, 32, 32, 32, 3, 3, 1, 1, 1, 1, 32, 32});
  DepthwiseCase({8, 32, 32, 32, 3, 3, 2, 2, 0, 0, 16, 16});
  DepthwiseCase({8, 28, 28, 10, 5, 5, 2, 2, 1, 1, 14, 14});
}

}  // namespace mote_bench
