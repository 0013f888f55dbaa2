#include "mote/rng.h"

#include "mote/math.h"

namespace mote {

void Rng::Seed(uint64_t seed, uint64_t stream) {
  state_ = 0;
  increment_ = (stream << 1u) | 1u;
  (void)NextU32();
  state_ += seed;
  (void)NextU32();
  has_cached_normal_ = false;
  cached_normal_ = 0.0f;
}

uint32_t Rng::NextU32() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + increment_;
  const uint32_t xorshifted = uint32_t(((old >> 18u) ^ old) >> 27u);
  const uint32_t rot = uint32_t(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

uint32_t Rng::Below(uint32_t bound) {
  if (bound == 0) return 0;
  // Reject the few values that would bias the modulo.
  const uint32_t threshold = (0u - bound) % bound;
  for (;;) {
    const uint32_t r = NextU32();
    if (r >= threshold) return r % bound;
  }
}

float Rng::Uniform() { return float(NextU32() >> 8) * (1.0f / 16777216.0f); }

float Rng::Normal() {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  double u, v, s;
  do {
    u = double(NextU32()) * (2.0 / 4294967296.0) - 1.0;
    v = double(NextU32()) * (2.0 / 4294967296.0) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double scale = SqrtD(-2.0 * LogD(s) / s);
  cached_normal_ = float(v * scale);
  has_cached_normal_ = true;
  return float(u * scale);
}

}  // namespace mote
