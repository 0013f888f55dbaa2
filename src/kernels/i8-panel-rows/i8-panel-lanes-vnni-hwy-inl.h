// I8PanelRows on AVX-512 VNNI with pixels in lanes, for one panel (n <= 16)
// of a conv whose neighbouring windows start at most 4 bytes apart (lda =
// Cin * stride_w <= 4, as a first conv on a grey or RGB image): 16 output
// pixels of a row read their 4 taps of a group from one 64-byte load,
// spread by one VPERMB, and each output channel is one VPDPBUSD against
// its 4 weights broadcast from the panel. The channel-lane tiles
// (i8-panel-rows-vnni-hwy-inl.h) spend a vector per pixel on such a conv:
// 10 of 16 lanes used for 10 channels, and a requantization per pixel. Here
// a vector holds 16 pixels of one channel, so the requantizations are per
// channel and block of pixels; the bytes are transposed to NHWC on the way
// out (VPERMT2B). Same wrapping int32 sums and requantization as the rest
// of the VNNI kernels, so bit-identical to the scalar one.
// Included by i8-panel-rows-hwy.cc once per target after
// i8-panel-rows-vnni-hwy-inl.h; only AVX3_DL defines anything.
#if defined(MOTE_I8_PANEL_LANES_VNNI_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_I8_PANEL_LANES_VNNI_HWY_INL_H_
#undef MOTE_I8_PANEL_LANES_VNNI_HWY_INL_H_
#else
#define MOTE_I8_PANEL_LANES_VNNI_HWY_INL_H_
#endif

#if HWY_TARGET == HWY_AVX3_DL
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

