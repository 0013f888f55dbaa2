// I8DenseRows on AVX-512 VNNI (Highway's AVX3_DL target): VPDPBUSD multiplies
// 64 unsigned by 64 signed bytes and adds each group of 4 products into an
// int32 lane, 4x the multiply-adds per instruction of the int16 path
// (ReorderWidenMulAccumulate, dense-rows-hwy-inl.h). The activations are
// signed, so each is offset by 128 (XOR 0x80) and 128 * sum(w row) is taken
// back: sum((a + 128) * w) - 128 * sum(w) = sum(a * w). VPDPBUSD does not
// saturate and int32 additions wrap, so the result is the exact int32 sum,
// bit-identical to the scalar kernel. Included by i8-dense-rows-hwy.cc once
// per target after dense-rows-hwy-inl.h; only AVX3_DL defines anything.
// Highway 1.0.3 compiles AVX3_DL without avx512vnni (set_macros-inl.h), so the
// functions here add it; hwy-runtime.cc selects AVX3_DL only on CPUs with it.
#undef MOTE_I8_DENSE_ROWS_VNNI
#if HWY_TARGET == HWY_AVX3_DL
#define MOTE_I8_DENSE_ROWS_VNNI 1
#endif

// Per-target include guard (Highway's convention for -inl headers).
#if defined(MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_
#undef MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_
#else
#define MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_
#endif

#if HWY_TARGET == HWY_AVX3_DL
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

