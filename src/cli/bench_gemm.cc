// `mote bench gemm`: F32Gemm throughput per backend / Highway target, against
// the single-core FMA peak measured in the same run and (when linked)
// single-threaded OpenBLAS sgemm.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "mote/kernels.h"
#include "src/cli/cli.h"

#if MOTE_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace mote_cli {
namespace {

using mote::Backend;
using mote::kernels::Transpose;

// Results further than this from the scalar reference (max |c - ref| over
// max |ref|) fail the run.
constexpr double kMaxRelError = 1e-4;

struct Shape {
  size_t m, n, k;
};

struct Variant {
  Backend backend;
  int64_t hwy_target;  // 0: whatever the dispatcher picks
  std::string target;  // filled in once activated
  const char* xsimd_arch = nullptr;  // null: the best xsimd build
  // Register-tile family to force (null: the CPU's default) and the one in
  // use once activated; both name the backend's static strings.
  const char* tile = nullptr;
  const char* tile_used = "";
};

struct Result {
  size_t variant;  // index into the variant list
  size_t shape;
  std::string target;
  double gflops = 0.0;
  double median_gflops = 0.0;
  double max_rel_err = 0.0;
  bool ok = true;
  int calls = 0;
};

struct Options {
  std::vector<std::string> backends;
  std::vector<Shape> shapes;
  bool json = false;
  double min_time = 0.3;
  std::vector<std::string> tiles;  // --tile: families to force ("all": every one)
  int rounds = 1;
};

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote bench gemm [--backend scalar|hwy|hwy:TARGET|xsimd|xsimd:ARCH|all] [--shape MxNxK ...]\n"
          "                       [--tile NAME|all ...] [--rounds N] [--json] [--min-time SECONDS]\n"
          "  Times C = A * B (F32Gemm, no transposes) for each backend and shape, against the\n"
          "  single-core FMA peak measured in the same run and single-threaded OpenBLAS sgemm.\n"
          "  --backend   one or more (repeat or comma-separate); 'all' = scalar, every Highway\n"
          "              target, every xsimd build. Default: all.\n"
          "  --shape     MxNxK, one or more. Default: 512x512x512 9800x10x25 2450x40x250\n"
          "              2450x80x1000 50x50x3920 (the seed network's conv/dense GEMMs at batch 50).\n"
          "  --json      end the output with one line holding a JSON object.\n"
          "  --min-time  seconds of timed calls per backend and shape (default 0.3).\n"
          "  --tile      register-tile families of F32Gemm to time, one row each (repeat or\n"
          "              comma-separate); 'all' = every family of each SIMD backend, 'calibrate' =\n"
          "              the one its calibration picks. Default: the one chosen for this CPU (its\n"
          "              name and why are printed).\n"
          "  --rounds    time every backend and tile N times per shape, interleaved, and keep the\n"
          "              best (default 1).\n");
}

bool ParseShape(const char* s, Shape* out) {
  unsigned long long v[3];
  char tail;
  if (sscanf(s, "%llux%llux%llu%c", &v[0], &v[1], &v[2], &tail) != 3) return false;
  if (v[0] == 0 || v[1] == 0 || v[2] == 0 || v[0] > 100000 || v[1] > 100000 || v[2] > 100000) return false;
  if (v[0] * v[1] > (1ull << 28) || v[0] * v[2] > (1ull << 28) || v[2] * v[1] > (1ull << 28)) return false;
  *out = {size_t(v[0]), size_t(v[1]), size_t(v[2])};
  return true;
}

// Splits "a,b,,c" into non-empty pieces.
std::vector<std::string> SplitComma(const char* s) {
  std::vector<std::string> parts;
  std::string cur;
  for (const char* p = s;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
      if (*p == '\0') break;
    } else {
      cur += *p;
    }
  }
  return parts;
}