MOTE_SIMD_BEGIN
namespace panels {

#define MOTE_LANES_VNNI_ATTR __attribute__((target(HWY_TARGET_STR ",avx512vnni")))

constexpr size_t kLanePixels = 16;

// Whether VnniPixelLanes takes the call: one panel, and 16 windows' first
// 4 bytes inside one 64-byte load.
constexpr bool PixelLanesFit(size_t n, size_t lda) { return n <= kPanelChannels && lda * (kLanePixels - 1) + 4 <= 64; }

// Up to 16 consecutive output pixels of one row: the first one's window,
// its output, how many.
struct LaneBlock {
  const int8_t* a;
  int8_t* c;
  size_t pixels;
};

// The low `bits` bits set (bits <= 64).
MOTE_LANES_VNNI_ATTR HWY_INLINE __mmask64 LowBits(size_t bits) { return _bzhi_u64(~uint64_t(0), unsigned(bits)); }

// The panel's requantization constants one value per channel (the tile
// broadcasts channel c's to every lane): a dozen stores per call instead
// of a 7-vector struct per channel (the seed conv1 alone: 575 -> 455 ns).
struct LaneConstants {
  alignas(64) int32_t bias[kPanelChannels];
  alignas(64) int64_t multiplier[kPanelChannels], round[kPanelChannels];
  alignas(64) int64_t shift_even[kPanelChannels], shift_odd[kPanelChannels];  // odd: less 32 when narrow
  bool narrow;
};

MOTE_LANES_VNNI_ATTR HWY_INLINE void FillLaneConstants(const ChannelInputs& panel, LaneConstants* out) {
  out->narrow = rows::VnniNarrow(panel.shift);
  _mm512_store_si512(out->bias, panel.bias);
  // Channels 0-7, then 8-15 (the extract's block index must be a constant).
  const __m256i multipliers[2] = {_mm512_castsi512_si256(panel.multiplier),
                                  _mm512_extracti64x4_epi64(panel.multiplier, 1)};
  const __m256i shifts[2] = {_mm512_castsi512_si256(panel.shift), _mm512_extracti64x4_epi64(panel.shift, 1)};
  for (size_t half = 0; half < 2; ++half) {
    const __m512i shift = _mm512_cvtepu32_epi64(shifts[half]);
    _mm512_store_si512(out->multiplier + 8 * half, _mm512_cvtepu32_epi64(multipliers[half]));
    _mm512_store_si512(out->round + 8 * half, rows::VnniRoundOf(shift));
    _mm512_store_si512(out->shift_even + 8 * half, shift);
    _mm512_store_si512(out->shift_odd + 8 * half, rows::VnniOddShift(shift, out->narrow));
  }
}

// Channel c's constants in every lane.
MOTE_LANES_VNNI_ATTR HWY_INLINE rows::VnniChannels LaneChannels(const LaneConstants& k, size_t c) {
  rows::VnniChannels ch;
  ch.bias = _mm512_set1_epi32(k.bias[c]);
  ch.multiplier_even = ch.multiplier_odd = _mm512_set1_epi64(k.multiplier[c]);
  ch.round_even = ch.round_odd = _mm512_set1_epi64(k.round[c]);
  ch.shift_even = _mm512_set1_epi64(k.shift_even[c]);
  ch.shift_odd = _mm512_set1_epi64(k.shift_odd[c]);
  ch.narrow = k.narrow;
  return ch;
}

// words[ch] holding channel ch of pixels 0..15 (requantized, one per int32
// lane; NC of them) to NHWC: pixel i's n channels at c + i * ldc, for i <
// pixels. First the low bytes of 4 channels into one register (16 bytes
// each: two VPERMT2B and a block shuffle, where VPMOVDB to memory and back
// cost 4x more on Zen 5), then 16-byte blocks of one pixel's channels.
template <size_t NC>
MOTE_LANES_VNNI_ATTR HWY_INLINE void StoreLanesTransposed(const __m512i* words, int8_t* c, size_t pixels, size_t n,
                                                          size_t ldc) {
  // Byte j < 32: the low byte of lane j % 16 of the first (j < 16) or the
  // second source.
  alignas(64) static constexpr uint8_t kLowBytes[64] = {
      0,  4,  8,  12, 16, 20, 24, 28, 32, 36, 40,  44,  48,  52,  56,  60,
      64, 68, 72, 76, 80, 84, 88, 92, 96, 100, 104, 108, 112, 116, 120, 124};
  const __m512i low_bytes = _mm512_load_si512(kLowBytes);
  __m512i z[4];
  for (size_t q = 0; q < 4; ++q) {
    if (4 * q >= NC) {
      z[q] = _mm512_setzero_si512();
      continue;
    }
    // (Channels past NC repeat the last one: never stored.)
    const size_t c1 = 4 * q + 1 < NC ? 4 * q + 1 : 4 * q, c2 = 4 * q + 2 < NC ? 4 * q + 2 : c1;
    const size_t c3 = 4 * q + 3 < NC ? 4 * q + 3 : c2;
    const __m512i first = _mm512_permutex2var_epi8(words[4 * q], low_bytes, words[c1]);
    const __m512i second = _mm512_permutex2var_epi8(words[c2], low_bytes, words[c3]);
    z[q] = _mm512_shuffle_i64x2(first, second, 0x44);
  }
  // Byte 16 * p + ch of pixels 4q.. comes from channel ch's register
  // (z[ch / 4]: in a pair's table, 64 * (ch % 8 / 4)) at byte 16 * (ch % 4)
  // + 4q + p.
  alignas(64) static constexpr uint8_t kFirstPixels[64] = {
      0, 16, 32, 48, 64, 80, 96, 112, 0, 16, 32, 48, 64, 80, 96, 112,  //
      1, 17, 33, 49, 65, 81, 97, 113, 1, 17, 33, 49, 65, 81, 97, 113,  //
      2, 18, 34, 50, 66, 82, 98, 114, 2, 18, 34, 50, 66, 82, 98, 114,  //
      3, 19, 35, 51, 67, 83, 99, 115, 3, 19, 35, 51, 67, 83, 99, 115};
  const __m512i first = _mm512_load_si512(kFirstPixels);
  const __mmask16 channels = __mmask16((1u << n) - 1u);
  for (size_t q = 0; 4 * q < pixels; ++q) {
    const __m512i index = _mm512_add_epi8(first, _mm512_set1_epi8(char(4 * q)));
    __m512i t = _mm512_permutex2var_epi8(z[0], index, z[1]);
    if constexpr (NC > 8)
      t = _mm512_mask_blend_epi8(__mmask64(0xFF00FF00FF00FF00ull), t, _mm512_permutex2var_epi8(z[2], index, z[3]));
    const size_t count = pixels - 4 * q < 4 ? pixels - 4 * q : 4;
    int8_t* dst = c + 4 * q * ldc;
    _mm_mask_storeu_epi8(dst, channels, _mm512_castsi512_si128(t));
    if (count > 1) _mm_mask_storeu_epi8(dst + ldc, channels, _mm512_extracti32x4_epi32(t, 1));
    if (count > 2) _mm_mask_storeu_epi8(dst + 2 * ldc, channels, _mm512_extracti32x4_epi32(t, 2));
    if (count > 3) _mm_mask_storeu_epi8(dst + 3 * ldc, channels, _mm512_extracti32x4_epi32(t, 3));
  }
}

// NB blocks of pixels x channels [0, NC) of the panel: per group of 4 taps,
// a block's 16 windows from one masked load (only the bytes the windows
// read) spread to lane i = window i by `spread`, then a VPDPBUSD per
// channel against its 4 weights. Then requantization and the NHWC stores.
template <size_t NC, size_t NB>
MOTE_LANES_VNNI_ATTR HWY_NOINLINE void VnniLaneTile(size_t k, const PanelInput& in, const LaneBlock* blocks,
                                                    const int8_t* w, const LaneConstants& lanes,
                                                    __m512i zero_point, __m512i lo, __m512i hi, size_t n, size_t ldc) {
  const __m512i flip = _mm512_set1_epi8(char(0x80));
  // Byte 4i + b: window i's byte b, at i * lda + b (< 64: no carry).
  const __m512i spread = _mm512_add_epi32(
      _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                         _mm512_set1_epi32(int32_t(in.lda * 0x01010101u))),
      _mm512_set1_epi32(0x03020100));
  __m512i acc[NB][NC];
  __mmask64 whole[NB];
  _Pragma("GCC unroll 4") for (size_t b = 0; b < NB; ++b) {
    _Pragma("GCC unroll 16") for (size_t ch = 0; ch < NC; ++ch) acc[b][ch] = _mm512_setzero_si512();
    whole[b] = LowBits((blocks[b].pixels - 1) * in.lda + 4);
  }
  // (A macro, not a lambda: GCC kept the accumulators of a lambda's
  // captured array in memory.)
#define MOTE_LANES_STEP(wg, offset, masks)                                                                       \
  {                                                                                                              \
    __m512i x[NB];                                                                                               \
    _Pragma("GCC unroll 4") for (size_t b = 0; b < NB; ++b) x[b] = _mm512_xor_si512(                             \
        _mm512_permutexvar_epi8(spread, _mm512_maskz_loadu_epi8(masks[b], blocks[b].a + (offset))), flip);       \
    _Pragma("GCC unroll 16") for (size_t ch = 0; ch < NC; ++ch) {                                                \
      int32_t quad;                                                                                              \
      memcpy(&quad, (wg) + 4 * ch, 4);                                                                           \
      const __m512i v = _mm512_set1_epi32(quad);                                                                 \
      _Pragma("GCC unroll 4") for (size_t b = 0; b < NB; ++b) acc[b][ch] = _mm512_dpbusd_epi32(acc[b][ch], x[b], v); \
    }                                                                                                            \
  }
  for (size_t p0 = 0, off = 0; p0 < k; p0 += in.segment, off += in.segment_stride) {
    const size_t len = k - p0 < in.segment ? k - p0 : in.segment, quads = len / 4;
    const int8_t* wr = w + p0 * kPanelChannels;
    for (size_t g = 0; g < quads; ++g) MOTE_LANES_STEP(wr + g * kPanelChannels * 4, off + 4 * g, whole)
    if (len % 4 != 0) {
      // A single run's partial last group: the last window's bytes past the
      // run not read (the others' are, against zero weights).
      __mmask64 tail[NB];
      for (size_t b = 0; b < NB; ++b) tail[b] = LowBits((blocks[b].pixels - 1) * in.lda + len % 4);
      MOTE_LANES_STEP(wr + quads * kPanelChannels * 4, off + 4 * quads, tail)
    }
  }
#undef MOTE_LANES_STEP
  _Pragma("GCC unroll 4") for (size_t b = 0; b < NB; ++b) {
    __m512i words[NC];
    _Pragma("GCC unroll 16") for (size_t ch = 0; ch < NC; ++ch) words[ch] =
        rows::VnniRequantizeWords(acc[b][ch], LaneChannels(lanes, ch), zero_point, lo, hi);
    StoreLanesTransposed<NC>(words, blocks[b].c, blocks[b].pixels, n, ldc);
  }
}

