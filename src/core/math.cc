// Cody-Waite range reduction + minimax polynomials (coefficients from Cephes,
// S. Moshier). Only +, -, *, / and bit operations are used; the core is built
// with -ffp-contract=off so no FMA changes the rounding between targets.
#include "mote/math.h"

namespace mote {
namespace {

inline uint32_t FloatBits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}
inline float BitsFloat(uint32_t u) {
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
inline uint64_t DoubleBits(double d) {
  uint64_t u;
  __builtin_memcpy(&u, &d, 8);
  return u;
}
inline double BitsDouble(uint64_t u) {
  double d;
  __builtin_memcpy(&d, &u, 8);
  return d;
}
// 2^e for -126 <= e <= 127.
inline float Pow2(int e) { return BitsFloat(uint32_t(e + 127) << 23); }
// floor(v) for |v| < 2^30 without libm (Cortex-M4 has no round instruction).
inline int FloorToInt(float v) {
  const int t = int(v);
  return (float(t) > v) ? t - 1 : t;
}

}  // namespace

float ExpF(float x) {
  if (x != x) return x;
  if (x > 88.72283935546875f) return BitsFloat(0x7f800000u);
  if (x < -87.33654022216797f) return 0.0f;
  const int n = FloorToInt(x * 1.44269504088896341f + 0.5f);
  const float nf = float(n);
  // ln 2 split in a part exact in float and a remainder.
  float r = x - nf * 0.693359375f;
  r = r + nf * 2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r2 + r + 1.0f;
  // Two steps keep each power of two representable (n reaches 128).
  const int half = n / 2;
  y = y * Pow2(n - half);
  return y * Pow2(half);
}

float LogF(float x) {
  if (x != x) return x;
  if (x < 0.0f) return BitsFloat(0x7fc00000u);
  if (x == 0.0f) return BitsFloat(0xff800000u);
  if (x == BitsFloat(0x7f800000u)) return x;
  uint32_t bits = FloatBits(x);
  int e = 0;
  if (bits < 0x00800000u) {  // subnormal: scale into the normal range
    x = x * 16777216.0f;
    bits = FloatBits(x);
    e = -24;
  }
  e += int(bits >> 23) - 126;
  float m = BitsFloat((bits & 0x007fffffu) | 0x3f000000u);  // m in [0.5, 1)
  if (m < 0.707106781186547524f) {
    e -= 1;
    m = m + m - 1.0f;
  } else {
    m = m - 1.0f;
  }
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  const float ef = float(e);
  y = y + ef * -2.12194440e-4f;
  y = y - 0.5f * z;
  return (m + y) + ef * 0.693359375f;
}

double LogD(double x) {
  if (x != x) return x;
  if (x < 0.0) return BitsDouble(0x7ff8000000000000ull);
  if (x == 0.0) return BitsDouble(0xfff0000000000000ull);
  if (x == BitsDouble(0x7ff0000000000000ull)) return x;
  uint64_t bits = DoubleBits(x);
  int e = 0;
  if (bits < 0x0010000000000000ull) {
    x = x * 18014398509481984.0;  // 2^54
    bits = DoubleBits(x);
    e = -54;
  }
  e += int(bits >> 52) - 1023;
  double m = BitsDouble((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  if (m > 1.41421356237309505) {
    m *= 0.5;
    e += 1;
  }
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: 12 odd terms reach 1e-17.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double sum = 0.0;
  for (int k = 23; k >= 3; k -= 2) sum = (sum + 1.0 / k) * s2;
  const double log_m = 2.0 * s * (1.0 + sum);
  return log_m + double(e) * 0.69314718055994530942;
}

// 32-bit Arm without a double-precision FPU (e.g. FPv4-SP) has no double
// sqrt instruction, and GCC would call libm for __builtin_sqrt.
#if defined(__arm__) && !(defined(__ARM_FP) && (__ARM_FP & 8))
#define MOTE_SOFT_SQRT_D 1
#else
#define MOTE_SOFT_SQRT_D 0
#endif

namespace detail {
// Bit-by-bit restoring square root, rounded to nearest even, so results match
// hardware sqrt bit for bit (the RNG's normal draws depend on it).
double SoftSqrtD(double x) {
  uint64_t u;
  __builtin_memcpy(&u, &x, sizeof u);
  const int biased = int((u >> 52) & 0x7ff);
  if (biased == 0x7ff || (u << 1) == 0) return x;  // NaN, +-inf, +-0 (sqrt(-inf) below)
  if (u >> 63) return (x - x) / (x - x);          // negative: NaN
  uint64_t m = u & ((1ull << 52) - 1);
  int e;  // x = m * 2^e with m in [2^52, 2^53)
  if (biased == 0) {
    e = 1 - 1075;
    while (!(m & (1ull << 52))) m <<= 1, --e;  // subnormal: normalise
  } else {
    m |= 1ull << 52;
    e = biased - 1075;
  }
  if (e & 1) m <<= 1, --e;  // even exponent; m in [2^52, 2^54)
  // q = floor(sqrt(m * 2^54)), 54 bits (53 + a guard bit); r = the remainder.
  uint64_t q = 0, r = 0;
  for (int i = 53; i >= 0; --i) {
    const int shift = 2 * i - 54;
    r = (r << 2) | (shift >= 0 ? (m >> shift) & 3u : 0u);
    const uint64_t t = (q << 2) | 1u;
    q <<= 1;
    if (r >= t) {
      r -= t;
      q |= 1u;
    }
  }
  const uint64_t guard = q & 1u;
  q >>= 1;                                       // 53 bits: [2^52, 2^53)
  if (guard && (r != 0 || (q & 1u))) q += 1;     // nearest, ties to even
  // sqrt(x) = q * 2^((e - 52) / 2); adding q (with its implicit bit) to the
  // exponent field carries into it when rounding reached 2^53.
  const int64_t result_biased = (e - 52) / 2 + 52 + 1023;
  const uint64_t bits = (uint64_t(result_biased - 1) << 52) + q;
  double y;
  __builtin_memcpy(&y, &bits, sizeof y);
  return y;
}
}  // namespace detail

#if MOTE_SOFT_SQRT_D
double SqrtD(double x) { return detail::SoftSqrtD(x); }
#else
double SqrtD(double x) { return __builtin_sqrt(x); }
#endif

float TanhF(float x) {
  const float ax = x < 0.0f ? -x : x;
  if (ax < 0.625f) {
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    return p * z * x + x;
  }
  if (ax > 9.0f) return x < 0.0f ? -1.0f : 1.0f;
  const float t = 1.0f - 2.0f / (ExpF(ax + ax) + 1.0f);
  return x < 0.0f ? -t : t;
}

float SigmoidF(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + ExpF(-x));
  const float e = ExpF(x);
  return e / (1.0f + e);
}

bool AllFinite(const float* x, size_t n) {
  uint32_t non_finite = 0;  // exponent bits all ones: infinity or NaN
  for (size_t i = 0; i < n; ++i) non_finite |= uint32_t((FloatBits(x[i]) & 0x7F800000u) == 0x7F800000u);
  return non_finite == 0;
}

}  // namespace mote
