// `mote bench runtime`: one-image latency of exported model files on the host
// runtime (HostRuntime::Run, batch 1, the calling thread), as deployed; the
// peers' side of the comparison is bench/runtime-batch1.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "mote/host_runtime.h"
#include "src/cli/cli.h"

namespace mote_cli {
namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote bench runtime MODEL.mote [MODEL.mote ...] [--json] [--min-time SECONDS]\n"
          "  Times one inference (batch 1) of each exported model on the host runtime with the\n"
          "  active backend (MOTE_BACKEND), on inputs in [0, 1). Pin it (taskset -c 0) for stable numbers.\n"
          "  --json      end the output with one line holding a JSON object.\n"
          "  --min-time  seconds of timed calls per model (default 1).\n");
}

struct ModelTiming {
  std::string path;
  Timing timing;
  size_t arena_bytes = 0;
};

}  // namespace

void PrintBenchRuntimeUsage(FILE* out) { Usage(out); }

int RunBenchRuntime(int argc, char** argv) {
  std::vector<std::string> paths;
  bool json = false;
  double min_time = 1.0;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      Usage(stdout);
      return 0;
    } else if (strcmp(a, "--json") == 0) {
      json = true;
    } else if (strcmp(a, "--min-time") == 0) {
      char* end = nullptr;
      const double t = i + 1 < argc ? strtod(argv[++i], &end) : 0.0;
      if (end == nullptr || *end != '\0' || !(t > 0.0) || t > 600.0) {
        fprintf(stderr, "mote bench runtime: --min-time needs seconds in (0, 600]\n");
        return 2;
      }
      min_time = t;
    } else if (a[0] == '-') {
      fprintf(stderr, "mote bench runtime: unknown option '%s'\n", a);
      Usage(stderr);
      return 2;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    Usage(stderr);
    return 2;
  }
  std::vector<ModelTiming> results;
  for (const std::string& path : paths) {
    std::vector<uint8_t> bytes;
    if (!ReadFile(path, &bytes)) {
      fprintf(stderr, "mote bench runtime: %s: cannot read\n", path.c_str());
      return 1;
    }
    mote::HostRuntime runtime;
    const mote::Status loaded = runtime.Load(bytes.data(), bytes.size());
    if (!loaded.ok()) {
      fprintf(stderr, "mote bench runtime: %s: %s\n", path.c_str(), loaded.message());
      return 1;
    }
    std::vector<float> input(runtime.input_elements()), output(runtime.output_elements());
    uint32_t state = 12345;
    for (float& x : input) {
      state = state * 1664525u + 1013904223u;
      x = float(state >> 8) / float(1u << 24);
    }
    bool ok = true;
    auto run = [&] { ok = ok && runtime.Run(input.data(), input.size(), output.data(), output.size()).ok(); };
    const auto t0 = Clock::now();
    run();
    const double first = Seconds(t0);
    ModelTiming r;
    r.path = path;
    r.timing = TimeCalls(run, first, min_time, 20);
    r.arena_bytes = runtime.arena_bytes();
    if (!ok) {
      fprintf(stderr, "mote bench runtime: %s: the runtime failed\n", path.c_str());
      return 1;
    }
    results.push_back(r);
  }
  const mote::Backend backend = mote::ActiveBackend();
  printf("mote bench runtime  backend %s (%s), batch 1\n", mote::BackendName(backend), mote::BackendTarget(backend));
  printf("%-40s %10s %10s %10s\n", "model", "best_us", "median_us", "arena_B");
  for (const ModelTiming& r : results)
    printf("%-40s %10.1f %10.1f %10zu\n", r.path.c_str(), r.timing.best * 1e6, r.timing.median * 1e6,
           r.arena_bytes);
  if (json) {
    printf("{\"backend\":\"%s\",\"target\":\"%s\",\"models\":[", mote::BackendName(backend),
           mote::BackendTarget(backend));
    for (size_t i = 0; i < results.size(); ++i)
      printf("%s{\"file\":\"%s\",\"best_us\":%.2f,\"median_us\":%.2f}", i ? "," : "", results[i].path.c_str(),
             results[i].timing.best * 1e6, results[i].timing.median * 1e6);
    printf("]}\n");
  }
  return 0;
}

}  // namespace mote_cli
