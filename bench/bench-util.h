// Shared helpers for the kernel benchmarks: the list of backend variants
// (scalar, every Highway target, xsimd), switching between them, and
// per-variant registration with Google Benchmark.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "mote/kernels.h"

namespace mote_bench {

struct Variant {
  mote::Backend backend;
  int64_t hwy_target;  // one HWY_* bit for Highway, else 0
  std::string name;    // "scalar", "hwy:AVX2", "xsimd:avx512bw"
};

// Every variant this binary and CPU can run: scalar, each available Highway
// target separately, xsimd.
const std::vector<Variant>& Variants();

// Makes `v` the active kernel backend (restricting Highway to its target).
// On failure marks the benchmark skipped and returns false.
bool Activate(const Variant& v, benchmark::State& state);

// mote::RestrictHwyTargets, or a no-op (0) / kUnsupported without Highway.
mote::Status RestrictHwy(int64_t targets);

// Deterministic uniform values in [lo, hi).
std::vector<float> RandomVector(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f);

// Registers `fn` once per variant as "<family>/<variant>/<case_name>"; the
// variant is activated before `fn` runs.
template <class Fn>
void RegisterPerVariant(const std::string& family, const std::string& case_name, Fn fn) {
  for (const Variant& v : Variants()) {
    const std::string name = family + "/" + v.name + "/" + case_name;
    benchmark::RegisterBenchmark(name.c_str(), [v, fn](benchmark::State& state) {
      if (!Activate(v, state)) return;
      fn(state);
    });
  }
}

// GFLOP/s counter: `flops_per_iteration` FLOPs per benchmark iteration.
inline void SetGflops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
// bytes_per_second: `bytes_per_iteration` bytes read + written per iteration.
inline void SetBytes(benchmark::State& state, double bytes_per_iteration) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes_per_iteration * static_cast<double>(state.iterations())));
}

// Registration entry points, one per kernel family (bench/kernels/*_bench.cc).
void RegisterGemmBenchmarks();
void RegisterIm2ColBenchmarks();
void RegisterWinogradBenchmarks();
void RegisterElementwiseBenchmarks();
void RegisterEpilogueBenchmarks();
void RegisterReduceBenchmarks();
void RegisterQuantizeBenchmarks();
void RegisterBatchNormBenchmarks();
void RegisterSoftmaxBenchmarks();
void RegisterPoolBenchmarks();
void RegisterDenseRowsBenchmarks();  // F32DenseRows and I8DenseRows
void RegisterDepthwiseBenchmarks();
void RegisterSeedNetworkBenchmarks();  // bench/models/seed_network_bench.cc
void RegisterSeedRuntimeBenchmarks();  // bench/models/seed_runtime_bench.cc

}  // namespace mote_bench