MOTE_SIMD_BEGIN
namespace rows {

// The whole target plus VNNI (Clang takes a function's attribute instead of
// the pushed one, so it must name everything the intrinsics need).
#define MOTE_VNNI_ATTR __attribute__((target(HWY_TARGET_STR ",avx512vnni")))

// The bytes [p, p + count) of a row, count <= 64, the rest zero (masked:
// nothing past the row is read).
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniLoad(const int8_t* p, size_t count) {
  if (count >= 64) return _mm512_loadu_si512(p);
  return _mm512_maskz_loadu_epi8((__mmask64(1) << count) - 1, p);
}

#define MOTE_VNNI_R(X, c) X(0, c) X(1, c) X(2, c) X(3, c)
#define MOTE_VNNI_RC(X) MOTE_VNNI_R(X, 0) MOTE_VNNI_R(X, 1) MOTE_VNNI_R(X, 2) MOTE_VNNI_R(X, 3)

// Adds the 128-bit blocks of two accumulators pairwise: blocks (a0 + a2,
// a1 + a3, b0 + b2, b1 + b3).
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniFoldPair(__m512i a, __m512i b) {
  return _mm512_add_epi32(_mm512_shuffle_i32x4(a, b, 0x44), _mm512_shuffle_i32x4(a, b, 0xEE));
}
// Two folded pairs (a, b) and (c, d) -> blocks holding a, b, c, d, 4 lanes each.
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniFoldQuad(__m512i ab, __m512i cd) {
  return _mm512_add_epi32(_mm512_shuffle_i32x4(ab, cd, 0x88), _mm512_shuffle_i32x4(ab, cd, 0xDD));
}

// Lane r * 4 + c = sum over p of (a_rows[r][p] + 128) * w_rows[c][p]
// (wrapping int32), for r < R (other lanes 0). The last partial step loads
// masked (zero) bytes: a zero weight cancels the offset activation. The 16
// horizontal sums share one shuffle tree instead of 16 reductions. With
// kSums, w_sums[c] = sum(w_rows[c][0..k)) as well (the correction for the
// offset of 128; computed in the first block of rows, while the weights pass).
template <size_t R, bool kSums>
MOTE_VNNI_ATTR HWY_NOINLINE __m512i VnniDotBlock(size_t k, const int8_t* const* a_rows, const int8_t* const* w_rows,
                                                 int32_t* w_sums) {
  const __m512i flip = _mm512_set1_epi8(char(0x80)), ones = _mm512_set1_epi8(1);
#define MOTE_VNNI_DECLARE(r, c) __m512i acc##r##c = _mm512_setzero_si512();
  MOTE_VNNI_RC(MOTE_VNNI_DECLARE)
#undef MOTE_VNNI_DECLARE
  __m512i sum0 = _mm512_setzero_si512(), sum1 = sum0, sum2 = sum0, sum3 = sum0;
  // One row (batch 1): the even steps into acc0c, the odd ones into acc1c,
  // so 8 sums hide VPDPBUSD's latency instead of 4 (int32 sums wrap, so the
  // order does not change them); added together below.
  const size_t step = R == 1 ? 128 : 64;
  for (size_t p = 0; p < k; p += step) {
    const size_t count = k - p;
    const __m512i w0 = VnniLoad(w_rows[0] + p, count);
    const __m512i w1 = VnniLoad(w_rows[1] + p, count);
    const __m512i w2 = VnniLoad(w_rows[2] + p, count);
    const __m512i w3 = VnniLoad(w_rows[3] + p, count);
    if constexpr (kSums) {
      sum0 = _mm512_dpbusd_epi32(sum0, ones, w0);
      sum1 = _mm512_dpbusd_epi32(sum1, ones, w1);
      sum2 = _mm512_dpbusd_epi32(sum2, ones, w2);
      sum3 = _mm512_dpbusd_epi32(sum3, ones, w3);
    }
#define MOTE_VNNI_MAC(r, c) acc##r##c = _mm512_dpbusd_epi32(acc##r##c, x##r, w##c);
#define MOTE_VNNI_ROW(r)                                                              \
  if constexpr (R > r) {                                                              \
    const __m512i x##r = _mm512_xor_si512(VnniLoad(a_rows[r] + p, count), flip);      \
    MOTE_VNNI_MAC(r, 0) MOTE_VNNI_MAC(r, 1) MOTE_VNNI_MAC(r, 2) MOTE_VNNI_MAC(r, 3) \
  }
    MOTE_VNNI_ROW(0) MOTE_VNNI_ROW(1) MOTE_VNNI_ROW(2) MOTE_VNNI_ROW(3)
    if constexpr (R == 1) {
      if (count > 64) {
        const size_t q = p + 64;
        const __m512i v0 = VnniLoad(w_rows[0] + q, count - 64);
        const __m512i v1 = VnniLoad(w_rows[1] + q, count - 64);
        const __m512i v2 = VnniLoad(w_rows[2] + q, count - 64);
        const __m512i v3 = VnniLoad(w_rows[3] + q, count - 64);
        if constexpr (kSums) {
          sum0 = _mm512_dpbusd_epi32(sum0, ones, v0);
          sum1 = _mm512_dpbusd_epi32(sum1, ones, v1);
          sum2 = _mm512_dpbusd_epi32(sum2, ones, v2);
          sum3 = _mm512_dpbusd_epi32(sum3, ones, v3);
        }
        const __m512i x = _mm512_xor_si512(VnniLoad(a_rows[0] + q, count - 64), flip);
        acc10 = _mm512_dpbusd_epi32(acc10, x, v0);
        acc11 = _mm512_dpbusd_epi32(acc11, x, v1);
        acc12 = _mm512_dpbusd_epi32(acc12, x, v2);
        acc13 = _mm512_dpbusd_epi32(acc13, x, v3);
      }
    }
#undef MOTE_VNNI_ROW
#undef MOTE_VNNI_MAC
  }
  if constexpr (R == 1) {  // lanes of rows past R must be 0
    acc00 = _mm512_add_epi32(acc00, acc10);
    acc01 = _mm512_add_epi32(acc01, acc11);
    acc02 = _mm512_add_epi32(acc02, acc12);
    acc03 = _mm512_add_epi32(acc03, acc13);
    acc10 = acc11 = acc12 = acc13 = _mm512_setzero_si512();
  }
  if constexpr (kSums) {
    w_sums[0] = _mm512_reduce_add_epi32(sum0);
    w_sums[1] = _mm512_reduce_add_epi32(sum1);
    w_sums[2] = _mm512_reduce_add_epi32(sum2);
    w_sums[3] = _mm512_reduce_add_epi32(sum3);
  }
  // Per channel c: blocks r = 0..3 hold acc r c over 4 lanes.
  const __m512i c0 = VnniFoldQuad(VnniFoldPair(acc00, acc10), VnniFoldPair(acc20, acc30));
  const __m512i c1 = VnniFoldQuad(VnniFoldPair(acc01, acc11), VnniFoldPair(acc21, acc31));
  const __m512i c2 = VnniFoldQuad(VnniFoldPair(acc02, acc12), VnniFoldPair(acc22, acc32));
  const __m512i c3 = VnniFoldQuad(VnniFoldPair(acc03, acc13), VnniFoldPair(acc23, acc33));
  // Within each block: lanes (c0, c1, c2, c3) summed over their 4 lanes.
  const __m512i v01 = _mm512_add_epi32(_mm512_unpacklo_epi32(c0, c1), _mm512_unpackhi_epi32(c0, c1));
  const __m512i v23 = _mm512_add_epi32(_mm512_unpacklo_epi32(c2, c3), _mm512_unpackhi_epi32(c2, c3));
  return _mm512_add_epi32(_mm512_unpacklo_epi64(v01, v23), _mm512_unpackhi_epi64(v01, v23));
}
#undef MOTE_VNNI_RC
#undef MOTE_VNNI_R

// One channel block's requantization constants, each repeated over the 4
// rows of a block (lane r * 4 + c holds channel c's value).
struct VnniChannels {
  __m512i bias;             // the requant bias minus 128 * sum(w row), wrapping
  __m512i multiplier_even;  // int64 lanes: multiplier of lanes 0, 2, .. (low 32 bits)
  __m512i multiplier_odd;   // ... of lanes 1, 3, ..
  __m512i shift_even, shift_odd, round_even, round_odd;  // int64 lanes
  // Every shift >= 32: each result fits in 32 bits before the clamp, so the
  // odd lanes' shift_odd is 32 less and their result lands in the high half
  // (VnniRequantizeWords).
  bool narrow;
};

MOTE_VNNI_ATTR HWY_INLINE __m512i VnniRepeat4(const int32_t* v) {
  return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v)));
}