// Returns 0 on success, else the exit code (message already printed).
int ParseArgs(int argc, char** argv, Options* opt) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      Usage(stdout);
      return -1;
    } else if (strcmp(a, "--json") == 0) {
      opt->json = true;
    } else if (strcmp(a, "--backend") == 0 || strncmp(a, "--backend=", 10) == 0) {
      const char* v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : nullptr);
      if (v == nullptr || *v == '\0') {
        fprintf(stderr, "mote bench gemm: --backend needs a value\n");
        return 2;
      }
      for (const std::string& p : SplitComma(v)) opt->backends.push_back(p);
    } else if (strcmp(a, "--shape") == 0 || strncmp(a, "--shape=", 8) == 0) {
      std::vector<const char*> values;
      if (a[7] == '=') {
        values.push_back(a + 8);
      } else {
        while (i + 1 < argc && argv[i + 1][0] != '-') values.push_back(argv[++i]);
      }
      if (values.empty()) {
        fprintf(stderr, "mote bench gemm: --shape needs at least one MxNxK\n");
        return 2;
      }
      for (const char* v : values) {
        for (const std::string& p : SplitComma(v)) {
          Shape s;
          if (!ParseShape(p.c_str(), &s)) {
            fprintf(stderr, "mote bench gemm: bad shape '%s' (expected MxNxK, e.g. 512x512x512)\n", p.c_str());
            return 2;
          }
          opt->shapes.push_back(s);
        }
      }
    } else if (strcmp(a, "--tile") == 0 || strncmp(a, "--tile=", 7) == 0) {
      const char* v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : nullptr);
      if (v == nullptr || *v == '\0') {
        fprintf(stderr, "mote bench gemm: --tile needs a value\n");
        return 2;
      }
      for (const std::string& p : SplitComma(v)) opt->tiles.push_back(p);
    } else if (strcmp(a, "--rounds") == 0 || strncmp(a, "--rounds=", 9) == 0) {
      const char* v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : nullptr);
      char* end = nullptr;
      const long r = v ? strtol(v, &end, 10) : 0;
      if (v == nullptr || end == v || *end != '\0' || r < 1 || r > 100) {
        fprintf(stderr, "mote bench gemm: --rounds needs a count in [1, 100]\n");
        return 2;
      }
      opt->rounds = int(r);
    } else if (strcmp(a, "--min-time") == 0 || strncmp(a, "--min-time=", 11) == 0) {
      const char* v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : nullptr);
      char* end = nullptr;
      const double t = v ? strtod(v, &end) : 0.0;
      if (v == nullptr || end == v || *end != '\0' || !(t > 0.0) || t > 600.0) {
        fprintf(stderr, "mote bench gemm: --min-time needs seconds in (0, 600]\n");
        return 2;
      }
      opt->min_time = t;
    } else {
      fprintf(stderr, "mote bench gemm: unknown option '%s'\n", a);
      Usage(stderr);
      return 2;
    }
  }
  if (opt->backends.empty()) opt->backends.push_back("all");
  if (opt->shapes.empty())
    opt->shapes = {{512, 512, 512}, {9800, 10, 25}, {2450, 40, 250}, {2450, 80, 1000}, {50, 50, 3920}};
  return 0;
}

