// Picks the best xsimd build the CPU can run (compiled with baseline flags).
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {

#define MOTE_XSIMD_DECLARE_TABLE(ns) \
  namespace ns {                     \
  const KernelTable* Table();        \
  }
#if MOTE_XSIMD_HAS_AVX512BW
MOTE_XSIMD_DECLARE_TABLE(xsimd_avx512bw)
#endif
#if MOTE_XSIMD_HAS_AVX2
MOTE_XSIMD_DECLARE_TABLE(xsimd_avx2)
#endif
#if MOTE_XSIMD_HAS_SSE2
MOTE_XSIMD_DECLARE_TABLE(xsimd_sse2)
#endif
#if MOTE_XSIMD_HAS_NEON64
MOTE_XSIMD_DECLARE_TABLE(xsimd_neon64)
#endif

namespace {

struct XsimdBuild {
  const char* name;
  const KernelTable* (*table)();
  bool runs_here;
};

// Every build compiled in, best first, with whether this CPU can run it.
size_t XsimdBuilds(XsimdBuild* out) {
  const auto cpu = xsimd::available_architectures();
  (void)cpu;
  size_t count = 0;
#if MOTE_XSIMD_HAS_AVX512BW
  out[count++] = {"avx512bw", &xsimd_avx512bw::Table, cpu.avx512bw != 0};
#endif
#if MOTE_XSIMD_HAS_AVX2
  out[count++] = {"avx2", &xsimd_avx2::Table, cpu.fma3_avx2 != 0};
#endif
#if MOTE_XSIMD_HAS_SSE2
  out[count++] = {"sse2", &xsimd_sse2::Table, cpu.sse2 != 0};
#endif
#if MOTE_XSIMD_HAS_NEON64
  out[count++] = {"neon64", &xsimd_neon64::Table, true};  // every aarch64 CPU has NEON
#endif
  return count;
}
constexpr size_t kMaxBuilds = 4;

const KernelTable* BestXsimd() {
  XsimdBuild builds[kMaxBuilds];
  const size_t count = XsimdBuilds(builds);
  for (size_t i = 0; i < count; ++i)
    if (builds[i].runs_here) return builds[i].table();
  return nullptr;
}

const KernelTable* g_selected = nullptr;  // null: the best build

}  // namespace

const KernelTable* XsimdTable() {
  static const KernelTable* const best = BestXsimd();
  return g_selected != nullptr ? g_selected : best;
}

}  // namespace kernels

size_t XsimdAvailableArchs(const char** names, size_t capacity) {
  kernels::XsimdBuild builds[kernels::kMaxBuilds];
  const size_t count = kernels::XsimdBuilds(builds);
  size_t available = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!builds[i].runs_here) continue;
    if (available < capacity) names[available] = builds[i].name;
    ++available;
  }
  return available;
}

Status SelectXsimdArch(const char* name) {
  const kernels::KernelTable* chosen = nullptr;
  if (name != nullptr) {
    kernels::XsimdBuild builds[kernels::kMaxBuilds];
    const size_t count = kernels::XsimdBuilds(builds);
    for (size_t i = 0; i < count && chosen == nullptr; ++i)
      if (builds[i].runs_here && std::strcmp(builds[i].name, name) == 0) chosen = builds[i].table();
    if (chosen == nullptr) return Unsupported("xsimd: no such build for this CPU");
  }
  kernels::g_selected = chosen;
  // The active table is cached: refresh it when xsimd is the active backend.
  if (ActiveBackend() == Backend::kXsimd) return SetBackend(Backend::kXsimd);
  return Status::Ok();
}

}  // namespace mote