// Whether all 16 int32 shifts take VnniRequantizeWords' narrow form.
MOTE_VNNI_ATTR HWY_INLINE bool VnniNarrow(__m512i shift) {
  return _mm512_cmplt_epi32_mask(shift, _mm512_set1_epi32(32)) == 0;
}
// 2^(shift - 1) of int64 shifts: the rounding term.
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniRoundOf(__m512i shift) {
  const __m512i one = _mm512_set1_epi64(1);
  return _mm512_sllv_epi64(one, _mm512_sub_epi64(shift, one));
}
// The odd lanes' int64 shifts as the requantization applies them (32 less
// when narrow).
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniOddShift(__m512i shift, bool narrow) {
  return narrow ? _mm512_sub_epi64(shift, _mm512_set1_epi64(32)) : shift;
}

// The requantization constants of 16 lanes from their bias (the requant bias
// minus 128 * sum(w row)), multiplier and shift.
MOTE_VNNI_ATTR HWY_INLINE VnniChannels VnniChannelsOf(__m512i bias, __m512i multiplier, __m512i shift) {
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
  VnniChannels ch;
  ch.bias = bias;
  ch.multiplier_even = _mm512_and_si512(multiplier, low32);
  ch.multiplier_odd = _mm512_srli_epi64(multiplier, 32);
  ch.shift_even = _mm512_and_si512(shift, low32);
  ch.round_even = VnniRoundOf(ch.shift_even);
  const __m512i shift_odd = _mm512_srli_epi64(shift, 32);
  ch.round_odd = VnniRoundOf(shift_odd);
  ch.narrow = VnniNarrow(shift);
  ch.shift_odd = VnniOddShift(shift_odd, ch.narrow);
  return ch;
}