// Returns 0 on success, else the exit code.
int ResolveBackends(const std::vector<std::string>& names, std::vector<Variant>* out) {
  for (const std::string& name : names) {
    if (name == "all") {
      out->push_back({Backend::kScalar, 0, ""});
      if (mote::BackendAvailable(Backend::kHwy)) {
        for (int64_t t : HwyTargets()) out->push_back({Backend::kHwy, t, ""});
      } else {
        fprintf(stderr, "note: hwy backend not available in this build/CPU; skipped\n");
      }
      const char* archs[8];
      const size_t arch_count = mote::XsimdAvailableArchs(archs, 8);
      for (size_t i = 0; i < arch_count && i < 8; ++i) out->push_back({Backend::kXsimd, 0, "", archs[i]});
      if (arch_count == 0)
        fprintf(stderr, "note: xsimd backend not available in this build/CPU; skipped\n");
      continue;
    }
    if (name.compare(0, 4, "hwy:") == 0) {
      const std::string want = name.substr(4);
      int64_t found = 0;
      for (int64_t t : HwyTargets())
        if (strcasecmp(HwyName(t), want.c_str()) == 0) found = t;
      if (found == 0) {
        fprintf(stderr, "mote bench gemm: Highway target '%s' is not available; available:", want.c_str());
        for (int64_t t : HwyTargets()) fprintf(stderr, " %s", HwyName(t));
        fprintf(stderr, "\n");
        return 1;
      }
      out->push_back({Backend::kHwy, found, ""});
      continue;
    }
    if (name.compare(0, 6, "xsimd:") == 0) {
      const char* archs[8];
      const size_t arch_count = mote::XsimdAvailableArchs(archs, 8);
      const char* found = nullptr;
      for (size_t i = 0; i < arch_count && i < 8; ++i)
        if (strcasecmp(archs[i], name.c_str() + 6) == 0) found = archs[i];
      if (found == nullptr) {
        fprintf(stderr, "mote bench gemm: xsimd build '%s' is not available; available:", name.c_str() + 6);
        for (size_t i = 0; i < arch_count && i < 8; ++i) fprintf(stderr, " %s", archs[i]);
        fprintf(stderr, "\n");
        return 1;
      }
      out->push_back({Backend::kXsimd, 0, "", found});
      continue;
    }
    Backend b;
    if (!mote::ParseBackend(name.c_str(), &b).ok()) {
      fprintf(stderr, "mote bench gemm: unknown backend '%s' (expected scalar, hwy, hwy:TARGET, xsimd or all)\n",
              name.c_str());
      return 2;
    }
    if (!mote::BackendAvailable(b)) {
      fprintf(stderr, "mote bench gemm: backend '%s' is not built into this binary or not supported by this CPU\n",
              name.c_str());
      return 1;
    }
    out->push_back({b, 0, ""});
  }
  return 0;
}

// Makes `v` the active backend; returns false with a message on failure.
bool Activate(Variant* v) {
  mote::Status s = RestrictHwy(v->backend == Backend::kHwy ? v->hwy_target : 0);
  if (s.ok()) s = mote::SelectXsimdArch(v->backend == Backend::kXsimd ? v->xsimd_arch : nullptr);
  if (s.ok()) s = mote::SetBackend(v->backend);
  if (!s.ok()) {
    fprintf(stderr, "mote bench gemm: cannot select backend %s: %s\n", mote::BackendName(v->backend), s.message());
    return false;
  }
  s = mote::kernels::SetF32GemmTile(v->tile);
  if (!s.ok()) {
    fprintf(stderr, "mote bench gemm: backend %s has no tile family '%s'\n", mote::BackendName(v->backend),
            v->tile);
    return false;
  }
  v->target = mote::BackendTarget(v->backend);
  mote::kernels::F32GemmTiles(&v->tile_used, 1);
  return true;
}

// One variant per requested tile family of each SIMD variant (scalar has
// one loop nest); returns 0 on success, else the exit code.
int ExpandTiles(const std::vector<std::string>& tiles, std::vector<Variant>* variants) {
  if (tiles.empty()) return 0;
  std::vector<Variant> out;
  for (Variant v : *variants) {
    if (v.backend == Backend::kScalar) {
      out.push_back(v);
      continue;
    }
    if (!Activate(&v)) return 1;
    const char* names[16];
    const size_t count = std::min<size_t>(16, mote::kernels::F32GemmTiles(names, 16));
    for (const std::string& want : tiles) {
      if (want == "calibrate") {  // the family this backend's calibration picks
        Variant t = v;
        t.tile = "calibrate";
        out.push_back(t);
        continue;
      }
      bool found = false;
      for (size_t i = 0; i < count; ++i) {
        if (want != "all" && want != names[i]) continue;
        Variant t = v;
        t.tile = names[i];
        out.push_back(t);
        found = true;
      }
      if (!found) {
        fprintf(stderr, "mote bench gemm: %s %s has no tile family '%s'; it has:", mote::BackendName(v.backend),
                v.target.c_str(), want.c_str());
        for (size_t i = 0; i < count; ++i) fprintf(stderr, " %s", names[i]);
        fprintf(stderr, "\n");
        return 1;
      }
    }
  }
  (void)mote::kernels::SetF32GemmTile(nullptr);
  *variants = out;
  return 0;
}

