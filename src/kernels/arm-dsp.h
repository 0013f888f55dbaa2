// The Armv7E-M / Armv8-M DSP instructions the int8 DSP kernels use
// (src/kernels/i8-*/i8-*-dsp.cc), as ACLE intrinsics (arm_acle.h) where the
// core has them and as plain C with the same results elsewhere, so the DSP
// kernels also build natively and are tested there against the scalar
// reference (test/kernels/). Internal linkage: included by kernels.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define MOTE_ARM_DSP_INSTRUCTIONS 1
#else
#define MOTE_ARM_DSP_INSTRUCTIONS 0
#endif

// For the few small functions GCC -Os would call from the inner loops.
#define MOTE_ALWAYS_INLINE inline __attribute__((always_inline))

namespace mote {
namespace kernels {
namespace dsp {
namespace {

// Four bytes from any address (one LDR: Cortex-M allows unaligned LDR).
inline uint32_t Load4(const int8_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

// Two words from a 4-byte aligned address (one LDRD).
inline void Load4x2(const int8_t* p, uint32_t* a, uint32_t* b) {
  const int8_t* q = static_cast<const int8_t*>(__builtin_assume_aligned(p, 4));
  __builtin_memcpy(a, q, 4);
  __builtin_memcpy(b, q + 4, 4);
}

// Four bytes to a 4-byte aligned address (one STR).
inline void Store4(int8_t* p, uint32_t v) {
  __builtin_memcpy(__builtin_assume_aligned(p, 4), &v, 4);
}

#if MOTE_ARM_DSP_INSTRUCTIONS
// SXTB16: bytes 0 and 2 sign-extended into the two halfwords.
inline uint32_t Sxtb16(uint32_t v) { return __sxtb16(v); }
// SXTB16 with ROR #8: bytes 1 and 3 (GCC folds the rotate into SXTB16).
inline uint32_t Sxtb16Odd(uint32_t v) { return __sxtb16((v >> 8) | (v << 24)); }
// SMLAD: acc + lo(a) * lo(b) + hi(a) * hi(b), signed halfwords.
inline int32_t Smlad(uint32_t a, uint32_t b, int32_t acc) { return __smlad(a, b, acc); }
#else
inline uint32_t Sxtb16(uint32_t v) {
  return uint32_t(uint16_t(int16_t(int8_t(v)))) | uint32_t(uint16_t(int16_t(int8_t(v >> 16)))) << 16;
}
inline uint32_t Sxtb16Odd(uint32_t v) { return Sxtb16(v >> 8); }
inline int32_t Smlad(uint32_t a, uint32_t b, int32_t acc) {
  const int32_t lo = int32_t(int16_t(a)) * int16_t(b), hi = int32_t(int16_t(a >> 16)) * int16_t(b >> 16);
  return int32_t(uint32_t(acc) + uint32_t(lo) + uint32_t(hi));  // wraps like SMLAD
}
#endif

#if MOTE_ARM_DSP_INSTRUCTIONS
// USADA8 against 0: acc + the 4 unsigned bytes of v.
inline uint32_t AddBytes(uint32_t v, uint32_t acc) { return __usada8(v, 0, acc); }
#else
inline uint32_t AddBytes(uint32_t v, uint32_t acc) {
  return acc + (v & 0xFF) + ((v >> 8) & 0xFF) + ((v >> 16) & 0xFF) + (v >> 24);
}
#endif

// acc + the dot product of the 4 int8 lanes of x (already split into
// Sxtb16 / Sxtb16Odd halves) and of w.
inline int32_t Dot4(uint32_t x_even, uint32_t x_odd, uint32_t w, int32_t acc) {
  return Smlad(x_odd, Sxtb16Odd(w), Smlad(x_even, Sxtb16(w), acc));
}

// I8RequantizeOne(bias[j] + dot, ...) for the usual shifts >= 32 in a few
// instructions. With P = acc * multiplier and H = P >> 32 (the high word of
// SMULL), (P + 2^(s-1)) >> s is H + (low word >= 2^31) for s = 32, and
// (H + 2^(s-33)) >> (s - 32) above (the low word only adds a fraction < 1
// to the numerator, which cannot cross a multiple of 2^(s-32)). A
// saturating add of the zero point, then the clamp, gives the int8 of the
// 64-bit arithmetic. Shifts below 32 take I8RequantizeOne itself. The
// requantization's fields are copied, so stores of outputs (int8, which may
// alias anything) do not reload them.
struct I8BiasRequantizeDsp {
  explicit I8BiasRequantizeDsp(const I8Requant& rq)
      : bias(rq.bias), multiplier(rq.multiplier), shift(rq.shift), zero_point(rq.out_zero_point),
        lo(rq.out_min), hi(rq.out_max) {}
  const int32_t *bias, *multiplier, *shift;
  int32_t zero_point, lo, hi;

  MOTE_ALWAYS_INLINE int8_t operator()(size_t j, int32_t dot) const {
    const int32_t acc = bias[j] + dot, s = shift[j], m = multiplier[j];
    if (__builtin_expect(s < 32, 0)) return Slow(acc, m, s);
    const int64_t p = int64_t(acc) * m;
    const int32_t high = int32_t(p >> 32);
    int32_t q = s == 32 ? high + int32_t(uint32_t(p) >> 31) : (high + (int32_t(1) << (s - 33))) >> (s - 32);
#if MOTE_ARM_DSP_INSTRUCTIONS
    q = __qadd(q, zero_point);
#else
    const int64_t sum = int64_t(q) + zero_point;
    q = sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : int32_t(sum));
#endif
    q = q < lo ? lo : q;
    return int8_t(q > hi ? hi : q);
  }
  // Outputs of channel j for the sums d0 and d1 (a pair of pixels): the
  // channel's parameters are read and derived once.
  MOTE_ALWAYS_INLINE void Two(size_t j, int32_t d0, int32_t d1, int8_t* out0, int8_t* out1) const {
    const int32_t b = bias[j], s = shift[j], m = multiplier[j];
    if (__builtin_expect(s <= 32, 0)) {
      const int8_t q0 = Slow(b + d0, m, s), q1 = Slow(b + d1, m, s);
      *out0 = q0;
      *out1 = q1;
      return;
    }
    const int32_t t = s - 32, round = int32_t(1) << (t - 1);
    const int8_t q0 = Clamp((int32_t((int64_t(b + d0) * m) >> 32) + round) >> t);
    const int8_t q1 = Clamp((int32_t((int64_t(b + d1) * m) >> 32) + round) >> t);
    *out0 = q0;
    *out1 = q1;
  }
  MOTE_ALWAYS_INLINE int8_t Clamp(int32_t q) const {
#if MOTE_ARM_DSP_INSTRUCTIONS
    q = __qadd(q, zero_point);
#else
    const int64_t sum = int64_t(q) + zero_point;
    q = sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : int32_t(sum));
#endif
    q = q < lo ? lo : q;
    return int8_t(q > hi ? hi : q);
  }
  // Out of line: keeps the inlined fast path small.
  __attribute__((noinline)) int8_t Slow(int32_t acc, int32_t m, int32_t s) const {
    return int8_t(I8RequantizeOne(acc, m, s, zero_point, lo, hi));
  }
};

// The two inner loops of the DSP kernels, over `groups` words of 4 taps,
// advancing the pointers past them. In assembly on the DSP cores (GCC keeps
// neither the 14 registers nor SXTB16's rotate at -Os), in C elsewhere.
//
// A pair of rows against 2 weight rows: x holds the pair interleaved word by
// word (4-byte aligned); s[0] / s[1] row 0 / 1 against w0, s[2] / s[3]
// against w1. Per word: LDRD, 2 LDR, 8 SXTB16, 8 SMLAD (16 multiply-adds).
MOTE_ALWAYS_INLINE void PairTimesTwoRows(const int8_t*& x, const int8_t*& w0, const int8_t*& w1, size_t groups, int32_t* s) {
#if MOTE_ARM_DSP_INSTRUCTIONS
  int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  uint32_t x0, x1, xe0, xe1, wa, wb;
#define MOTE_DSP_PAIR_WORD                       \
  "ldrd   %[x0], %[x1], [%[x]], #8\n\t"           \
  "ldr    %[wa], [%[w0]], #4\n\t"                \
  "sxtb16 %[xe0], %[x0]\n\t"                     \
  "sxtb16 %[x0], %[x0], ror #8\n\t"              \
  "sxtb16 %[xe1], %[x1]\n\t"                     \
  "sxtb16 %[x1], %[x1], ror #8\n\t"              \
  "sxtb16 %[wb], %[wa]\n\t"                      \
  "sxtb16 %[wa], %[wa], ror #8\n\t"              \
  "smlad  %[s0], %[xe0], %[wb], %[s0]\n\t"       \
  "smlad  %[s0], %[x0], %[wa], %[s0]\n\t"        \
  "smlad  %[s1], %[xe1], %[wb], %[s1]\n\t"       \
  "smlad  %[s1], %[x1], %[wa], %[s1]\n\t"        \
  "ldr    %[wa], [%[w1]], #4\n\t"                \
  "sxtb16 %[wb], %[wa]\n\t"                      \
  "sxtb16 %[wa], %[wa], ror #8\n\t"              \
  "smlad  %[s2], %[xe0], %[wb], %[s2]\n\t"       \
  "smlad  %[s2], %[x0], %[wa], %[s2]\n\t"        \
  "smlad  %[s3], %[xe1], %[wb], %[s3]\n\t"       \
  "smlad  %[s3], %[x1], %[wa], %[s3]\n\t"
#define MOTE_DSP_PAIR_OPERANDS                                                                           \
  [x0] "=&r"(x0), [x1] "=&r"(x1), [xe0] "=&r"(xe0), [xe1] "=&r"(xe1), [wa] "=&r"(wa), [wb] "=&r"(wb), \
      [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1)
  size_t twice = groups / 2;
  if (twice > 0)
    __asm__ volatile("1:\n\t" MOTE_DSP_PAIR_WORD MOTE_DSP_PAIR_WORD
                     "subs   %[n], %[n], #1\n\t"
                     "bne    1b\n\t"
                     : MOTE_DSP_PAIR_OPERANDS, [n] "+r"(twice)
                     :
                     : "cc", "memory");
  if (groups & 1) __asm__ volatile(MOTE_DSP_PAIR_WORD : MOTE_DSP_PAIR_OPERANDS : : "memory");
#undef MOTE_DSP_PAIR_WORD
#undef MOTE_DSP_PAIR_OPERANDS
  s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
#else
  for (size_t g = 0; g < groups; ++g, x += 8, w0 += 4, w1 += 4) {
    uint32_t x0, x1;
    Load4x2(x, &x0, &x1);
    const uint32_t x0e = Sxtb16(x0), x0o = Sxtb16Odd(x0), x1e = Sxtb16(x1), x1o = Sxtb16Odd(x1);
    const uint32_t a = Load4(w0), b = Load4(w1);
    s[0] = Smlad(x0o, Sxtb16Odd(a), Smlad(x0e, Sxtb16(a), s[0]));
    s[1] = Smlad(x1o, Sxtb16Odd(a), Smlad(x1e, Sxtb16(a), s[1]));
    s[2] = Smlad(x0o, Sxtb16Odd(b), Smlad(x0e, Sxtb16(b), s[2]));
    s[3] = Smlad(x1o, Sxtb16Odd(b), Smlad(x1e, Sxtb16(b), s[3]));
  }
#endif
}

// One row x (any alignment) against 4 weight rows: s[i] += x . w_i. Per
// word: 5 LDR, 10 SXTB16, 8 SMLAD (16 multiply-adds).
MOTE_ALWAYS_INLINE void RowTimesFourRows(const int8_t*& x, const int8_t* (&w)[4], size_t groups, int32_t* s) {
#if MOTE_ARM_DSP_INSTRUCTIONS
  int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  const int8_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
  uint32_t xe, xo, wa, wb;
#define MOTE_DSP_ROW_TIMES(wn, sn)               \
  "ldr    %[wa], [%[" wn "]], #4\n\t"            \
  "sxtb16 %[wb], %[wa]\n\t"                      \
  "sxtb16 %[wa], %[wa], ror #8\n\t"              \
  "smlad  %[" sn "], %[xe], %[wb], %[" sn "]\n\t" \
  "smlad  %[" sn "], %[xo], %[wa], %[" sn "]\n\t"
#define MOTE_DSP_ROW_WORD                                                                      \
  "ldr    %[xo], [%[x]], #4\n\t"                                                               \
  "sxtb16 %[xe], %[xo]\n\t"                                                                    \
  "sxtb16 %[xo], %[xo], ror #8\n\t" MOTE_DSP_ROW_TIMES("w0", "s0") MOTE_DSP_ROW_TIMES("w1", "s1") \
      MOTE_DSP_ROW_TIMES("w2", "s2") MOTE_DSP_ROW_TIMES("w3", "s3")
#define MOTE_DSP_ROW_OPERANDS                                                                                 \
  [xe] "=&r"(xe), [xo] "=&r"(xo), [wa] "=&r"(wa), [wb] "=&r"(wb), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), \
      [s3] "+r"(s3), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3)
  size_t twice = groups / 2;
  if (twice > 0)
    __asm__ volatile("1:\n\t" MOTE_DSP_ROW_WORD MOTE_DSP_ROW_WORD
                     "subs   %[n], %[n], #1\n\t"
                     "bne    1b\n\t"
                     : MOTE_DSP_ROW_OPERANDS, [n] "+r"(twice)
                     :
                     : "cc", "memory");
  if (groups & 1) __asm__ volatile(MOTE_DSP_ROW_WORD : MOTE_DSP_ROW_OPERANDS : : "memory");
#undef MOTE_DSP_ROW_TIMES
#undef MOTE_DSP_ROW_WORD
#undef MOTE_DSP_ROW_OPERANDS
  s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
  w[0] = w0, w[1] = w1, w[2] = w2, w[3] = w3;
#else
  for (size_t g = 0; g < groups; ++g, x += 4) {
    const uint32_t v = Load4(x);
    const uint32_t xe = Sxtb16(v), xo = Sxtb16Odd(v);
    for (int i = 0; i < 4; ++i) {
      const uint32_t wv = Load4(w[i]);
      s[i] = Smlad(xo, Sxtb16Odd(wv), Smlad(xe, Sxtb16(wv), s[i]));
      w[i] += 4;
    }
  }
#endif
}

}  // namespace
}  // namespace dsp
}  // namespace kernels
}  // namespace mote
