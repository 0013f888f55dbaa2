// fmaf for cores without a floating-point FMA instruction (the soft-float
// Cortex-M0+ and M3 ports): GCC turns __builtin_fmaf into a call to fmaf there,
// and the firmware links no C library. On the FPU ports __builtin_fmaf is one
// VFMA instruction and this function is only linked by the self-test, which
// checks the two against each other.
//
// x * y + z with a single rounding (round to nearest, ties to even):
//  1. xy = x * y in double is exact (24-bit significands, 48-bit product, and
//     double's exponent range holds every product of two floats);
//  2. s = xy + z in double is rounded once; the two-sum error term
//     e = (xy + z) - s is exact (Knuth's TwoSum, no overflow possible here);
//  3. rounding s to float directly could round twice (a double that lands
//     exactly halfway between two floats, whereas the exact sum did not), so
//     s is first made "round to odd": when e != 0 and s's last significand bit
//     is even, s moves one ulp towards the exact sum. A round-to-odd result
//     with >= 2 more bits than the target (53 vs 24, subnormal floats
//     included) rounds to the same float as the exact value (Boldo and
//     Melquiond, "Emulation of FMA and correctly rounded sums: proved
//     algorithms using rounding to odd", IEEE TC 2008).
// Infinities and NaNs pass through step 2 unchanged. Build with
// -ffp-contract=off (ports/cortex-m/meson.build), or the compiler could fuse
// the error term's operations and break it.
#include <stdint.h>

float fmaf(float x, float y, float z) {
  const double xy = (double)x * (double)y;
  const double zd = (double)z;
  const double s = xy + zd;
  union {
    double d;
    uint64_t u;
  } v = {s};
  if (((v.u >> 52) & 0x7ffu) == 0x7ffu) return (float)s;  // inf or NaN
  const double zv = s - xy;                                 // TwoSum
  const double e = (xy - (s - zv)) + (zd - zv);
  // e != 0 implies s != 0 (a sum that rounds to zero is exact), so moving the
  // bit pattern by one steps one ulp in magnitude, across binades too.
  if (e != 0.0 && (v.u & 1u) == 0) {
    if ((e > 0.0) == (s > 0.0)) {
      v.u += 1;
    } else {
      v.u -= 1;
    }
  }
  return (float)v.d;
}
