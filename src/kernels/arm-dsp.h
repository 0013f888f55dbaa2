// The Armv7E-M / Armv8-M DSP instructions the int8 DSP kernels use
// (src/kernels/i8-*/i8-*-dsp.cc), as ACLE intrinsics (arm_acle.h) where the
// core has them and as plain C with the same results elsewhere, so the DSP
// kernels also build natively and are tested there against the scalar
// reference (test/kernels/), and their inner loops. Internal linkage,
// except the requantization both kernels share (dsp::StoreChannels, defined
// in i8-conv-rows-dsp.cc; its assembly is tested on the boards, by
// ports/cortex-m/kernel_selftest.cc).
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

// GCC: a function's loops as written (no loop optimizer passes: induction
// variables, unswitching, ...). For loops that run a few times per call or
// copy a few bytes, where those passes add code (and here instructions too:
// M4 matrix). Clang has no per-function form.
#if defined(__GNUC__) && !defined(__clang__)
#define MOTE_LOOPS_AS_WRITTEN __attribute__((optimize("no-tree-loop-optimize")))
#else
#define MOTE_LOOPS_AS_WRITTEN
#endif

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

// The two inner loops of the DSP kernels, over `groups` (> 0) words of 4
// taps. In assembly on the DSP cores (GCC keeps neither the 14 registers nor
// SXTB16's rotate at -Os), in C elsewhere. Out of line: one copy each, and
// the callers' loops keep their registers.
#define MOTE_DSP_LOOP(BODY)                    \
  "1:\n\t" BODY                                \
  "subs   %[n], %[n], #1\n\t"                  \
  "bne    1b\n\t"

// The conv rows' hot loop, its body four times (one loop branch per 4
// words), entered by groups % 4 (in %[wa]).
#define MOTE_DSP_FOUR_TIMES_LOOP(BODY)         \
  "adds   %[n], %[n], #3\n\t"                  \
  "lsrs   %[n], %[n], #2\n\t"                  \
  "cmp    %[wa], #1\n\t"                       \
  "beq    4f\n\t"                              \
  "cmp    %[wa], #2\n\t"                       \
  "beq    3f\n\t"                              \
  "cmp    %[wa], #3\n\t"                       \
  "beq    2f\n\t"                              \
  "1:\n\t" BODY "2:\n\t" BODY "3:\n\t" BODY "4:\n\t" BODY \
  "subs   %[n], %[n], #1\n\t"                  \
  "bne    1b\n\t"

