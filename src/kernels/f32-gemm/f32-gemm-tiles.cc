// The process-wide choice of the f32 GEMM's register-tile family: a table
// keyed by CPU vendor, family and model (docs/design.md, "GEMM register
// tiles"), overridden by MOTE_GEMM_TILE or SetF32GemmTile (defined here: host
// builds only). Every family gives bit-identical results, so the choice only
// moves speed.
#include "src/kernels/f32-gemm/f32-gemm-tiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "mote/kernels.h"
#include "src/kernels/f32-gemm/f32-gemm-blocking.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace mote {
namespace kernels {
namespace gemm {
namespace {

struct CpuChoice {
  const char* tile = nullptr;  // null: each target's first family
  char reason[96] = {};
};

#if defined(__x86_64__) || defined(__i386__)
// Intel cores with two 512-bit FMA ports: the Xeon Scalable server cores
// (Skylake-SP / Cascade Lake / Cooper Lake 0x55, Ice Lake-SP 0x6A / 0x6C,
// Sapphire / Emerald Rapids 0x8F / 0xCF, Granite Rapids 0xAD / 0xAE).
// Client cores with AVX-512 (Ice / Tiger / Rocket Lake) fuse one port.
bool IntelTwoPortAvx512(unsigned model) {
  switch (model) {
    case 0x55: case 0x6A: case 0x6C: case 0x8F: case 0xCF: case 0xAD: case 0xAE: return true;
    default: return false;
  }
}
#endif

CpuChoice ChooseForCpu() {
  CpuChoice choice;
  snprintf(choice.reason, sizeof(choice.reason), "default of the instruction set (CPU not in the table)");
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) return choice;
  char vendor[13] = {};
  memcpy(vendor, &b, 4);
  memcpy(vendor + 4, &d, 4);
  memcpy(vendor + 8, &c, 4);
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return choice;
  unsigned family = (a >> 8) & 0xF, model = (a >> 4) & 0xF;
  if (family == 0xF) family += (a >> 20) & 0xFF;
  if (family == 0x6 || family >= 0xF) model |= ((a >> 16) & 0xF) << 4;
  if (strcmp(vendor, "AuthenticAMD") == 0 && family >= 0x17) {
    // Zen 1-5: measured 91-97 % of the FMA peak at 512^3 with 12 x 2.
    choice.tile = "12x2";
    snprintf(choice.reason, sizeof(choice.reason), "table: AMD Zen (family 0x%x)", family);
  } else if (strcmp(vendor, "GenuineIntel") == 0 && family == 0x6 && IntelTwoPortAvx512(model)) {
    // 73 % of peak with 12 x 2 in issue 14 and no machine here to tune on:
    // let each process time the candidates.
    choice.tile = kCalibrate;
    snprintf(choice.reason, sizeof(choice.reason),
             "table: Intel Xeon, two AVX-512 FMA ports (model 0x%x): calibrated at the first GEMM", model);
  }
#endif
  return choice;
}

const CpuChoice& ForCpu() {
  static const CpuChoice choice = ChooseForCpu();
  return choice;
}

// MOTE_GEMM_TILE, copied once (a later setenv does not move it).
struct EnvTile {
  char name[32] = {};
  bool present = false;
};

EnvTile ReadEnv() {
  EnvTile env;
  const char* v = getenv("MOTE_GEMM_TILE");
  if (v != nullptr && *v != '\0' && strcmp(v, "auto") != 0 && strlen(v) < sizeof(env.name)) {
    memcpy(env.name, v, strlen(v));
    env.present = true;
  }
  return env;
}

std::atomic<const char*> g_forced{nullptr};
std::atomic<bool> g_forced_by_call{false};

const EnvTile& Env() {
  static const EnvTile env = ReadEnv();
  return env;
}

// The environment's choice, installed before the first read or write.
void InitFromEnvOnce() {
  static const bool installed = (g_forced.store(Env().present ? Env().name : nullptr), true);
  (void)installed;
}

// The calibration's operands and scratch: static, so calibrating allocates nothing.
constexpr size_t kCalibrateAFloats = kCalibrateM * kCalibrateLda;
constexpr size_t kCalibrateBFloats = kCalibrateK * kCalibrateN;
constexpr size_t kCalibrateCFloats = kCalibrateM * kCalibrateN;
constexpr size_t kCalibrateWorkspaceFloats =
    kCalibrateK * ((kCalibrateN + kNrMax - 1) / kNrMax * kNrMax) + kCalibrateK * kMrMax + 16;  // WorkspaceFloats
static_assert(kCalibrateN <= kNc && kCalibrateK <= kKc, "one block");
float g_calibrate_a[kCalibrateAFloats];
float g_calibrate_b[kCalibrateBFloats];
float g_calibrate_c[kCalibrateCFloats];
float g_calibrate_workspace[kCalibrateWorkspaceFloats];
std::mutex g_calibrate_mutex;

}  // namespace

size_t CalibrateTile(size_t count, CalibrationRun run) {
  if (count <= 1) return 0;
  std::lock_guard<std::mutex> lock(g_calibrate_mutex);
  for (size_t i = 0; i < kCalibrateAFloats; ++i) g_calibrate_a[i] = float(int(i % 17) - 8) * 0.125f;
  for (size_t i = 0; i < kCalibrateBFloats; ++i) g_calibrate_b[i] = float(int(i % 13) - 6) * 0.25f;
  constexpr size_t kMaxFamilies = 16;
  double best[kMaxFamilies];
  for (double& b : best) b = 1e30;
  if (count > kMaxFamilies) count = kMaxFamilies;
  for (int round = 0; round < 3; ++round)
    for (size_t f = 0; f < count; ++f) {
      const auto t0 = std::chrono::steady_clock::now();
      run(f, g_calibrate_a, g_calibrate_b, g_calibrate_c, g_calibrate_workspace);
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (t < best[f]) best[f] = t;
    }
  // The first family (the target's default) unless another beats it by 3 %:
  // close families would otherwise flip with the machine's noise.
  size_t fastest = 0;
  for (size_t f = 1; f < count; ++f)
    if (best[f] < best[fastest]) fastest = f;
  return best[fastest] < 0.97 * best[0] ? fastest : 0;
}

const char* ForcedTile() {
  InitFromEnvOnce();
  return g_forced.load(std::memory_order_acquire);
}

void ForceTile(const char* name) {
  InitFromEnvOnce();
  g_forced.store(name, std::memory_order_release);
  g_forced_by_call.store(true, std::memory_order_relaxed);
}

void ResetTile() {
  InitFromEnvOnce();
  g_forced.store(Env().present ? Env().name : nullptr, std::memory_order_release);
  g_forced_by_call.store(false, std::memory_order_relaxed);
}

const char* DefaultTile() { return ForCpu().tile; }

const char* TileReason() {
  if (ForcedTile() != nullptr)
    return g_forced_by_call.load(std::memory_order_relaxed) ? "forced by SetF32GemmTile" : "forced by MOTE_GEMM_TILE";
  return ForCpu().reason;
}

}  // namespace gemm

Status SetF32GemmTile(const char* name) {
  if (name == nullptr) {
    gemm::ResetTile();
    return Status::Ok();
  }
  if (strcmp(name, "auto") == 0) {
    gemm::ForceTile(nullptr);
    return Status::Ok();
  }
  if (strcmp(name, gemm::kCalibrate) == 0) {
    gemm::ForceTile(gemm::kCalibrate);
    return Status::Ok();
  }
  // The active backend's names are literals: they outlive the request.
  const char* names[16];
  const size_t count = F32GemmTiles(names, 16);
  for (size_t i = 0; i < count && i < 16; ++i)
    if (strcmp(names[i], name) == 0) {
      gemm::ForceTile(names[i]);
      return Status::Ok();
    }
  return Status(StatusCode::kInvalidArgument, "SetF32GemmTile: the active backend has no tile family of that name");
}

const char* F32GemmTileReason() { return gemm::TileReason(); }

}  // namespace kernels
}  // namespace mote