// max |c - ref| / max |ref|; infinity when c has a NaN/inf the reference lacks.
double RelError(const std::vector<float>& c, const std::vector<float>& ref) {
  double max_diff = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    const double d = fabs(double(c[i]) - double(ref[i]));
    if (!(d == d) || isinf(d)) return INFINITY;
    max_diff = std::max(max_diff, d);
    max_ref = std::max(max_ref, fabs(double(ref[i])));
  }
  return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

void Fill(std::vector<float>* v, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (float& x : *v) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    x = static_cast<float>(static_cast<double>(s >> 40) / double(1ull << 24) * 2.0 - 1.0);  // [-1, 1)
  }
}

std::string ShapeName(const Shape& s) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%zux%zux%zu", s.m, s.n, s.k);
  return buf;
}

// JSON number or null.
std::string Num(double v) {
  if (!(v == v) || isinf(v)) return "null";
  char buf[64];
  snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// The register tile each SIMD backend uses unless forced, and why.
void PrintTileChoice(const std::vector<Variant>& variants) {
  std::string defaults;
  for (const Variant& v : variants) {
    Variant d = v;
    d.tile = nullptr;
    if (v.backend == Backend::kScalar || !Activate(&d)) continue;
    const std::string entry = std::string(mote::BackendName(d.backend)) + "/" + d.target + " " + d.tile_used;
    if (defaults.find(entry) == std::string::npos) defaults += (defaults.empty() ? "" : ", ") + entry;
  }
  (void)RestrictHwy(0);
  if (!defaults.empty()) printf("gemm tile: %s  (%s)\n", defaults.c_str(), mote::kernels::F32GemmTileReason());
}

}  // namespace

void PrintBenchGemmUsage(FILE* out) { Usage(out); }