// A pair of rows against 2 weight rows: x holds the pair interleaved word by
// word (4-byte aligned); s[0] / s[1] = row 0 / 1 . w0, s[2] / s[3] the same
// against w1. Per word: LDRD, 2 LDR, 8 SXTB16, 8 SMLAD (16 multiply-adds).
// The taps past the last whole word (k % 4) go one by one: a weight word
// there could reach past the weights.
// Each inner loop has one user file ([[maybe_unused]]: the other includes it too).
[[maybe_unused]] __attribute__((noinline)) void PairTimesTwoRows(const int8_t* x, const int8_t* w0, const int8_t* w1,
                                                                 size_t k, int32_t* s) {
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t groups = k / 4;
#if MOTE_ARM_DSP_INSTRUCTIONS
  if (groups != 0) {
  uint32_t x0, x1, xe0, xe1, wa = groups % 4, wb;
  __asm__ volatile(MOTE_DSP_FOUR_TIMES_LOOP(
                       "ldrd   %[x0], %[x1], [%[x]], #8\n\t"
                       "ldr    %[wa], [%[w0]], #4\n\t"
                       "sxtb16 %[xe0], %[x0]\n\t"
                       "sxtb16 %[x0], %[x0], ror #8\n\t"
                       "sxtb16 %[xe1], %[x1]\n\t"
                       "sxtb16 %[x1], %[x1], ror #8\n\t"
                       "sxtb16 %[wb], %[wa]\n\t"
                       "sxtb16 %[wa], %[wa], ror #8\n\t"
                       "smlad  %[s0], %[xe0], %[wb], %[s0]\n\t"
                       "smlad  %[s0], %[x0], %[wa], %[s0]\n\t"
                       "smlad  %[s1], %[xe1], %[wb], %[s1]\n\t"
                       "smlad  %[s1], %[x1], %[wa], %[s1]\n\t"
                       "ldr    %[wa], [%[w1]], #4\n\t"
                       "sxtb16 %[wb], %[wa]\n\t"
                       "sxtb16 %[wa], %[wa], ror #8\n\t"
                       "smlad  %[s2], %[xe0], %[wb], %[s2]\n\t"
                       "smlad  %[s2], %[x0], %[wa], %[s2]\n\t"
                       "smlad  %[s3], %[xe1], %[wb], %[s3]\n\t"
                       "smlad  %[s3], %[x1], %[wa], %[s3]\n\t")
                   : [x0] "=&r"(x0), [x1] "=&r"(x1), [xe0] "=&r"(xe0), [xe1] "=&r"(xe1), [wa] "+&r"(wa),
                     [wb] "=&r"(wb), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x] "+r"(x),
                     [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(groups)
                   :
                   : "cc", "memory");
  }
#else
  for (size_t g = 0; g < groups; ++g, x += 8, w0 += 4, w1 += 4) {
    uint32_t x0, x1;
    Load4x2(x, &x0, &x1);
    const uint32_t x0e = Sxtb16(x0), x0o = Sxtb16Odd(x0), x1e = Sxtb16(x1), x1o = Sxtb16Odd(x1);
    const uint32_t a = Load4(w0), b = Load4(w1);
    s0 = Smlad(x0o, Sxtb16Odd(a), Smlad(x0e, Sxtb16(a), s0));
    s1 = Smlad(x1o, Sxtb16Odd(a), Smlad(x1e, Sxtb16(a), s1));
    s2 = Smlad(x0o, Sxtb16Odd(b), Smlad(x0e, Sxtb16(b), s2));
    s3 = Smlad(x1o, Sxtb16Odd(b), Smlad(x1e, Sxtb16(b), s3));
  }
#endif
  for (size_t t = 0; t < k % 4; ++t) {
    const int32_t x0 = x[t], x1 = x[4 + t], a = w0[t], b = w1[t];
    s0 += x0 * a;
    s1 += x1 * a;
    s2 += x0 * b;
    s3 += x1 * b;
  }
  s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
}

// One row x (any alignment) of k taps against 4 weight rows: s[2i] and
// s[2i + 1] = x . w[i] (each sum twice: the pair layout of StoreChannels).
// Per word: 5 LDR, 10 SXTB16, 8 SMLAD (16 multiply-adds); the taps past the
// last whole word one by one.
[[maybe_unused]] __attribute__((noinline)) void RowTimesFourRows(const int8_t* x, const int8_t* const* w, size_t k, int32_t* s) {
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const int8_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
  size_t groups = k / 4;
#if MOTE_ARM_DSP_INSTRUCTIONS
  if (groups != 0) {
    uint32_t xe, xo, wa, wb;
#define MOTE_DSP_ROW_TIMES(wn, sn)               \
  "ldr    %[wa], [%[" wn "]], #4\n\t"            \
  "sxtb16 %[wb], %[wa]\n\t"                      \
  "sxtb16 %[wa], %[wa], ror #8\n\t"              \
  "smlad  %[" sn "], %[xe], %[wb], %[" sn "]\n\t" \
  "smlad  %[" sn "], %[xo], %[wa], %[" sn "]\n\t"
    __asm__ volatile(MOTE_DSP_LOOP("ldr    %[xo], [%[x]], #4\n\t"
                                         "sxtb16 %[xe], %[xo]\n\t"
                                         "sxtb16 %[xo], %[xo], ror #8\n\t" MOTE_DSP_ROW_TIMES("w0", "s0")
                                             MOTE_DSP_ROW_TIMES("w1", "s1") MOTE_DSP_ROW_TIMES("w2", "s2")
                                                 MOTE_DSP_ROW_TIMES("w3", "s3"))
                     : [xe] "=&r"(xe), [xo] "=&r"(xo), [wa] "=&r"(wa), [wb] "=&r"(wb), [s0] "+r"(s0), [s1] "+r"(s1),
                       [s2] "+r"(s2), [s3] "+r"(s3), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2),
                       [w3] "+r"(w3), [n] "+r"(groups)
                     :
                     : "cc", "memory");
#undef MOTE_DSP_ROW_TIMES
  }
