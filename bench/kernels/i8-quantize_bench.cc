// I8Quantize (the runtime's QUANTIZE) on the seed network's input, 28x28
// floats in [0, 1) at its scale 1/255.
#include "bench/bench-util.h"

namespace mote_bench {

void RegisterQuantizeBenchmarks() {
  const size_t n = 784;
  RegisterPerVariant("i8_quantize", "784", [=](benchmark::State& state) {
    const std::vector<float> x = RandomVector(n, 16, 0.0f, 1.0f);
    std::vector<int8_t> q(n);
    for (auto _ : state) {
      mote::kernels::I8Quantize(n, x.data(), 1.0f / 255.0f, -128, q.data());
      benchmark::DoNotOptimize(q.data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(n) * sizeof(float));
  });
}

}  // namespace mote_bench
