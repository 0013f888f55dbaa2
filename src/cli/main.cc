// `mote` command-line tool: the workflow (train, evaluate, predict, export,
// inspect, testset), build/CPU information and kernel benchmarks.
#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote <command> [options]\n"
          "commands (mote COMMAND --help for each):\n"
          "  train MODEL_FILE --data SPEC   train the model a model file describes -> checkpoint\n"
          "  evaluate MODEL --data SPEC     loss and accuracy of a checkpoint or an exported .mote\n"
          "  predict MODEL --data SPEC      class and outputs per item (CSV)\n"
          "  export CHECKPOINT [options]    -> runtime model (.mote, fp32 or --int8 calibrated) and C array\n"
          "  inspect MODEL [--json]         per-op shapes, MACs, parameter bytes, quantization; flash and RAM\n"
          "  import MODEL.onnx [options]    an ONNX model -> checkpoint (or --to-runtime: .mote)\n"
          "  testset CHECKPOINT [options]   test items + expected outputs as C arrays, for firmware\n"
          "  finetune CHECKPOINT MODEL [options]  on-device training of a trainable tail on shifted images\n"
          "  info                           version, compiled backends, SIMD targets, active backend\n"
          "  bench gemm [options]           F32Gemm GFLOP/s per backend vs FMA peak and OpenBLAS\n"
          "  bench runtime MODEL.mote ...   one-image latency of exported models on the host runtime\n"
          "  help                           this message\n"
          "environment:\n"
          "  MOTE_BACKEND=scalar|hwy|xsimd   backend the kernels use (default: best available)\n"
          "exit status: 0 success, 1 the work failed (bad file or data, a check that did not hold),\n"
          "2 the command line is wrong\n");
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
  if (strcmp(cmd, "train") == 0) return mote_cli::RunTrain(argc - 1, argv + 1);
  if (strcmp(cmd, "evaluate") == 0) return mote_cli::RunEvaluate(argc - 1, argv + 1);
  if (strcmp(cmd, "predict") == 0) return mote_cli::RunPredict(argc - 1, argv + 1);
  if (strcmp(cmd, "info") == 0) return mote_cli::RunInfo(argc - 1, argv + 1);
  if (strcmp(cmd, "export") == 0) return mote_cli::RunExport(argc - 1, argv + 1);
  if (strcmp(cmd, "inspect") == 0) return mote_cli::RunInspect(argc - 1, argv + 1);
  if (strcmp(cmd, "import") == 0) return mote_cli::RunImport(argc - 1, argv + 1);
  if (strcmp(cmd, "testset") == 0) return mote_cli::RunTestset(argc - 1, argv + 1);
  if (strcmp(cmd, "finetune") == 0) return mote_cli::RunFinetune(argc - 1, argv + 1);
  if (strcmp(cmd, "bench") == 0) {
    if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "help") == 0) {
      FILE* out = argc < 3 ? stderr : stdout;
      fprintf(out, "usage: mote bench gemm|runtime [options]\n");
      mote_cli::PrintBenchGemmUsage(out);
      mote_cli::PrintBenchRuntimeUsage(out);
      return argc < 3 ? 2 : 0;
    }
    if (strcmp(argv[2], "gemm") == 0) return mote_cli::RunBenchGemm(argc - 2, argv + 2);
    if (strcmp(argv[2], "runtime") == 0) return mote_cli::RunBenchRuntime(argc - 2, argv + 2);
    fprintf(stderr, "mote bench: unknown benchmark '%s' (available: gemm, runtime)\n", argv[2]);
    return 2;
  }
  fprintf(stderr, "mote: unknown command '%s'\n", cmd);
  Usage(stderr);
  return 2;
}