int RunBenchGemm(int argc, char** argv) {
  Options opt;
  const int parse = ParseArgs(argc, argv, &opt);
  if (parse == -1) return 0;
  if (parse != 0) return parse;
  std::vector<Variant> variants;
  if (const int rc = ResolveBackends(opt.backends, &variants)) return rc;
  if (const int rc = ExpandTiles(opt.tiles, &variants)) return rc;

  // ---- machine peak: best single-core FMA rate over every Highway target ----
  std::vector<std::pair<std::string, double>> peaks;
#if MOTE_HAVE_HWY
  // A plain array: GCC 12 warns (-Wfree-nonheap-object, falsely) on HwyTargets()'s vector here.
  int64_t targets[64];
  const size_t target_count = std::min<size_t>(64, mote::HwyAvailableTargets(targets, 64));
  for (size_t i = 0; i < target_count; ++i) {
    if (!RestrictHwy(targets[i]).ok()) continue;
    peaks.emplace_back(FmaPeakTargetName(), MeasureFmaPeakGflops(0.15));
  }
  (void)RestrictHwy(0);
#endif
  if (peaks.empty()) peaks.emplace_back(FmaPeakTargetName(), MeasureFmaPeakGflops(0.15));
  double peak = 0.0;
  std::string peak_target;
  for (const auto& p : peaks) peak = std::max(peak, p.second);
  for (const auto& p : peaks)  // best target within 1% of the peak (ties are noise)
    if (peak_target.empty() && p.second >= 0.99 * peak) peak_target = p.first;

  printf("mote bench gemm  cpu: %s\n", CpuModelName().c_str());
  printf("single-core FMA peak: %.1f GFLOP/s (%s)  [", peak, peak_target.c_str());
  for (size_t i = 0; i < peaks.size(); ++i) printf("%s%s %.1f", i ? ", " : "", peaks[i].first.c_str(), peaks[i].second);
  printf("]\n");
  PrintTileChoice(variants);

#if MOTE_HAVE_OPENBLAS
  openblas_set_num_threads(1);
  const bool have_openblas = true;
#else
  const bool have_openblas = false;
#endif

  std::vector<Result> results;
  std::vector<double> openblas_gflops(opt.shapes.size(), NAN);
  std::vector<double> openblas_err(opt.shapes.size(), NAN);
  bool all_ok = true;

  for (size_t si = 0; si < opt.shapes.size(); ++si) {
    const Shape s = opt.shapes[si];
    const double flops = 2.0 * double(s.m) * double(s.n) * double(s.k);
    std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n), ref(s.m * s.n);
    std::vector<float> workspace(std::max<size_t>(1, mote::kernels::F32GemmWorkspaceFloats(s.m, s.n, s.k)));
    Fill(&a, 1 + si);
    Fill(&b, 1000 + si);
    auto gemm = [&] {
      mote::kernels::F32Gemm(Transpose::kNo, Transpose::kNo, s.m, s.n, s.k, a.data(), s.k, b.data(), s.n,
                             c.data(), s.n, false, workspace.data());
    };
    fprintf(stderr, "shape %s ...\n", ShapeName(s).c_str());

    // Scalar reference (its duration doubles as the scalar warm-up call).
    Variant scalar{Backend::kScalar, 0, ""};
    if (!Activate(&scalar)) return 1;
    std::fill(c.begin(), c.end(), NAN);
    auto t0 = Clock::now();
    gemm();
    const double scalar_first = Seconds(t0);
    ref = c;

    // Rounds interleave every variant (and OpenBLAS), keeping each one's best.
    const size_t first_result = results.size();
    for (int round = 0; round < opt.rounds; ++round) {
      for (size_t vi = 0; vi < variants.size(); ++vi) {
        Variant& v = variants[vi];
        if (!Activate(&v)) return 1;
        if (round == 0) {
          Result r;
          r.variant = vi;
          r.shape = si;
          r.target = v.target;
          results.push_back(r);
        }
        Result& r = results[first_result + vi];
        double first = scalar_first;
        if (v.backend != Backend::kScalar) {
          std::fill(c.begin(), c.end(), NAN);  // catches elements a kernel never writes
          t0 = Clock::now();
          gemm();
          first = Seconds(t0);
          r.max_rel_err = std::max(r.max_rel_err, RelError(c, ref));
          if (!(r.max_rel_err <= kMaxRelError) && r.ok) {
            r.ok = false;
            all_ok = false;
            fprintf(stderr,
                    "ERROR: F32Gemm backend %s target %s tile %s shape %s: max relative error %g vs the scalar "
                    "reference exceeds %g -- WRONG RESULT\n",
                    mote::BackendName(v.backend), v.target.c_str(), v.tile_used, ShapeName(s).c_str(),
                    r.max_rel_err, kMaxRelError);
          }
        }
        // Scalar gets a smaller budget (it is the slow baseline) but >= 1 timed call.
        const bool is_scalar = v.backend == Backend::kScalar;
        const Timing t = TimeCalls(gemm, first, is_scalar ? opt.min_time / 3.0 : opt.min_time, is_scalar ? 1 : 3);
        if (flops / t.best * 1e-9 > r.gflops) {
          r.gflops = flops / t.best * 1e-9;
          r.median_gflops = flops / t.median * 1e-9;
        }
        r.calls += t.calls;
      }
      (void)RestrictHwy(0);
      (void)mote::kernels::SetF32GemmTile(nullptr);

#if MOTE_HAVE_OPENBLAS
      auto sgemm = [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(s.m), int(s.n), int(s.k), 1.0f, a.data(),
                    int(s.k), b.data(), int(s.n), 0.0f, c.data(), int(s.n));
      };
      std::fill(c.begin(), c.end(), NAN);
      t0 = Clock::now();
      sgemm();
      const double blas_first = Seconds(t0);
      openblas_err[si] = RelError(c, ref);
      if (round == 0 && !(openblas_err[si] <= kMaxRelError))
        fprintf(stderr, "warning: OpenBLAS differs from the mote scalar reference on %s by %g\n",
                ShapeName(s).c_str(), openblas_err[si]);
      const Timing t = TimeCalls(sgemm, blas_first, opt.min_time, 3);
      if (!(openblas_gflops[si] >= flops / t.best * 1e-9)) openblas_gflops[si] = flops / t.best * 1e-9;
#endif
    }
  }
  (void)RestrictHwy(0);

  // ---- table, grouped by backend ----
  printf("%-8s %-10s %-11s %-14s %10s %10s %7s %9s %10s %6s\n", "backend", "target", "tile", "shape", "GFLOP/s",
         "median", "%peak", "vs_blas", "max_rel_err", "calls");
  for (size_t vi = 0; vi < variants.size(); ++vi) {
    for (const Result& r : results) {
      if (r.variant != vi) continue;
      const double vs = openblas_gflops[r.shape] > 0.0 ? r.gflops / openblas_gflops[r.shape] : NAN;
      char vs_buf[32];
      if (vs == vs)
        snprintf(vs_buf, sizeof(vs_buf), "%.3f", vs);
      else
        snprintf(vs_buf, sizeof(vs_buf), "-");
      printf("%-8s %-10s %-11s %-14s %10.2f %10.2f %6.1f%% %9s %10.2g%s %6d\n",
             mote::BackendName(variants[vi].backend), r.target.c_str(), variants[vi].tile_used,
             ShapeName(opt.shapes[r.shape]).c_str(), r.gflops, r.median_gflops,
             100.0 * r.gflops / peak, vs_buf, r.max_rel_err, r.ok ? " " : "!", r.calls);
    }
  }
  if (have_openblas) {
    for (size_t si = 0; si < opt.shapes.size(); ++si)
      printf("%-8s %-10s %-11s %-14s %10.2f %10s %6.1f%% %9s %10.2g  \n", "openblas", "1 thread", "",
             ShapeName(opt.shapes[si]).c_str(), openblas_gflops[si], "", 100.0 * openblas_gflops[si] / peak,
             "1.000", openblas_err[si]);
  } else {
    printf("(OpenBLAS not linked: no vs_blas comparison)\n");
  }
  printf("GFLOP/s = 2*M*N*K / best batch time per call; %%peak relative to %.1f GFLOP/s.\n", peak);

  if (!all_ok) {
    fflush(stdout);
    fprintf(stderr, "mote bench gemm: FAILED: some backend produced wrong results (see ERROR lines)\n");
  }
  if (opt.json) {
    fflush(stderr);
    std::string j = "{\"results\":[";
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      const Shape& s = opt.shapes[r.shape];
      const double vs = have_openblas && openblas_gflops[r.shape] > 0.0 ? r.gflops / openblas_gflops[r.shape] : NAN;
      char head[256];
      snprintf(head, sizeof(head), "{\"backend\":\"%s\",\"target\":\"%s\",\"tile\":\"%s\",\"m\":%zu,\"n\":%zu,\"k\":%zu,",
               mote::BackendName(variants[r.variant].backend), r.target.c_str(), variants[r.variant].tile_used,
               s.m, s.n, s.k);
      j += i ? "," : "";
      j += head;
      j += "\"gflops\":" + Num(r.gflops) + ",\"median_gflops\":" + Num(r.median_gflops) +
           ",\"peak_fraction\":" + Num(r.gflops / peak) + ",\"vs_openblas\":" + Num(vs) +
           ",\"max_rel_err\":" + Num(r.max_rel_err) + ",\"ok\":" + (r.ok ? "true" : "false") + "}";
    }
    j += "],\"peak_gflops\":" + Num(peak) + ",\"peak_target\":\"" + peak_target + "\",\"openblas_gflops\":";
    // One entry per shape (null without OpenBLAS).
    j += "[";
    for (size_t si = 0; si < openblas_gflops.size(); ++si) j += (si ? "," : "") + Num(openblas_gflops[si]);
    j += "]";
    j += std::string(",\"ok\":") + (all_ok ? "true" : "false") + "}";
    printf("%s\n", j.c_str());
  }
  return all_ok ? 0 : 1;
}

}  // namespace mote_cli
