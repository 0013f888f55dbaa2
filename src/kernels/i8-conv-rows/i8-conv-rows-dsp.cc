// I8ConvRows for cores with the DSP extension (src/kernels/i8-variant.h).
// Output pixels go in pairs: the im2col of a pair interleaves its two rows
// word by word ([row 0 bytes 0-3][row 1 bytes 0-3][row 0 bytes 4-7]...), so
// one LDRD brings 4 inputs of each row; the pair then runs against 2 weight
// rows at a time (2 x 2 outputs): per 4 taps one LDRD, 2 LDR, 8 SXTB16 and 8
// SMLAD for 16 multiply-adds, every weight word serving both pixels. A pair
// needs only 2 * round_up(patch, 4) bytes of columns (I8ConvRowsColumnBytes);
// an odd last row (or columns too small for a pair) runs alone through
// i8_dsp::I8DenseRows. Integer sums are exact: bit-identical to the reference.
#include "src/kernels/arm-dsp.h"
#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/i8-variant.h"

namespace mote {
namespace kernels {
namespace {

using namespace dsp;

// Writes len bytes of an im2col row from d on: the bytes src[0], src[step],
// src[2 * step], ... (step 1: a run of the input; step 0: a fill with the 4
// equal bytes at src). The row's words are `stride` bytes apart: 8 for half
// of a pair (position p of half h at block[(p / 4) * 8 + h * 4 + p % 4]:
// the write pointer skips the other row's word at each word boundary), 4
// for a plain row. From a word boundary on, a word at a time (the source may
// be unaligned). Returns the next write position. Out of line: one copy for
// every run and fill; its loops as written (smaller and fewer instructions).
__attribute__((noinline)) MOTE_LOOPS_AS_WRITTEN int8_t* PairRun(int8_t* d, const int8_t* src, size_t step, size_t len,
                                                                 size_t stride) {
  const auto put = [&]() __attribute__((always_inline)) {
    *d++ = *src;
    src += step;
    if ((reinterpret_cast<uintptr_t>(d) & 3) == 0) d += stride - 4;  // the other row's word
  };
  for (; len > 0 && (reinterpret_cast<uintptr_t>(d) & 3) != 0; --len) put();
  const size_t src_step = 4 * step;
  for (size_t words = len / 4; words > 0; --words, src += src_step, d += stride) Store4(d, Load4(src));
  for (len %= 4; len > 0; --len) put();
  return d;
}

// One-channel windows of up to this many taps (first layers) go through a
// buffer on the stack (Im2ColPairRow).
constexpr size_t kSmallPatch = 64;

// Im2col row r (pixel r of g) from d on, words `stride` bytes apart (8: half
// of a pair, d = block + 4 * half; 4: a plain row, d anywhere): per kernel
// row, the taps left of the image, the run inside it, the taps right of it.
void Im2ColPairRow(const Conv2DGeometry& g, const int8_t* input, int8_t pad, size_t r, int8_t* d, size_t stride) {
  const Im2ColWindow win = Im2ColWindowOf(g, r);
  const Im2ColSpan cols = Im2ColColumns(g, win.x0);
  const size_t c = g.in_c, row_len = g.kernel_w * c, kh = g.kernel_h, run = (cols.end - cols.begin) * c;
  // First layers (one input channel), windows inside the image with rows of
  // up to 8 taps: 8 bytes a row into a word-aligned buffer (the next row's
  // overwrite the extra ones) where the reads stay inside the image, then a
  // word at a time into the pair (bytes past the patch are never
  // multiplied). Runs of a few bytes would go byte by byte.
  const size_t first = (win.n * g.in_h + size_t(win.y0)) * g.in_w + size_t(win.x0 + long(cols.begin));
  if (c == 1 && row_len <= 8 && row_len * kh <= kSmallPatch && stride == 8 && win.y0 >= 0 &&
      win.y0 + long(kh) <= long(g.in_h) && run == row_len && first + (kh - 1) * g.in_w + 8 <= (win.n + 1) * g.in_h * g.in_w) {
    alignas(4) int8_t patch[kSmallPatch + 8];
    const size_t words = (row_len * kh + 3) / 4;
    Store4(patch + (words - 1) * 4, 0);  // the bytes past the patch: defined
    const int8_t* src = input + first;
    for (size_t ky = 0; ky < kh; ++ky, src += g.in_w) {
      const uint32_t w0 = Load4(src), w1 = Load4(src + 4);
      __builtin_memcpy(patch + ky * row_len, &w0, 4);
      __builtin_memcpy(patch + ky * row_len + 4, &w1, 4);
    }
    for (size_t i = 0; i < words; ++i) Store4(d + i * 8, Load4(patch + i * 4));
    return;
  }
  // The padding taps between two runs inside the image go as one fill.
  alignas(4) int8_t pads[4] = {pad, pad, pad, pad};
  size_t fill = 0;
  for (size_t ky = 0; ky < kh; ++ky) {
    const long y = win.y0 + long(ky);
    if (y < 0 || y >= long(g.in_h) || cols.begin == cols.end) {
      fill += row_len;
      continue;
    }
    fill += cols.begin * c;
    if (fill > 0) d = PairRun(d, pads, 0, fill, stride);
    d = PairRun(d, input + ((win.n * g.in_h + size_t(y)) * g.in_w + size_t(win.x0 + long(cols.begin))) * c, 1,
                (cols.end - cols.begin) * c, stride);
    fill = (g.kernel_w - cols.end) * c;
  }
  if (fill > 0) PairRun(d, pads, 0, fill, stride);
}

// Channels per requantization pass of PairRows (its sums live on the stack).
constexpr size_t kPairChannels = 32;

// The pair `block` (k taps) against weight rows [0, n): outputs row 0 at c,
// row 1 at c + ldc. Per pass of up to kPairChannels channels, the sums of
// 2 channels at a time (an odd last channel runs as both of its block, the
// second's sums land past the pass's), then their requantization.
void PairRows(const int8_t* block, size_t k, const int8_t* w, size_t ldw, size_t n, const I8BiasRequantizeDsp& finish,
              int8_t* c, size_t ldc) {
  int32_t s[2 * kPairChannels + 2];
  for (size_t j0 = 0; j0 < n; j0 += kPairChannels) {
    const size_t count = n - j0 < kPairChannels ? n - j0 : kPairChannels;
    for (size_t q = 0; q < count; q += 2) {
      const int8_t* w0 = w + (j0 + q) * ldw;
      PairTimesTwoRows(block, w0, q + 1 < count ? w0 + ldw : w0, k, s + 2 * q);
    }
    StoreChannels(finish, j0, s, count, c + j0, ldc);
  }
}

}  // namespace

// dsp::StoreChannels (arm-dsp.h). One loop over the channels, out of line: the
// pair loop and this one each keep their registers.
void dsp::StoreChannels(const I8BiasRequantizeDsp& finish, size_t j0, const int32_t* s, size_t count, int8_t* c,
                        size_t ldc) {
  const int32_t *bias = finish.bias + j0, *multiplier = finish.multiplier + j0, *shift = finish.shift + j0;
  const int32_t* const end = s + 2 * count;
  while (s != end) {
#if MOTE_ARM_DSP_INSTRUCTIONS
    if (!finish.packed) goto one_channel;
    // I8RequantizeOne of both pixels' sums, in a few instructions for the
    // shifts s >= 31 (scales below 1: every usual model's), while there are
    // such (stops at the end or at a shift below 31). With P = (bias + sum)
    // * m (|P| < 2^62) and t = s - 32: for t = -1, (P + 2^30) >> 31 is
    // P >> 31 (from SMULL's two words) plus bit 30 of P; for t = 0,
    // (P + 2^31) >> 32 is SMMULR; above, (P + 2^(s-1)) >> s is
    // ((P >> 32) + 2^(t-1)) >> t (the low word of P only adds a fraction < 1
    // to the numerator, which cannot cross a multiple of 2^t), computed as
    // ((SMMUL >> (t - 1)) + 1) >> 1 (equal: nested floors). All stay within
    // 32 bits; then the zero point and the clamp on 16-bit halves
    // (I8BiasRequantizeDsp::packed). In assembly: GCC -Os spills the loop's
    // values.
    uint32_t t, b, d0, d1;
    __asm__ volatile(
        "1:\n\t"
        "ldr    %[t], [%[sh]]\n\t"
        "cmp    %[t], #31\n\t"
        "blt    9f\n\t"
        "adds   %[sh], %[sh], #4\n\t"
        "ldr    %[b], [%[bias]], #4\n\t"
        "ldrd   %[d0], %[d1], [%[s]], #8\n\t"
        "add    %[d0], %[d0], %[b]\n\t"
        "add    %[d1], %[d1], %[b]\n\t"
        "ldr    %[b], [%[m]], #4\n\t"
        "subs   %[t], %[t], #32\n\t"
        "bgt    2f\n\t"
        "beq    4f\n\t"
        "smull  %[t], %[d0], %[d0], %[b]\n\t"
        "lsls   %[d0], %[d0], #1\n\t"
        "orr    %[d0], %[d0], %[t], lsr #31\n\t"
        "ubfx   %[t], %[t], #30, #1\n\t"
        "add    %[d0], %[d0], %[t]\n\t"
        "smull  %[t], %[d1], %[d1], %[b]\n\t"
        "lsls   %[d1], %[d1], #1\n\t"
        "orr    %[d1], %[d1], %[t], lsr #31\n\t"
        "ubfx   %[t], %[t], #30, #1\n\t"
        "add    %[d1], %[d1], %[t]\n\t"
        "b      3f\n\t"
        "4:\n\t"
        "smmulr %[d0], %[d0], %[b]\n\t"
        "smmulr %[d1], %[d1], %[b]\n\t"
        "b      3f\n\t"
        "2:\n\t"
        "smmul  %[d0], %[d0], %[b]\n\t"
        "smmul  %[d1], %[d1], %[b]\n\t"
        "subs   %[t], %[t], #1\n\t"
        "asrs   %[d0], %[d0], %[t]\n\t"
        "asrs   %[d1], %[d1], %[t]\n\t"
        "adds   %[d0], %[d0], #1\n\t"
        "adds   %[d1], %[d1], #1\n\t"
        "asrs   %[d0], %[d0], #1\n\t"
        "asrs   %[d1], %[d1], #1\n\t"
        "3:\n\t"
        "ssat   %[d0], #16, %[d0]\n\t"
        "ssat   %[d1], #16, %[d1]\n\t"
        "pkhbt  %[d0], %[d0], %[d1], lsl #16\n\t"
        "ldr    %[t], [%[f], %[zp]]\n\t"
        "qadd16 %[d0], %[d0], %[t]\n\t"
        "ldrd   %[t], %[b], [%[f], %[lo]]\n\t"
        "ssub16 %[d1], %[d0], %[t]\n\t"
        "sel    %[d0], %[d0], %[t]\n\t"
        "ssub16 %[d1], %[b], %[d0]\n\t"
        "sel    %[d0], %[d0], %[b]\n\t"
        "lsrs   %[d1], %[d0], #16\n\t"
        "strb   %[d1], [%[c], %[ldc]]\n\t"
        "strb   %[d0], [%[c]], #1\n\t"
        "cmp    %[s], %[end]\n\t"
        "bne    1b\n\t"
        "9:\n\t"
        : [t] "=&r"(t), [b] "=&r"(b), [d0] "=&r"(d0), [d1] "=&r"(d1), [s] "+r"(s), [c] "+r"(c),
          [bias] "+r"(bias), [m] "+r"(multiplier), [sh] "+r"(shift)
        : [end] "r"(end), [ldc] "r"(ldc), [f] "r"(&finish), [zp] "i"(offsetof(I8BiasRequantizeDsp, zero_points)),
          [lo] "i"(offsetof(I8BiasRequantizeDsp, lows))
        : "cc", "memory");
    if (s == end) return;
  one_channel:
#endif
    const int32_t channel_bias = *bias++, m = *multiplier++, sh = *shift++;
    c[ldc] = int8_t(finish.One(channel_bias + s[1], m, sh));
    c[0] = int8_t(finish.One(channel_bias + s[0], m, sh));
    s += 2;
    ++c;
  }
}

// A word of 4 int8 at a time: flipping the sign bits makes them unsigned
// (b + 128), USADA8 adds all 4, and 128 per byte comes off at the end.
void i8_dsp::I8RowSums(size_t n, size_t k, const int8_t* w, size_t ldw, int32_t* sums) {
  const size_t groups = k / 4;
  for (size_t j = 0; j < n; ++j, w += ldw) {
    const int8_t* p = w;
    uint32_t biased = 0;
    for (size_t g = groups / 2; g > 0; --g, p += 8)  // two words per loop branch
      biased = AddBytes(Load4(p + 4) ^ 0x80808080u, AddBytes(Load4(p) ^ 0x80808080u, biased));
    if (groups % 2 != 0) {
      biased = AddBytes(Load4(p) ^ 0x80808080u, biased);
      p += 4;
    }
    int32_t s = int32_t(biased - uint32_t(groups) * 512u);
    for (size_t t = 0; t < k % 4; ++t) s += p[t];
    sums[j] += s;
  }
}

// The loops as written: smaller, as fast (M4 matrix).
MOTE_LOOPS_AS_WRITTEN void i8_dsp::I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value,
                                              size_t row_begin, size_t row_end, const int8_t* w, size_t ldw, size_t n,
                                              const I8Requant& requant, int8_t* columns, size_t columns_bytes,
                                              int8_t* c, size_t ldc) {
  const I8BiasRequantizeDsp finish{requant};
  const size_t k = g.patch_size();
  const size_t pair_bytes = 2 * ((k + 3) / 4 * 4);
  // Pairs need a 4-byte aligned block (LDRD).
  const size_t misalign = (4 - (reinterpret_cast<uintptr_t>(columns) & 3)) & 3;
  int8_t* block = columns + misalign;
  const bool pairs = columns_bytes >= misalign && columns_bytes - misalign >= pair_bytes;
  size_t r = row_begin;
  if (pairs) {
    for (; r + 2 <= row_end; r += 2) {
      Im2ColPairRow(g, input, pad_value, r, block, 8);
      Im2ColPairRow(g, input, pad_value, r + 1, block + 4, 8);
      PairRows(block, k, w, ldw, n, finish, c + (r - row_begin) * ldc, ldc);
    }
  }
  for (; r < row_end; ++r) {
    Im2ColPairRow(g, input, pad_value, r, columns, 4);
    i8_dsp::I8DenseRows(1, n, k, columns, k, w, ldw, requant, c + (r - row_begin) * ldc, ldc);
  }
}

}  // namespace kernels
}  // namespace mote
