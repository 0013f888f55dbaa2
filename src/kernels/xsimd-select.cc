// Picks the best xsimd build the CPU can run (compiled with baseline flags).
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
const KernelTable* ChooseXsimd() {
  const auto cpu = xsimd::available_architectures();
  (void)cpu;
#if MOTE_XSIMD_HAS_AVX512BW
  if (cpu.avx512bw) return xsimd_avx512bw::Table();
#endif
#if MOTE_XSIMD_HAS_AVX2
  if (cpu.fma3_avx2) return xsimd_avx2::Table();
#endif
#if MOTE_XSIMD_HAS_SSE2
  if (cpu.sse2) return xsimd_sse2::Table();
#endif
#if MOTE_XSIMD_HAS_NEON64
  return xsimd_neon64::Table();  // every aarch64 CPU has NEON
#endif
  return nullptr;
}
}  // namespace

const KernelTable* XsimdTable() {
  static const KernelTable* const chosen = ChooseXsimd();
  return chosen;
}

}  // namespace kernels
}  // namespace mote
