// mote_bench: Google Benchmark suites for every kernel family, one benchmark
// per kernel, backend and Highway target (see bench/run.sh).
#include <string>

#include "bench/bench-util.h"

#ifndef MOTE_VERSION
#define MOTE_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::string variants;
  for (const mote_bench::Variant& v : mote_bench::Variants()) variants += (variants.empty() ? "" : " ") + v.name;
  benchmark::AddCustomContext("mote_version", MOTE_VERSION);
  benchmark::AddCustomContext("mote_variants", variants);

  mote_bench::RegisterGemmBenchmarks();
  mote_bench::RegisterIm2ColBenchmarks();
  mote_bench::RegisterWinogradBenchmarks();
  mote_bench::RegisterElementwiseBenchmarks();
  mote_bench::RegisterEpilogueBenchmarks();
  mote_bench::RegisterReduceBenchmarks();
  mote_bench::RegisterQuantizeBenchmarks();
  mote_bench::RegisterBatchNormBenchmarks();
  mote_bench::RegisterSoftmaxBenchmarks();
  mote_bench::RegisterPoolBenchmarks();
  mote_bench::RegisterDenseRowsBenchmarks();
  mote_bench::RegisterDepthwiseBenchmarks();
  mote_bench::RegisterSeedNetworkBenchmarks();
  mote_bench::RegisterSeedRuntimeBenchmarks();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  (void)mote_bench::RestrictHwy(0);
  return 0;
}
