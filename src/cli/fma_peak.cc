// Single-core FMA peak micro-benchmark: kChains independent multiply-add
// chains per iteration keep every FMA pipe busy despite the FMA latency
// (e.g. 2 pipes x 4 cycles needs >= 8 chains). 12 chains plus 2 constants fit
// in the 16 vector registers of SSE/AVX2 (AVX-512 has 32), so nothing spills.
#include <stdio.h>

#include <chrono>
#if !MOTE_HAVE_HWY && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "src/cli/cli.h"

#if MOTE_HAVE_HWY
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/cli/fma_peak.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace mote_cli {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Returns the FLOPs performed; *sink keeps the result alive.
HWY_NOINLINE double FmaChains(uint64_t iters, float* sink) {
  const hn::ScalableTag<float> d;
  const auto m = hn::Set(d, 0.99999f);
  const auto c = hn::Set(d, 1e-3f);
  auto a0 = hn::Set(d, 0.0f), a1 = hn::Set(d, 0.1f), a2 = hn::Set(d, 0.2f), a3 = hn::Set(d, 0.3f);
  auto a4 = hn::Set(d, 0.4f), a5 = hn::Set(d, 0.5f), a6 = hn::Set(d, 0.6f), a7 = hn::Set(d, 0.7f);
  auto a8 = hn::Set(d, 0.8f), a9 = hn::Set(d, 0.9f), a10 = hn::Set(d, 1.0f), a11 = hn::Set(d, 1.1f);
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = hn::MulAdd(a0, m, c);
    a1 = hn::MulAdd(a1, m, c);
    a2 = hn::MulAdd(a2, m, c);
    a3 = hn::MulAdd(a3, m, c);
    a4 = hn::MulAdd(a4, m, c);
    a5 = hn::MulAdd(a5, m, c);
    a6 = hn::MulAdd(a6, m, c);
    a7 = hn::MulAdd(a7, m, c);
    a8 = hn::MulAdd(a8, m, c);
    a9 = hn::MulAdd(a9, m, c);
    a10 = hn::MulAdd(a10, m, c);
    a11 = hn::MulAdd(a11, m, c);
  }
  auto s = hn::Add(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), hn::Add(hn::Add(a4, a5), hn::Add(a6, a7)));
  s = hn::Add(s, hn::Add(hn::Add(a8, a9), hn::Add(a10, a11)));
  *sink = hn::GetLane(hn::SumOfLanes(d, s));
  return static_cast<double>(iters) * 12.0 * static_cast<double>(hn::Lanes(d)) * 2.0;
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace mote_cli
HWY_AFTER_NAMESPACE();
#endif  // MOTE_HAVE_HWY

#if !MOTE_HAVE_HWY || HWY_ONCE
namespace mote_cli {

#if MOTE_HAVE_HWY
HWY_EXPORT(FmaChains);
HWY_EXPORT(TargetName);
static double RunChains(uint64_t iters, float* sink) { return HWY_DYNAMIC_DISPATCH(FmaChains)(iters, sink); }
const char* FmaPeakTargetName() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }
int64_t HwyCompiledTargets() { return HWY_TARGETS; }
#else
// Without Highway: x86 intrinsics in functions compiled for AVX-512 / AVX2+FMA
// (picked by CPUID at run time), else portable scalar multiply-add chains.
#define MOTE_FMA_CHAINS(VEC, SET1, FMA, STORE, LANES)                                    \
  const VEC m = SET1(0.99999f), c = SET1(1e-3f);                                         \
  VEC a[12];                                                                             \
  for (int j = 0; j < 12; ++j) a[j] = SET1(0.1f * static_cast<float>(j));                \
  for (uint64_t i = 0; i < iters; ++i) {                                                 \
    a[0] = FMA(a[0], m, c); a[1] = FMA(a[1], m, c); a[2] = FMA(a[2], m, c);              \
    a[3] = FMA(a[3], m, c); a[4] = FMA(a[4], m, c); a[5] = FMA(a[5], m, c);              \
    a[6] = FMA(a[6], m, c); a[7] = FMA(a[7], m, c); a[8] = FMA(a[8], m, c);              \
    a[9] = FMA(a[9], m, c); a[10] = FMA(a[10], m, c); a[11] = FMA(a[11], m, c);          \
  }                                                                                      \
  float lanes[LANES], s = 0.0f;                                                          \
  for (int j = 0; j < 12; ++j) {                                                         \
    STORE(lanes, a[j]);                                                                  \
    for (int l = 0; l < LANES; ++l) s += lanes[l];                                       \
  }                                                                                      \
  *sink = s;                                                                             \
  return static_cast<double>(iters) * 12.0 * LANES * 2.0;

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f"), noinline)) static double ChainsAvx512(uint64_t iters, float* sink) {
  MOTE_FMA_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16)
}
__attribute__((target("avx2,fma"), noinline)) static double ChainsAvx2(uint64_t iters, float* sink) {
  MOTE_FMA_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps, 8)
}
#endif

__attribute__((noinline)) static double ChainsScalar(uint64_t iters, float* sink) {
  float a[12];
  for (int j = 0; j < 12; ++j) a[j] = 0.1f * static_cast<float>(j);
  for (uint64_t i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j) a[j] = a[j] * 0.99999f + 1e-3f;
  float s = 0.0f;
  for (int j = 0; j < 12; ++j) s += a[j];
  *sink = s;
  return static_cast<double>(iters) * 12.0 * 2.0;
}

static int FallbackLevel() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return 2;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
  return 0;
}

static double RunChains(uint64_t iters, float* sink) {
#if defined(__x86_64__) && defined(__GNUC__)
  switch (FallbackLevel()) {
    case 2: return ChainsAvx512(iters, sink);
    case 1: return ChainsAvx2(iters, sink);
  }
#endif
  return ChainsScalar(iters, sink);
}
const char* FmaPeakTargetName() {
  switch (FallbackLevel()) {
    case 2: return "avx512f";
    case 1: return "avx2+fma";
  }
  return "scalar";
}
int64_t HwyCompiledTargets() { return 0; }
#endif

double MeasureFmaPeakGflops(double seconds) {
  using Clock = std::chrono::steady_clock;
  float sink = 0.0f;
  volatile float keep = 0.0f;
  // Calibrate: grow the iteration count until one run takes >= 1 ms.
  uint64_t iters = 1 << 12;
  double t = 0.0;
  for (;;) {
    const auto t0 = Clock::now();
    RunChains(iters, &sink);
    t = std::chrono::duration<double>(Clock::now() - t0).count();
    keep = keep + sink;
    if (t >= 0.001 || iters >= (uint64_t{1} << 40)) break;
    iters *= 4;
  }
  // Best of many short runs (~2 ms, shorter than a scheduler time slice, so
  // some run uninterrupted even on a busy machine) within the time budget.
  const double per_run = seconds / 8.0 < 0.002 ? seconds / 8.0 : 0.002;
  if (t < per_run) iters = static_cast<uint64_t>(static_cast<double>(iters) * per_run / t) + 1;
  double best = 0.0, total = 0.0;
  int runs = 0;
  while (runs < 3 || total < seconds) {
    const auto t0 = Clock::now();
    const double flops = RunChains(iters, &sink);
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    keep = keep + sink;
    total += dt;
    ++runs;
    if (dt > 0.0 && flops / dt > best) best = flops / dt;
    if (runs >= 10000) break;
  }
  return best * 1e-9;
}

}  // namespace mote_cli
#endif  // !MOTE_HAVE_HWY || HWY_ONCE