// I8RequantizeOne on every lane of `dots` (int64 products like the scalar
// one), the 16 results as int32 lanes. zero_point, lo, hi: int64 lanes.
// Narrow (every shift >= 32): |product + round| < 2^63 shifted by >= 32 fits
// in int32, so the even lanes' result is the low half of their int64, the
// odd lanes' (shifted 32 less) the high half: one blend, and the zero point
// and clamp in int32 (the int64 min / max are the slow part of the wide
// form on Zen 5).
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniRequantizeWords(__m512i dots, const VnniChannels& ch, __m512i zero_point,
                                                      __m512i lo, __m512i hi) {
  const __m512i acc = _mm512_add_epi32(dots, ch.bias);
  __m512i even = _mm512_mul_epi32(acc, ch.multiplier_even);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), ch.multiplier_odd);
  even = _mm512_srav_epi64(_mm512_add_epi64(even, ch.round_even), ch.shift_even);
  odd = _mm512_srav_epi64(_mm512_add_epi64(odd, ch.round_odd), ch.shift_odd);
  if (ch.narrow) {
    // (The int64 constants' low halves, repeated: their values fit in 32 bits.)
    const __m512i words = _mm512_add_epi32(_mm512_mask_blend_epi32(__mmask16(0xAAAA), even, odd),
                                           _mm512_shuffle_epi32(zero_point, _MM_PERM_CCAA));
    return _mm512_min_epi32(_mm512_max_epi32(words, _mm512_shuffle_epi32(lo, _MM_PERM_CCAA)),
                            _mm512_shuffle_epi32(hi, _MM_PERM_CCAA));
  }
  even = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(even, zero_point), lo), hi);
  odd = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(odd, zero_point), lo), hi);
  return _mm512_or_si512(_mm512_and_si512(even, _mm512_set1_epi64(0xFFFFFFFF)), _mm512_slli_epi64(odd, 32));
}

// The same, the 16 results as bytes.
MOTE_VNNI_ATTR HWY_INLINE __m128i VnniRequantize(__m512i dots, const VnniChannels& ch, __m512i zero_point,
                                                  __m512i lo, __m512i hi) {
  return _mm512_cvtepi32_epi8(VnniRequantizeWords(dots, ch, zero_point, lo, hi));
}

// c[i * ldc + j] = requantized dot(a row i, w row j). Channels outside, rows
// inside: 4 weight rows (and their sums) stay in L1 while every row of A
// passes them.
MOTE_VNNI_ATTR inline void VnniDenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda,
                                         const int8_t* w, size_t ldw, const I8Requant& rq, int8_t* c, size_t ldc) {
  constexpr size_t kRows = 4, kChannels = 4;
  const __m512i zero_point = _mm512_set1_epi64(rq.out_zero_point);
  const __m512i lo = _mm512_set1_epi64(rq.out_min), hi = _mm512_set1_epi64(rq.out_max);
  for (size_t j = 0; j < n; j += kChannels) {
    const size_t cols = n - j < kChannels ? n - j : kChannels;
    const int8_t* w_rows[kChannels];
    // Channels past n repeat the last one (their results are dropped).
    int32_t bias[kChannels], multiplier[kChannels], shift[kChannels], sums[kChannels];
    for (size_t q = 0; q < kChannels; ++q) w_rows[q] = w + (j + (q < cols ? q : cols - 1)) * ldw;
    VnniChannels chn;
    for (size_t i = 0; i < m; i += kRows) {
      const size_t rows = m - i < kRows ? m - i : kRows;
      const int8_t* a_rows[kRows];
      for (size_t r = 0; r < kRows; ++r) a_rows[r] = a + (i + (r < rows ? r : 0)) * lda;
      __m512i dots;
      if (i == 0) {
        if (rq.weight_sums != nullptr) {  // given: summed by nobody here
          switch (rows) {
            case 1: dots = VnniDotBlock<1, false>(k, a_rows, w_rows, sums); break;
            case 2: dots = VnniDotBlock<2, false>(k, a_rows, w_rows, sums); break;
            case 3: dots = VnniDotBlock<3, false>(k, a_rows, w_rows, sums); break;
            default: dots = VnniDotBlock<4, false>(k, a_rows, w_rows, sums); break;
          }
          for (size_t q = 0; q < kChannels; ++q) sums[q] = rq.weight_sums[j + (q < cols ? q : cols - 1)];
        } else {
          switch (rows) {
            case 1: dots = VnniDotBlock<1, true>(k, a_rows, w_rows, sums); break;
            case 2: dots = VnniDotBlock<2, true>(k, a_rows, w_rows, sums); break;
            case 3: dots = VnniDotBlock<3, true>(k, a_rows, w_rows, sums); break;
            default: dots = VnniDotBlock<4, true>(k, a_rows, w_rows, sums); break;
          }
        }
        for (size_t q = 0; q < kChannels; ++q) {
          const size_t ch = j + (q < cols ? q : cols - 1);
          bias[q] = int32_t(uint32_t(rq.bias[ch]) - uint32_t(sums[q]) * 128u);
          multiplier[q] = rq.multiplier[ch];
          shift[q] = rq.shift[ch];
        }
        chn = VnniChannelsOf(VnniRepeat4(bias), VnniRepeat4(multiplier), VnniRepeat4(shift));
      } else {
        switch (rows) {
          case 1: dots = VnniDotBlock<1, false>(k, a_rows, w_rows, sums); break;
          case 2: dots = VnniDotBlock<2, false>(k, a_rows, w_rows, sums); break;
          case 3: dots = VnniDotBlock<3, false>(k, a_rows, w_rows, sums); break;
          default: dots = VnniDotBlock<4, false>(k, a_rows, w_rows, sums); break;
        }
      }
      alignas(16) int8_t out[kRows * kChannels];
      _mm_store_si128(reinterpret_cast<__m128i*>(out), VnniRequantize(dots, chn, zero_point, lo, hi));
      for (size_t r = 0; r < rows; ++r) {
        int8_t* dst = c + (i + r) * ldc + j;
        if (cols == kChannels) {
          __builtin_memcpy(dst, out + r * kChannels, kChannels);
        } else {
          for (size_t q = 0; q < cols; ++q) dst[q] = out[r * kChannels + q];
        }
      }
    }
  }
}

