// `mote info`: version, backends, SIMD targets.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>

#include "mote/kernels.h"
#include "src/cli/cli.h"

#ifndef MOTE_VERSION
#define MOTE_VERSION "unknown"
#endif

namespace mote_cli {

std::string CpuModelName() {
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f == nullptr) return "unknown";
  char line[512];
  std::string name = "unknown";
  while (fgets(line, sizeof(line), f) != nullptr) {
    if (strncmp(line, "model name", 10) == 0) {
      const char* colon = strchr(line, ':');
      if (colon != nullptr) {
        name = colon + 1;
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.erase(0, 1);
        while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
      }
      break;
    }
  }
  fclose(f);
  return name;
}

namespace {

bool Compiled(mote::Backend b) {
  switch (b) {
    case mote::Backend::kScalar: return true;
    case mote::Backend::kHwy:
#if MOTE_HAVE_HWY
      return true;
#else
      return false;
#endif
    case mote::Backend::kXsimd:
#if MOTE_HAVE_XSIMD
      return true;
#else
      return false;
#endif
  }
  return false;
}

#if MOTE_HAVE_HWY
std::string HwyTargetList(int64_t bits) {
  std::string out;
  // Highway orders better targets at lower bits.
  for (; bits != 0; bits &= bits - 1) {
    if (!out.empty()) out += ' ';
    out += HwyName(bits & ~(bits - 1));
  }
  return out.empty() ? "(none)" : out;
}
#endif

}  // namespace

int RunInfo(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: mote info\n");
      return 0;
    }
    fprintf(stderr, "mote info: unknown option '%s'\n", argv[i]);
    return 2;
  }
  printf("mote %s\n", MOTE_VERSION);
  printf("cpu: %s\n", CpuModelName().c_str());
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  printf("cpu features:");
  struct Feature {
    const char* name;
    bool present;
  };
  const Feature features[] = {
      {"sse4.2", __builtin_cpu_supports("sse4.2") != 0}, {"avx", __builtin_cpu_supports("avx") != 0},
      {"avx2", __builtin_cpu_supports("avx2") != 0},     {"fma", __builtin_cpu_supports("fma") != 0},
      {"avx512f", __builtin_cpu_supports("avx512f") != 0},
      {"avx512bw", __builtin_cpu_supports("avx512bw") != 0},
      {"avx512dq", __builtin_cpu_supports("avx512dq") != 0},
      {"avx512vl", __builtin_cpu_supports("avx512vl") != 0},
  };
  for (const Feature& f : features)
    if (f.present) printf(" %s", f.name);
  printf("\n");
#endif

  printf("backends:\n");
  for (int i = 0; i < mote::kBackendCount; ++i) {
    const mote::Backend b = mote::Backend(i);
    const bool compiled = Compiled(b);
    const bool available = mote::BackendAvailable(b);
    printf("  %-7s compiled: %-3s  cpu can run: %-3s  target: %s\n", mote::BackendName(b),
           compiled ? "yes" : "no", available ? "yes" : "no",
           available ? mote::BackendTarget(b) : "-");
  }

#if MOTE_HAVE_HWY
  int64_t targets[64];
  size_t count = mote::HwyAvailableTargets(targets, 64);
  if (count > 64) count = 64;
  printf("highway targets compiled: %s\n", HwyTargetList(HwyCompiledTargets()).c_str());
  printf("highway targets compiled+supported:");
  for (size_t i = 0; i < count; ++i) printf(" %s", HwyName(targets[i]));
  printf("%s\n", count == 0 ? " (none)" : "");
  printf("highway chosen target: %s\n", mote::BackendTarget(mote::Backend::kHwy));
#else
  printf("highway: not built\n");
#endif

#if MOTE_HAVE_XSIMD
  printf("xsimd archs compiled:");
#if MOTE_XSIMD_HAS_AVX512BW
  printf(" avx512bw");
#endif
#if MOTE_XSIMD_HAS_AVX2
  printf(" avx2");
#endif
#if MOTE_XSIMD_HAS_SSE2
  printf(" sse2");
#endif
#if MOTE_XSIMD_HAS_NEON64
  printf(" neon64");
#endif
  printf("\n");
  printf("xsimd chosen arch: %s\n", mote::BackendTarget(mote::Backend::kXsimd));
#else
  printf("xsimd: not built\n");
#endif

#if MOTE_HAVE_OPENBLAS
  printf("openblas: linked (mote bench gemm compares against cblas_sgemm)\n");
#else
  printf("openblas: not linked\n");
#endif

  const char* env = getenv("MOTE_BACKEND");
  const mote::Backend active = mote::ActiveBackend();
  printf("active backend: %s (%s)", mote::BackendName(active), mote::BackendTarget(active));
  if (env != nullptr && *env != '\0') {
    mote::Backend wanted;
    if (!mote::ParseBackend(env, &wanted).ok())
      printf("  [MOTE_BACKEND=%s is not a backend name; using the default]", env);
    else if (wanted != active)
      printf("  [MOTE_BACKEND=%s is unavailable; using the default]", env);
    else
      printf("  [from MOTE_BACKEND]");
  } else {
    printf("  [default; set MOTE_BACKEND=scalar|hwy|xsimd to choose]");
  }
  printf("\n");
  return 0;
}

}  // namespace mote_cli