// The last `count` (< NB) blocks: VnniLaneTile<NC, count>.
template <size_t NC, size_t NB>
MOTE_LANES_VNNI_ATTR HWY_INLINE void VnniLaneTileOf(size_t count, size_t k, const PanelInput& in,
                                                    const LaneBlock* blocks, const int8_t* w,
                                                    const LaneConstants& lanes, __m512i zero_point, __m512i lo,
                                                    __m512i hi, size_t n, size_t ldc) {
  if constexpr (NB > 1) {
    if (count < NB) return VnniLaneTileOf<NC, NB - 1>(count, k, in, blocks, w, lanes, zero_point, lo, hi, n, ldc);
  }
  VnniLaneTile<NC, NB>(k, in, blocks, w, lanes, zero_point, lo, hi, n, ldc);
}

// Every row, NC (>= n, even) channels of the panel: blocks of up to 16
// pixels within an output row (a row of 20 as 10 + 10), NB at a time so
// that 16 or more sums are in flight where the registers allow (VPDPBUSD's
// latency: i8-panel-rows-vnni-hwy-inl.h).
template <size_t NC>
MOTE_LANES_VNNI_ATTR HWY_INLINE void VnniPixelLanesOf(size_t m, size_t n, size_t k, const PanelInput& in,
                                                      const int8_t* w, const I8Requant& rq, int8_t* c, size_t ldc) {
  constexpr size_t NB = NC <= 4 ? 4 : NC <= 6 ? 3 : NC <= 12 ? 2 : 1;
  const __m512i zero_point = _mm512_set1_epi64(rq.out_zero_point);
  const __m512i lo = _mm512_set1_epi64(rq.out_min), hi = _mm512_set1_epi64(rq.out_max);
  __m512i sums;
  if (rq.weight_sums != nullptr) {
    sums = LoadSums(rq.weight_sums, 0, n);
  } else {
    const __m512i ones = _mm512_set1_epi8(1);
    sums = _mm512_setzero_si512();
    for (size_t g = 0, quads = I8PanelQuads(k); g < quads; ++g)
      sums = _mm512_dpbusd_epi32(sums, ones, _mm512_loadu_si512(w + g * kPanelChannels * 4));
  }
  LaneConstants lanes;
  FillLaneConstants(ChannelInputsOf(sums, 0, n, rq), &lanes);
  const size_t per_row = (in.row_width + kLanePixels - 1) / kLanePixels;
  const size_t base = in.row_width / per_row, wider = in.row_width % per_row;
  LaneBlock blocks[NB];
  size_t count = 0;
  for (size_t i = 0, row = 0; i < m; ++row) {
    const int8_t* a = in.a + row * in.row_stride;
    for (size_t j = 0, x = 0; j < per_row && i < m; ++j) {
      const size_t width = base + (j < wider), pixels = m - i < width ? m - i : width;
      blocks[count++] = {a + x * in.lda, c + i * ldc, pixels};
      if (count == NB) {
        VnniLaneTile<NC, NB>(k, in, blocks, w, lanes, zero_point, lo, hi, n, ldc);
        count = 0;
      }
      i += pixels;
      x += pixels;
    }
  }
  if (count > 0) VnniLaneTileOf<NC, NB>(count, k, in, blocks, w, lanes, zero_point, lo, hi, n, ldc);
}