#else
  for (size_t g = 0; g < groups; ++g, x += 4, w0 += 4, w1 += 4, w2 += 4, w3 += 4) {
    const uint32_t v = Load4(x);
    const uint32_t xe = Sxtb16(v), xo = Sxtb16Odd(v);
    const uint32_t a = Load4(w0), b = Load4(w1), c = Load4(w2), d = Load4(w3);
    s0 = Smlad(xo, Sxtb16Odd(a), Smlad(xe, Sxtb16(a), s0));
    s1 = Smlad(xo, Sxtb16Odd(b), Smlad(xe, Sxtb16(b), s1));
    s2 = Smlad(xo, Sxtb16Odd(c), Smlad(xe, Sxtb16(c), s2));
    s3 = Smlad(xo, Sxtb16Odd(d), Smlad(xe, Sxtb16(d), s3));
  }
#endif
  for (size_t t = 0; t < k % 4; ++t) {
    const int32_t v = x[t];
    s0 += v * w0[t];
    s1 += v * w1[t];
    s2 += v * w2[t];
    s3 += v * w3[t];
  }
  s[0] = s[1] = s0;
  s[2] = s[3] = s1;
  s[4] = s[5] = s2;
  s[6] = s[7] = s3;
}
#undef MOTE_DSP_LOOP
#undef MOTE_DSP_FOUR_TIMES_LOOP

}  // namespace

// The requantization parameters of the DSP kernels (dsp::StoreChannels
// does the arithmetic). The fields are copied, so stores of outputs (int8,
// which may alias anything) do not reload them.
struct I8BiasRequantizeDsp {
  // Out of line: one copy for both kernels.
  __attribute__((noinline)) explicit I8BiasRequantizeDsp(const I8Requant& rq)
      : bias(rq.bias), multiplier(rq.multiplier), shift(rq.shift), zero_point(rq.out_zero_point),
        lo(rq.out_min), hi(rq.out_max), zero_points(Twice(zero_point)), lows(Twice(lo)), highs(Twice(hi)),
        packed(lo >= -128 && lo <= 127 && hi >= -128 && hi <= 127 && zero_point >= -32640 && zero_point <= 32640) {}
  const int32_t *bias, *multiplier, *shift;
  int32_t zero_point, lo, hi;
  // The assembly of StoreChannels requantizes two outputs at once as 16-bit
  // halves: each value saturated to 16 bits, QADD16 of the zero point, then
  // the clamp (SSUB16 + SEL). With int8 bounds and |zero point| <= 32640
  // that is the clamp of the exact sum (`packed`): a value saturated at
  // +-2^15 plus the zero point stays past the bound it is clamped to.
  uint32_t zero_points, lows, highs;  // lows, highs adjacent: one LDRD
  bool packed;
  static uint32_t Twice(int32_t v) { return uint32_t(uint16_t(v)) * 0x10001u; }

  // I8RequantizeOne out of line: what the assembly leaves (shifts below 32,
  // bounds wider than int8) and the plain-C builds.
  __attribute__((noinline)) int32_t One(int32_t acc, int32_t m, int32_t s) const {
    return I8RequantizeOne(acc, m, s, zero_point, lo, hi);
  }
};


// Requantizes the sums of `count` channels of a pair (s: per channel, pixel
// 0 then pixel 1): channel j0 + q of pixel 0 at c[q], of pixel 1 at
// c[ldc + q] (ldc 0: one pixel, its sum given twice). Shared by the DSP
// kernels (i8-conv-rows-dsp.cc).
void StoreChannels(const I8BiasRequantizeDsp& finish, size_t j0, const int32_t* s, size_t count, int8_t* c,
                   size_t ldc);

}  // namespace dsp
}  // namespace kernels
}  // namespace mote
