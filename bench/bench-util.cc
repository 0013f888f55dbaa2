#include "bench/bench-util.h"

namespace mote_bench {

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
    v.push_back({mote::Backend::kScalar, 0, "scalar"});
#if MOTE_HAVE_HWY  // mote::Hwy* are defined only in builds with Highway
    if (mote::BackendAvailable(mote::Backend::kHwy)) {
      int64_t targets[64];
      size_t n = mote::HwyAvailableTargets(targets, 64);
      if (n > 64) n = 64;
      for (size_t i = 0; i < n; ++i)
        v.push_back({mote::Backend::kHwy, targets[i], std::string("hwy:") + mote::HwyTargetName(targets[i])});
    }
#endif
    if (mote::BackendAvailable(mote::Backend::kXsimd))
      v.push_back({mote::Backend::kXsimd, 0, std::string("xsimd:") + mote::BackendTarget(mote::Backend::kXsimd)});
    return v;
  }();
  return variants;
}

mote::Status RestrictHwy(int64_t targets) {
#if MOTE_HAVE_HWY
  return mote::RestrictHwyTargets(targets);
#else
  return targets == 0 ? mote::Status::Ok() : mote::Unsupported("hwy: not built");
#endif
}

bool Activate(const Variant& v, benchmark::State& state) {
  mote::Status s = RestrictHwy(v.backend == mote::Backend::kHwy ? v.hwy_target : 0);
  if (s.ok()) s = mote::SetBackend(v.backend);
  if (!s.ok()) {
    state.SkipWithError(s.message());
    return false;
  }
  return true;
}

std::vector<float> RandomVector(size_t n, uint64_t seed, float lo, float hi) {
  std::vector<float> v(n);
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  for (float& x : v) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const float u = static_cast<float>(s >> 40) * (1.0f / 16777216.0f);  // [0, 1)
    x = lo + (hi - lo) * u;
  }
  return v;
}

}  // namespace mote_bench
