// mote's own definitions of the libhwy symbols that HWY_DYNAMIC_DISPATCH
// needs, so Highway is used header-only: static binaries and cross builds then
// need no libhwy.so. CPU detection follows Highway's target requirements in a
// simplified form (no SVE_256 / SVE2_128, which 1.0.3 does not compile by default).
#include <stdarg.h>
#include <stdint.h>

#include <cstdio>
#include <cstdlib>

#include <atomic>

#include "hwy/highway.h"
#if HWY_ARCH_ARM_A64 && defined(__linux__)
#include <sys/auxv.h>
#endif
#if HWY_ARCH_X86
#include <cpuid.h>
#endif

namespace hwy {
namespace {

#if HWY_ARCH_X86
// From CPUID and XGETBV directly (GCC and Clang alike; Clang 14 has no
// __builtin_cpu_supports("f16c")): the instruction sets, and whether the OS
// saves the AVX / AVX-512 registers, without which those sets fault.
struct X86Features {
  bool ssse3, sse42, pclmul, aes, fma, f16c, avx2, bmi2;
  bool avx512f, avx512dq, avx512bw, avx512vl;
  // Highway 1.0.3's AVX3_DL target compiles with these (set_macros-inl.h),
  // avxvnni included; mote's int8 kernels add avx512vnni (dense-rows-hwy-inl.h).
  bool vpclmulqdq, vbmi, vbmi2, vaes, vnni, bitalg, vpopcntdq, avxvnni;
  bool avx_state, avx512_state;
};

X86Features ReadX86Features() {
  X86Features f{};
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return f;
  auto bit = [](unsigned reg, int i) { return ((reg >> i) & 1u) != 0; };
  f.ssse3 = bit(c, 9);
  f.fma = bit(c, 12);
  f.sse42 = bit(c, 20);
  f.pclmul = bit(c, 1);
  f.aes = bit(c, 25);
  f.f16c = bit(c, 29);
  if (bit(c, 27) && bit(c, 28)) {  // OSXSAVE and AVX: XGETBV tells what the OS saves
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    f.avx_state = (xcr0_lo & 0x6u) == 0x6u;             // XMM and YMM
    f.avx512_state = f.avx_state && (xcr0_lo & 0xE0u) == 0xE0u;  // opmask, ZMM_Hi256, Hi16_ZMM
  }
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) != 0) {
    f.avx2 = bit(b, 5);
    f.bmi2 = bit(b, 8);
    f.avx512f = bit(b, 16);
    f.avx512dq = bit(b, 17);
    f.avx512bw = bit(b, 30);
    f.avx512vl = bit(b, 31);
    f.vbmi = bit(c, 1);
    f.vbmi2 = bit(c, 6);
    f.vaes = bit(c, 9);
    f.vpclmulqdq = bit(c, 10);
    f.vnni = bit(c, 11);
    f.bitalg = bit(c, 12);
    f.vpopcntdq = bit(c, 14);
  }
  if (__get_cpuid_count(7, 1, &a, &b, &c, &d) != 0) f.avxvnni = bit(a, 4);
  return f;
}
#endif

int64_t DetectTargets() {
  int64_t bits = HWY_SCALAR | HWY_EMU128;
#if HWY_ARCH_X86
  const X86Features f = ReadX86Features();
  const bool ssse3 = f.ssse3;
  const bool sse4 = ssse3 && f.sse42 && f.pclmul && f.aes;
  const bool avx2 = sse4 && f.avx_state && f.avx2 && f.fma && f.bmi2 && f.f16c;
  const bool avx3 = avx2 && f.avx512_state && f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl;
  if (ssse3) bits |= HWY_SSSE3;
  if (sse4) bits |= HWY_SSE4;
  if (avx2) bits |= HWY_AVX2;
  const bool avx3_dl = avx3 && f.vpclmulqdq && f.vbmi && f.vbmi2 && f.vaes && f.vnni && f.bitalg &&
                       f.vpopcntdq && f.avxvnni;
  if (avx3) bits |= HWY_AVX3;
  if (avx3_dl) bits |= HWY_AVX3_DL;
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

// Highway's debug checks (HWY_DASSERT: on in sanitizer and -O0 builds) call
// this; a failed check is a bug in a kernel, so report where and stop.
HWY_DLLEXPORT HWY_NORETURN void Abort(const char* file, int line, const char* format, ...) {
  std::fprintf(stderr, "Highway check failed at %s:%d: ", file, line);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace hwy

namespace mote {
namespace kernels {
// Every target the CPU supports, ignoring restrictions.
int64_t HwyDetectedTargets() { return hwy::Detected(); }
}  // namespace kernels
}  // namespace mote