// PixelLanesFit's calls: NC = n rounded up to even (the panel's channels
// past n are zero weights; their results are not stored).
MOTE_LANES_VNNI_ATTR inline void VnniPixelLanes(size_t m, size_t n, size_t k, const PanelInput& in, const int8_t* w,
                                                const I8Requant& rq, int8_t* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  switch ((n + 1) / 2) {
    case 1: return VnniPixelLanesOf<2>(m, n, k, in, w, rq, c, ldc);
    case 2: return VnniPixelLanesOf<4>(m, n, k, in, w, rq, c, ldc);
    case 3: return VnniPixelLanesOf<6>(m, n, k, in, w, rq, c, ldc);
    case 4: return VnniPixelLanesOf<8>(m, n, k, in, w, rq, c, ldc);
    case 5: return VnniPixelLanesOf<10>(m, n, k, in, w, rq, c, ldc);
    case 6: return VnniPixelLanesOf<12>(m, n, k, in, w, rq, c, ldc);
    case 7: return VnniPixelLanesOf<14>(m, n, k, in, w, rq, c, ldc);
    default: return VnniPixelLanesOf<16>(m, n, k, in, w, rq, c, ldc);
  }
}
#undef MOTE_LANES_VNNI_ATTR

}  // namespace panels
MOTE_SIMD_END
#endif  // HWY_TARGET == HWY_AVX3_DL

#endif  // MOTE_I8_PANEL_LANES_VNNI_HWY_INL_H_