// One block of 4 channels of I8DenseBlocks: lane block r (128 bits) holds 4
// partial sums of channel r's dot product of (a + 128) with its row; with
// kSums, *w_sums likewise those of its weights. Two chunks a step into 8
// accumulators (VPDPBUSD's latency); the last partial chunk loads its
// activations and weights masked, so the padding never counts.
template <bool kSums>
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniBlockDots(size_t k, const int8_t* a, const int8_t* block, __m512i* w_sums) {
  const __m512i flip = _mm512_set1_epi8(char(0x80)), ones = _mm512_set1_epi8(1);
  __m512i e0 = _mm512_setzero_si512(), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
  __m512i s0 = e0, s1 = e0, s2 = e0, s3 = e0;
  constexpr size_t kChunk = kDenseBlockChunk, kStep = kDenseBlockChannels * kDenseBlockChunk;
  size_t p = 0;
  for (; p + 2 * kChunk <= k; p += 2 * kChunk, block += 2 * kStep) {
    const __m512i x = _mm512_xor_si512(_mm512_loadu_si512(a + p), flip);
    const __m512i y = _mm512_xor_si512(_mm512_loadu_si512(a + p + kChunk), flip);
    const __m512i w0 = _mm512_loadu_si512(block), w1 = _mm512_loadu_si512(block + kChunk);
    const __m512i w2 = _mm512_loadu_si512(block + 2 * kChunk), w3 = _mm512_loadu_si512(block + 3 * kChunk);
    const __m512i v0 = _mm512_loadu_si512(block + kStep), v1 = _mm512_loadu_si512(block + kStep + kChunk);
    const __m512i v2 = _mm512_loadu_si512(block + kStep + 2 * kChunk);
    const __m512i v3 = _mm512_loadu_si512(block + kStep + 3 * kChunk);
    e0 = _mm512_dpbusd_epi32(e0, x, w0);
    e1 = _mm512_dpbusd_epi32(e1, x, w1);
    e2 = _mm512_dpbusd_epi32(e2, x, w2);
    e3 = _mm512_dpbusd_epi32(e3, x, w3);
    o0 = _mm512_dpbusd_epi32(o0, y, v0);
    o1 = _mm512_dpbusd_epi32(o1, y, v1);
    o2 = _mm512_dpbusd_epi32(o2, y, v2);
    o3 = _mm512_dpbusd_epi32(o3, y, v3);
    if constexpr (kSums) {
      s0 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(s0, ones, w0), ones, v0);
      s1 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(s1, ones, w1), ones, v1);
      s2 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(s2, ones, w2), ones, v2);
      s3 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(s3, ones, w3), ones, v3);
    }
  }
  for (; p < k; p += kChunk, block += kStep) {  // at most two chunks, the last maybe partial
    const size_t count = k - p;
    const __m512i x = _mm512_xor_si512(VnniLoad(a + p, count), flip);
    const __m512i w0 = VnniLoad(block, count), w1 = VnniLoad(block + kChunk, count);
    const __m512i w2 = VnniLoad(block + 2 * kChunk, count), w3 = VnniLoad(block + 3 * kChunk, count);
    e0 = _mm512_dpbusd_epi32(e0, x, w0);
    e1 = _mm512_dpbusd_epi32(e1, x, w1);
    e2 = _mm512_dpbusd_epi32(e2, x, w2);
    e3 = _mm512_dpbusd_epi32(e3, x, w3);
    if constexpr (kSums) {
      s0 = _mm512_dpbusd_epi32(s0, ones, w0);
      s1 = _mm512_dpbusd_epi32(s1, ones, w1);
      s2 = _mm512_dpbusd_epi32(s2, ones, w2);
      s3 = _mm512_dpbusd_epi32(s3, ones, w3);
    }
  }
  if constexpr (kSums) *w_sums = VnniFoldQuad(VnniFoldPair(s0, s1), VnniFoldPair(s2, s3));
  return VnniFoldQuad(VnniFoldPair(_mm512_add_epi32(e0, o0), _mm512_add_epi32(e1, o1)),
                      VnniFoldPair(_mm512_add_epi32(e2, o2), _mm512_add_epi32(e3, o3)));
}

