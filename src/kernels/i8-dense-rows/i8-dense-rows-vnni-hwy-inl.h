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
};

MOTE_VNNI_ATTR HWY_INLINE __m512i VnniRepeat4(const int32_t* v) {
  return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v)));
}

// I8RequantizeOne on every lane of `dots` (int64 products like the scalar
// one), the 16 results as bytes.
MOTE_VNNI_ATTR HWY_INLINE __m128i VnniRequantize(__m512i dots, const VnniChannels& ch, __m512i zero_point,
                                                  __m512i lo, __m512i hi) {
  const __m512i acc = _mm512_add_epi32(dots, ch.bias);
  __m512i even = _mm512_mul_epi32(acc, ch.multiplier_even);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), ch.multiplier_odd);
  even = _mm512_srav_epi64(_mm512_add_epi64(even, ch.round_even), ch.shift_even);
  odd = _mm512_srav_epi64(_mm512_add_epi64(odd, ch.round_odd), ch.shift_odd);
  even = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(even, zero_point), lo), hi);
  odd = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(odd, zero_point), lo), hi);
  const __m512i packed = _mm512_or_si512(_mm512_and_si512(even, _mm512_set1_epi64(0xFFFFFFFF)),
                                         _mm512_slli_epi64(odd, 32));
  return _mm512_cvtepi32_epi8(packed);
}

// c[i * ldc + j] = requantized dot(a row i, w row j). Channels outside, rows
// inside: 4 weight rows (and their sums) stay in L1 while every row of A
// passes them.
MOTE_VNNI_ATTR inline void VnniDenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda,
                                         const int8_t* w, size_t ldw, const I8Requant& rq, int8_t* c, size_t ldc) {
  constexpr size_t kRows = 4, kChannels = 4;
  const __m512i zero_point = _mm512_set1_epi64(rq.out_zero_point);
  const __m512i lo = _mm512_set1_epi64(rq.out_min), hi = _mm512_set1_epi64(rq.out_max);
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF), one = _mm512_set1_epi64(1);
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
        chn.bias = VnniRepeat4(bias);
        const __m512i mult = VnniRepeat4(multiplier), sh = VnniRepeat4(shift);
        chn.multiplier_even = _mm512_and_si512(mult, low32);
        chn.multiplier_odd = _mm512_srli_epi64(mult, 32);
        chn.shift_even = _mm512_and_si512(sh, low32);
        chn.shift_odd = _mm512_srli_epi64(sh, 32);
        chn.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(chn.shift_even, one));
        chn.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(chn.shift_odd, one));
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
#undef MOTE_VNNI_ATTR

}  // namespace rows
MOTE_SIMD_END
#endif  // HWY_TARGET == HWY_AVX3_DL

#endif  // MOTE_I8_DENSE_ROWS_VNNI_HWY_INL_H_
