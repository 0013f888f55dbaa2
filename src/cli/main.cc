// `mote` command-line tool: build/CPU information, kernel benchmarks, model
// export and inspection.
#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote <command> [options]\n"
          "commands:\n"
          "  info                      version, compiled backends, SIMD targets, active backend\n"
          "  bench gemm [options]      F32Gemm GFLOP/s per backend vs FMA peak and OpenBLAS\n"
          "                            (mote bench gemm --help for options)\n"
          "  export --checkpoint F ... a trained seed network -> model file (fp32 or --int8) and C array\n"
          "                            (mote export --help for options)\n"
          "  inspect MODEL [--json]    per-op shapes, MACs, parameter bytes, quantization; flash and RAM totals\n"
          "  testset [options]         test images + expected outputs as C arrays, for firmware\n"
          "  help                      this message\n"
          "environment:\n"
          "  MOTE_BACKEND=scalar|hwy|xsimd   backend the kernels use (default: best available)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(stdout);
    return 0;
  }
  const char* cmd = argv[1];
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    Usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "info") == 0) return mote_cli::RunInfo(argc - 1, argv + 1);
  if (strcmp(cmd, "export") == 0) return mote_cli::RunExport(argc - 1, argv + 1);
  if (strcmp(cmd, "inspect") == 0) return mote_cli::RunInspect(argc - 1, argv + 1);
  if (strcmp(cmd, "testset") == 0) return mote_cli::RunTestset(argc - 1, argv + 1);
  if (strcmp(cmd, "bench") == 0) {
    if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "help") == 0) {
      FILE* out = argc < 3 ? stderr : stdout;
      fprintf(out, "usage: mote bench gemm [options]\n");
      mote_cli::PrintBenchGemmUsage(out);
      return argc < 3 ? 2 : 0;
    }
    if (strcmp(argv[2], "gemm") == 0) return mote_cli::RunBenchGemm(argc - 2, argv + 2);
    fprintf(stderr, "mote bench: unknown benchmark '%s' (available: gemm)\n", argv[2]);
    return 2;
  }
  fprintf(stderr, "mote: unknown command '%s'\n", cmd);
  Usage(stderr);
  return 2;
}
