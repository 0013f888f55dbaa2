// mote's own definitions of the libhwy symbols that HWY_DYNAMIC_DISPATCH
// needs, so Highway is used header-only: static binaries and cross builds then
// need no libhwy.so. CPU detection follows Highway's target requirements in a
// simplified form (no SVE_256 / SVE2_128, which 1.0.3 does not compile by default).
#include <stdint.h>

#include <atomic>

#include "hwy/highway.h"
#if HWY_ARCH_ARM_A64 && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace hwy {
namespace {

int64_t DetectTargets() {
  int64_t bits = HWY_SCALAR | HWY_EMU128;
#if HWY_ARCH_X86
  __builtin_cpu_init();
  const bool ssse3 = __builtin_cpu_supports("ssse3");
  const bool sse4 = ssse3 && __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul") &&
                    __builtin_cpu_supports("aes");
  const bool avx2 = sse4 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c");
  const bool avx3 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  if (ssse3) bits |= HWY_SSSE3;
  if (sse4) bits |= HWY_SSE4;
  if (avx2) bits |= HWY_AVX2;
  if (avx3) bits |= HWY_AVX3;
#elif HWY_ARCH_ARM_A64 && defined(__linux__)
  const unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  if (hw & (1ul << 3)) bits |= HWY_NEON;   // HWCAP_AES: Highway's NEON target requires AES
  if (hw & (1ul << 22)) bits |= HWY_SVE;   // HWCAP_SVE
  if (hw2 & (1ul << 1)) bits |= HWY_SVE2;  // HWCAP2_SVE2
#endif
  bits &= HWY_ENABLED(~int64_t{0});
  return bits | HWY_STATIC_TARGET;
}

std::atomic<int64_t> g_disabled{0};
std::atomic<int64_t> g_mock{0};

int64_t Detected() {
  static const int64_t detected = DetectTargets();
  return detected;
}

}  // namespace

HWY_DLLEXPORT int64_t SupportedTargets() {
  const int64_t base = g_mock.load() != 0 ? g_mock.load() : Detected();
  int64_t bits = base & ~g_disabled.load();
  if (bits == 0) bits = HWY_STATIC_TARGET;
  GetChosenTarget().Update(bits);
  return bits;
}

HWY_DLLEXPORT void DisableTargets(int64_t disabled_targets) {
  g_disabled.store(disabled_targets & ~int64_t(HWY_STATIC_TARGET));
  GetChosenTarget().DeInit();
}

HWY_DLLEXPORT void SetSupportedTargetsForTest(int64_t targets) {
  g_mock.store(targets);
  GetChosenTarget().DeInit();
}

HWY_DLLEXPORT ChosenTarget& GetChosenTarget() {
  static ChosenTarget chosen;
  return chosen;
}

}  // namespace hwy

namespace mote {
namespace kernels {
// Every target the CPU supports, ignoring restrictions.
int64_t HwyDetectedTargets() { return hwy::Detected(); }
}  // namespace kernels
}  // namespace mote
