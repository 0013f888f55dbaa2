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

}  // namespace mote