// Four blocks' VnniBlockDots (b = 0..3) -> lane 4b + r = the whole sum of
// channel 4b + r.
MOTE_VNNI_ATTR HWY_INLINE __m512i VnniBlockSums(__m512i b0, __m512i b1, __m512i b2, __m512i b3) {
  const __m512i v01 = _mm512_add_epi32(_mm512_unpacklo_epi32(b0, b1), _mm512_unpackhi_epi32(b0, b1));
  const __m512i v23 = _mm512_add_epi32(_mm512_unpacklo_epi32(b2, b3), _mm512_unpackhi_epi32(b2, b3));
  // Lane 4r + b holds channel 4b + r: transposed.
  const __m512i sums = _mm512_add_epi32(_mm512_unpacklo_epi64(v01, v23), _mm512_unpackhi_epi64(v01, v23));
  return _mm512_permutexvar_epi32(_mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0), sums);
}

// I8DenseBlocks: 16 channels (4 blocks, read in address order) at a time,
// requantized together; channels past n are computed on the zero padding (or
// not at all) and never stored.
MOTE_VNNI_ATTR inline void VnniDenseBlocks(size_t n, size_t k, const int8_t* a, const int8_t* w,
                                           const I8Requant& rq, int8_t* c) {
  constexpr size_t kLanes = 4 * kDenseBlockChannels;
  const size_t blocks = I8DenseBlockCount(n), stride = I8DenseBlockStride(k);
  const __m512i zero_point = _mm512_set1_epi64(rq.out_zero_point);
  const __m512i lo = _mm512_set1_epi64(rq.out_min), hi = _mm512_set1_epi64(rq.out_max);
  for (size_t j = 0; j < n; j += kLanes) {
    __m512i dots[4], sums[4];
    for (size_t b = 0; b < 4; ++b) {
      const size_t block = j / kDenseBlockChannels + b;
      sums[b] = dots[b] = _mm512_setzero_si512();
      if (block >= blocks) continue;
      if (rq.weight_sums != nullptr) {
        dots[b] = VnniBlockDots<false>(k, a, w + block * stride, nullptr);
      } else {
        dots[b] = VnniBlockDots<true>(k, a, w + block * stride, &sums[b]);
      }
    }
    const __mmask16 live = n - j >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << (n - j)) - 1);
    const __m512i w_sums = rq.weight_sums != nullptr ? _mm512_maskz_loadu_epi32(live, rq.weight_sums + j)
                                                     : VnniBlockSums(sums[0], sums[1], sums[2], sums[3]);
    // bias - 128 * sum(w row), wrapping like the scalar int32 sums.
    const __m512i bias = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(live, rq.bias + j), _mm512_slli_epi32(w_sums, 7));
    const VnniChannels chn = VnniChannelsOf(bias, _mm512_maskz_loadu_epi32(live, rq.multiplier + j),
                                            _mm512_maskz_loadu_epi32(live, rq.shift + j));
    const __m512i all = VnniBlockSums(dots[0], dots[1], dots[2], dots[3]);
    _mm_mask_storeu_epi8(c + j, live, VnniRequantize(all, chn, zero_point, lo, hi));
  }
}
#undef MOTE_VNNI_ATTR

}  // namespace rows
MOTE_SIMD_END
#endif  // HWY_TARGET == HWY_AVX3_DL

#endif  // MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_
