// Internal declarations shared by the `mote` command-line tool's files.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "mote/kernels.h"
#include "mote/model.h"
#include "mote/model_file.h"

namespace mote_cli {

// Subcommands; argv[0] is the subcommand's own name ("info", "gemm").
int RunInfo(int argc, char** argv);
int RunTrain(int argc, char** argv);
int RunEvaluate(int argc, char** argv);
int RunPredict(int argc, char** argv);
int RunBenchGemm(int argc, char** argv);
void PrintBenchGemmUsage(FILE* out);
// bench_runtime.cc: `mote bench runtime` (one-image latency of model files).
int RunBenchRuntime(int argc, char** argv);
void PrintBenchRuntimeUsage(FILE* out);
// export_cmd.cc: `mote export` (checkpoint -> model file) and `mote inspect`.
int RunExport(int argc, char** argv);
int RunInspect(int argc, char** argv);
void PrintExportUsage(FILE* out);
void PrintInspectUsage(FILE* out);
int RunTestset(int argc, char** argv);
// import_cmd.cc: `mote import` (ONNX -> checkpoint or runtime model).
int RunImport(int argc, char** argv);
// finetune_cmd.cc: `mote finetune` (on-device training on the host, the firmware's data).
int RunFinetune(int argc, char** argv);

// Index of the first largest of n values (a row of outputs -> its class).
inline size_t ArgMax(const float* x, size_t n) { return size_t(std::max_element(x, x + n) - x); }

// ---- library vs exported model (compare_outputs.cc) -------------------------
// `mote export --evaluate`: argmax accuracy of both and their agreement, and
// the largest output difference. An image where either output holds NaN or
// infinity disagrees, is wrong for that side, and is counted in non_finite.
struct OutputComparison {
  size_t images = 0, host_correct = 0, exported_correct = 0, agree = 0, non_finite = 0;
  double max_abs_diff = 0;  // over the images whose outputs are all finite
  // One image: both outputs (`classes` values each) and its label.
  void Add(const float* host, const float* exported, size_t classes, int32_t label);
};

// ---- shared helpers (common.cc) -----------------------------------------------
// `status` with `message` instead of its own (the tool reports one error at a
// time; the text lives until the next call).
mote::Status ErrorWithMessage(const mote::Status& status, const std::string& message);
// "mote CONTEXT: message (code)" on stderr; returns kExitFailure.
int Fail(const char* context, const mote::Status& s);
// "mote COMMAND: what" and the usage on stderr; returns kExitUsage.
int UsageError(const char* command, const std::string& what, void (*usage)(FILE*));
bool ReadFile(const std::string& path, std::vector<uint8_t>* out);
bool WriteFile(const std::string& path, const void* data, size_t len);
// Whether the file starts with a checkpoint's magic ("MOTECKPT").
bool IsCheckpointFile(const std::string& path);

// One JSON object on one line, the last line every command prints.
class JsonLine {
 public:
  void Add(const char* key, double value, const char* format = "%.6g");
  void AddString(const char* key, const std::string& value);
  void AddBool(const char* key, bool value);
  void Print(FILE* out = stdout) const;

 private:
  std::string text_;
};

// A trained model with what its inputs need.
struct TrainedModel {
  mote::Model model;
  mote::ModelDescription description;  // empty for a checkpoint loaded by --network
  mote::InputNormalization normalization;
};
// From a self-describing checkpoint, or (network not empty) an older one
// whose network is rebuilt by name; prepared for at least max_batch.
mote::Status LoadTrainedModel(const std::string& checkpoint, const std::string& network, size_t max_batch,
                              TrainedModel* out);

// ---- timing of the benchmarks (bench_gemm.cc, bench_runtime.cc) ------------
using Clock = std::chrono::steady_clock;
inline double Seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Timing {
  double best = 0.0;    // seconds per call
  double median = 0.0;  // seconds per call
  int calls = 0;
};

// Times `fn` in batches until `min_time` seconds (and >= min_batches batches)
// have passed. `first_call` is the duration of an untimed-for-stats call
// already made (the warm-up), used to size the batches.
template <class F>
Timing TimeCalls(F&& fn, double first_call, double min_time, int min_batches) {
  // Short batches (<= 5 ms): on a busy machine some run without being
  // preempted, and the best one is reported.
  const double batch_target = std::min(min_time / 10.0, 0.005);
  int reps = first_call > 0.0 ? static_cast<int>(batch_target / first_call) : 1;
  reps = std::max(1, std::min(reps, 1 << 20));
  std::vector<double> per_call;
  double total = 0.0;
  Timing t;
  while ((total < min_time || static_cast<int>(per_call.size()) < min_batches) && per_call.size() < 100000) {
    const auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) fn();
    const double dt = Seconds(t0);
    total += dt;
    t.calls += reps;
    per_call.push_back(dt / reps);
  }
  std::sort(per_call.begin(), per_call.end());
  t.best = per_call.front();
  t.median = per_call[per_call.size() / 2];
  return t;
}

// ---- networks the tool can rebuild by name (networks.cc) --------------------
// Adds the named network ("seed": mote::BuildSeedNetwork) to an empty model.
mote::Status BuildNamedNetwork(const std::string& name, mote::Model* model);
// ---- single-core FMA peak (fma_peak.cc) -------------------------------------
// Runs many independent FMA chains of the widest vector the current Highway
// target has (or a scalar fallback without Highway) for about `seconds` and
// returns the best rate seen, in GFLOP/s (one FMA = 2 FLOP).
double MeasureFmaPeakGflops(double seconds);
// Name of the instruction set MeasureFmaPeakGflops uses right now.
const char* FmaPeakTargetName();
// Highway targets compiled into this binary (HWY_TARGETS bits); 0 without Highway.
int64_t HwyCompiledTargets();

// ---- Highway target control that also links without Highway -----------------
// (the library defines mote::HwyAvailableTargets etc. only when built with it).
inline std::vector<int64_t> HwyTargets() {
#if MOTE_HAVE_HWY
  int64_t t[64];
  size_t n = mote::HwyAvailableTargets(t, 64);
  if (n > 64) n = 64;
  return std::vector<int64_t>(t, t + n);
#else
  return {};
#endif
}
inline const char* HwyName(int64_t target) {
#if MOTE_HAVE_HWY
  return mote::HwyTargetName(target);
#else
  (void)target;
  return "none";
#endif
}
inline mote::Status RestrictHwy(int64_t targets) {
#if MOTE_HAVE_HWY
  return mote::RestrictHwyTargets(targets);
#else
  return targets == 0 ? mote::Status::Ok() : mote::Unsupported("hwy: not built");
#endif
}

// ---- misc (info.cc) ---------------------------------------------------------
// "model name" from /proc/cpuinfo, or "unknown".
std::string CpuModelName();

}  // namespace mote_cli
