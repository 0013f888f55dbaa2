// Internal declarations shared by the `mote` command-line tool's files.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>

namespace mote_cli {

// Subcommands; argv[0] is the subcommand's own name ("info", "gemm").
int RunInfo(int argc, char** argv);
int RunBenchGemm(int argc, char** argv);
void PrintBenchGemmUsage(FILE* out);

// ---- single-core FMA peak (fma_peak.cc) -------------------------------------
// Runs many independent FMA chains of the widest vector the current Highway
// target has (or a scalar fallback without Highway) for about `seconds` and
// returns the best rate seen, in GFLOP/s (one FMA = 2 FLOP).
double MeasureFmaPeakGflops(double seconds);
// Name of the instruction set MeasureFmaPeakGflops uses right now.
const char* FmaPeakTargetName();
// Highway targets compiled into this binary (HWY_TARGETS bits); 0 without Highway.
int64_t HwyCompiledTargets();

// ---- misc (info.cc) ---------------------------------------------------------
// "model name" from /proc/cpuinfo, or "unknown".
std::string CpuModelName();

}  // namespace mote_cli
