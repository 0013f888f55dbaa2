// Deterministic random numbers: the same seed gives the same sequence on every
// platform and compiler (x86-64, aarch64, Cortex-M). The generator is PCG32
// (O'Neill, "PCG: a family of simple fast space-efficient statistically good
// algorithms", 2014); floats come from integer bits and the normal draw uses
// only IEEE-exact operations (+, -, *, /, sqrt) plus mote's own logarithm, so no
// platform libm is involved.
#pragma once
#include <stdint.h>

namespace mote {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x853c49e6748fea9bULL, uint64_t stream = 0xda3e39cb94b95bdbULL) { Seed(seed, stream); }

  void Seed(uint64_t seed, uint64_t stream = 0xda3e39cb94b95bdbULL);

  // Uniform 32 random bits.
  uint32_t NextU32();
  // Uniform integer in [0, bound) without modulo bias; 0 when bound == 0.
  uint32_t Below(uint32_t bound);
  // Uniform float in [0, 1), 24 random mantissa bits.
  float Uniform();
  // Uniform float in [lo, hi).
  float Uniform(float lo, float hi) { return lo + (hi - lo) * Uniform(); }
  // Standard normal N(0, 1) (Marsaglia polar method; caches the second draw).
  float Normal();
  float Normal(float mean, float stddev) { return mean + stddev * Normal(); }
  // True with probability p.
  bool Bernoulli(float p) { return Uniform() < p; }

  // The whole state, for checkpoints: restoring it continues the same sequence.
  struct State {
    uint64_t state, increment;
    float cached_normal;
    uint32_t has_cached_normal;
  };
  State Save() const { return {state_, increment_, cached_normal_, has_cached_normal_ ? 1u : 0u}; }
  void Restore(const State& s) {
    state_ = s.state;
    increment_ = s.increment | 1u;
    cached_normal_ = s.cached_normal;
    has_cached_normal_ = s.has_cached_normal != 0;
  }

 private:
  uint64_t state_ = 0;
  uint64_t increment_ = 1;
  float cached_normal_ = 0.0f;
  bool has_cached_normal_ = false;
};

}  // namespace mote
