// I8PanelRows on AVX-512 VNNI (Highway's AVX3_DL target): the panel layout
// (include/mote/kernels.h) is VPDPBUSD's operand, so one instruction adds 4
// products into each of 16 output channels, against a broadcast group of 4
// input bytes: no horizontal sums. The activations are offset by 128 (XOR
// 0x80) for the unsigned operand and 128 * sum(w) of each channel taken back
// through the bias, exactly as i8-dense-rows-vnni-hwy-inl.h does (wrapping
// int32, so the sums are exact); the requantization is that file's.
// Included by i8-panel-rows-hwy.cc once per target; only AVX3_DL defines
// anything.
#undef MOTE_I8_PANEL_ROWS_VNNI
#if HWY_TARGET == HWY_AVX3_DL
#define MOTE_I8_PANEL_ROWS_VNNI 1
#endif

#if defined(MOTE_I8_PANEL_ROWS_VNNI_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_I8_PANEL_ROWS_VNNI_HWY_INL_H_
#undef MOTE_I8_PANEL_ROWS_VNNI_HWY_INL_H_
#else
#define MOTE_I8_PANEL_ROWS_VNNI_HWY_INL_H_
#endif

#if HWY_TARGET == HWY_AVX3_DL
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

MOTE_SIMD_BEGIN
namespace panels {

#define MOTE_PANEL_VNNI_ATTR __attribute__((target(HWY_TARGET_STR ",avx512vnni")))
#define MOTE_PANEL_R(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define MOTE_PANEL_P(X, r) X(r, 0) X(r, 1) X(r, 2) X(r, 3) X(r, 4)

// Register tile: up to 5 panels (conv3's 80 channels in one pass instead of
// 3 + 2: 13.4 -> 13.1 us on the seed network, with the input read in place).
// Measured on Zen 5 (seed network int8, best of 4, with im2col): 4x3 and 5x3
// 23 us, 6x3 25, 8x2 24.4, 4x4 25, 3x5 30 (GCC spills and copies
// accumulators on the larger tiles).
constexpr size_t kVnniPanels = 5;
// Rows of a tile of P panels: at least 12-16 independent sums per group of
// taps where the registers allow it. VPDPBUSD issues 2 per cycle on Zen 5
// and its result is ready about 7 cycles later (a microbenchmark: 8.6 per ns
// with 20 sums; a group of 5 or 10 sums takes 70 % of a group of 20), so a
// tile of fewer sums waits on its own chains: one panel (the seed's conv1,
// 10 channels) in tiles of 16 rows instead of 8, and two in tiles of 8
// instead of 4, and partial panels stored with one masked store, took the
// seed network from 11.6 to 11.2 us; three (its conv2, 40 channels) in
// tiles of 5 rows instead of 4, 10.4 -> 10.3 (best of 5, interleaved), and
// of 7 (21 sums, 26 registers; its 7-pixel rows in one tile, not 4 + 3),
// about -0.1 us more (mean of 14 interleaved runs).
constexpr size_t TileRows(size_t panels) { return panels == 1 ? 16 : panels == 2 ? 8 : panels == 3 ? 7 : 4; }
template <size_t P>
constexpr size_t RowsOfTile() { return TileRows(P); }
constexpr size_t kVnniMaxRows = 16;

// Where A's rows and runs are (I8PanelRows in include/mote/kernel_list.inc);
// segment <= k, a multiple of 4 unless it is k. columns: rq.columns where
// VnniPanelRows takes them (else null), its sum tables shifted to the
// group's first channel, their rows `column_stride` (the call's n) apart.
struct PanelInput {
  const int8_t* a;
  size_t lda, segment, segment_stride, row_width, row_stride;
  const I8PanelColumns* columns = nullptr;
  const int32_t* column_upper = nullptr;
  const int32_t* column_lower = nullptr;
  size_t column_stride = 0;
};

// A tile's groups of 4 taps in each run: [begin, end) (all: 0, SIZE_MAX);
// with `skipped`, its rows' windows leave out the kernel columns outside
// [first, last) (in.columns), whose products the tile adds from the sums.
// resume: the sums start from `partial` (R x P vectors) instead of 0;
// suspend: they go back there, not yet requantized.
// (Word-sized fields: GCC copies the struct with vector loads, which byte
// stores just before cannot forward to.)
struct TileQuads {
  size_t begin = 0, end = SIZE_MAX;
  size_t skipped = 0;
  size_t first = 0, last = 0;
  __m512i* partial = nullptr;
  size_t resume = 0, suspend = 0;
  // Row ranges (VnniPanelTile's kRanges): kernel column kx of every run
  // multiplies tile rows [range_begin[kx], range_end[kx]) only; row r's
  // kernel columns outside [row_first[r], row_last[r]) are added from the
  // sums (in.columns).
  const uint8_t* range_begin = nullptr;
  const uint8_t* range_end = nullptr;
  const uint8_t* row_first = nullptr;
  const uint8_t* row_last = nullptr;
};

// Walks A's rows in order without a division per row (small convs have
// many short tiles).
struct RowCursor {
  const PanelInput& in;
  size_t block = 0, column = 0;
  const int8_t* Next() {
    const int8_t* row = in.a + block * in.row_stride + column * in.lda;
    if (++column == in.row_width) {
      column = 0;
      ++block;
    }
    return row;
  }
};

// Input bytes [4g, 4g + 4) of a run as one int32; `tail`: only the bytes
// before `len`, the rest 0 (their weights are the zero padding).
template <bool kTail>
MOTE_PANEL_VNNI_ATTR HWY_INLINE int32_t Quad(const int8_t* run, size_t g, size_t len) {
  int32_t v = 0;
  memcpy(&v, run + 4 * g, kTail ? len - 4 * g : 4);
  return v;
}

// The requantization inputs of channels [16q, 16q + 16) (those past n get
// any valid ones: their outputs are dropped): the bias less 128 times the
// channel's weight sum (the activations' offset), plus the skipped taps'
// products if given; the multiplier and the shift.
struct ChannelInputs {
  __m512i bias, multiplier, shift;
};
MOTE_PANEL_VNNI_ATTR HWY_INLINE ChannelInputs ChannelInputsOf(__m512i weight_sums, size_t q, size_t n,
                                                              const I8Requant& rq) {
  // Masked loads: nothing past channel n is read (a row class calls this
  // once per group of panels, so no scalar loop).
  const size_t c0 = q * kPanelChannels, cols = n - c0 < kPanelChannels ? n - c0 : kPanelChannels;
  const __mmask16 real = __mmask16((1u << cols) - 1u);
  const __m512i bias = _mm512_maskz_loadu_epi32(real, rq.bias + c0);
  ChannelInputs in;
  in.multiplier = _mm512_mask_loadu_epi32(_mm512_set1_epi32(int32_t(1) << 30), real, rq.multiplier + c0);
  in.shift = _mm512_mask_loadu_epi32(_mm512_set1_epi32(32), real, rq.shift + c0);
  in.bias = _mm512_sub_epi32(bias, _mm512_slli_epi32(weight_sums, 7));  // wrapping, as uint32
  if (rq.skipped_weight_sums != nullptr)
    in.bias = _mm512_add_epi32(in.bias, _mm512_mullo_epi32(_mm512_set1_epi32(rq.skipped_input),
                                                           _mm512_maskz_loadu_epi32(real, rq.skipped_weight_sums + c0)));
  return in;
}

// Their requantization constants (channels in lanes).
MOTE_PANEL_VNNI_ATTR HWY_INLINE void FillChannels(__m512i weight_sums, size_t q, size_t n, const I8Requant& rq,
                                                  rows::VnniChannels* chn) {
  const ChannelInputs in = ChannelInputsOf(weight_sums, q, n, rq);
  *chn = rows::VnniChannelsOf(in.bias, in.multiplier, in.shift);
}

// Channels [16q, 16q + 16)'s given weight sums (those past n: 0).
MOTE_PANEL_VNNI_ATTR HWY_INLINE __m512i LoadSums(const int32_t* weight_sums, size_t q, size_t n) {
  const size_t c0 = q * kPanelChannels, cols = n - c0 < kPanelChannels ? n - c0 : kPanelChannels;
  return _mm512_maskz_loadu_epi32(__mmask16((1u << cols) - 1u), weight_sums + c0);
}

// Channels [16q, 16q + 16)'s weight sums over the call's kernel rows and the
// kernel columns outside [b, e): columns < b, plus all, less columns < e.
MOTE_PANEL_VNNI_ATTR HWY_INLINE __m512i ColumnSums(const PanelInput& in, size_t b, size_t e, size_t q, size_t n) {
  const size_t s = in.column_stride, count = in.columns->count;
  const auto below = [&](size_t column) MOTE_PANEL_VNNI_ATTR {
    return _mm512_sub_epi32(LoadSums(in.column_upper + column * s, q, n), LoadSums(in.column_lower + column * s, q, n));
  };
  return _mm512_add_epi32(below(b), _mm512_sub_epi32(below(count), below(e)));
}

// Each weight vector loaded once per group of 4 taps: without this, GCC
// folds the loads of small tiles (R <= 3) into every VPDPBUSD's memory
// operand, R loads of each vector, and 3-row tiles ran at half the speed of
// 4-row ones (seed conv3, Zen 5).
template <size_t P>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void KeepInRegisters(__m512i& v0, __m512i& v1, __m512i& v2, __m512i& v3,
                                                     __m512i& v4) {
  asm("" : "+v"(v0));
  if constexpr (P > 1) asm("" : "+v"(v1));
  if constexpr (P > 2) asm("" : "+v"(v2));
  if constexpr (P > 3) asm("" : "+v"(v3));
  if constexpr (P > 4) asm("" : "+v"(v4));
}

// Rows [row0, row0 + R) x panels [0, P) of dot products (offset
// activations): acc[r][q] holds 16 channels' sums, run by run. Then bias,
// requantization, store. kSums (the first tile of a group of panels): also
// sums the weights while they pass and fills channels[0, P) from them (n, rq:
// of the group's first panel).
template <size_t R, size_t P, bool kSums, bool kRanges = false>
MOTE_PANEL_VNNI_ATTR HWY_NOINLINE void VnniPanelTile(size_t k, const PanelInput& in, const int8_t* const* rows,
                                                     const TileQuads& tq, const int8_t* w, size_t ldp,
                                                     rows::VnniChannels* channels, const I8Requant& rq,
                                                     __m512i zero_point, __m512i lo, __m512i hi, int8_t* const* c_rows,
                                                     size_t n) {
  const __m512i flip = _mm512_set1_epi8(char(0x80)), ones = _mm512_set1_epi8(1);
  __m512i sums0 = _mm512_setzero_si512(), sums1 = sums0, sums2 = sums0, sums3 = sums0, sums4 = sums0;
#define MOTE_PANEL_DECLARE(r, q) __m512i acc##r##q = _mm512_setzero_si512();
#define MOTE_PANEL_ROW(r) \
  MOTE_PANEL_P(MOTE_PANEL_DECLARE, r) const int8_t* a##r = rows[R > r ? r : 0];
  MOTE_PANEL_R(MOTE_PANEL_ROW)
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_DECLARE
#define MOTE_PANEL_LOAD(r, q) \
  if constexpr (R > r && P > q) acc##r##q = _mm512_load_si512(tq.partial + r * P + q);
#define MOTE_PANEL_ROW(r) MOTE_PANEL_P(MOTE_PANEL_LOAD, r)
  if (tq.resume) {
    MOTE_PANEL_R(MOTE_PANEL_ROW)
  }
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_LOAD
  // One group of 4 taps: P weight vectors against each row's broadcast quad.
#define MOTE_PANEL_MAC(r, q) \
  if constexpr (P > q) acc##r##q = _mm512_dpbusd_epi32(acc##r##q, x, v##q);
#define MOTE_PANEL_ROW(r)                                                                 \
  if constexpr (R > r && kLo <= r && r < kHi) {                                           \
    const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(Quad<kTail>(a##r + off, g, len)), flip); \
    MOTE_PANEL_P(MOTE_PANEL_MAC, r)                                                       \
  }
#define MOTE_PANEL_STEP(kTail)                                              \
  {                                                                         \
    const int8_t* wg = wr + g * kPanelChannels * 4;                         \
    __m512i v0 = _mm512_loadu_si512(wg);                              \
    __m512i v1 = P > 1 ? _mm512_loadu_si512(wg + ldp) : v0;           \
    __m512i v2 = P > 2 ? _mm512_loadu_si512(wg + 2 * ldp) : v0;       \
    __m512i v3 = P > 3 ? _mm512_loadu_si512(wg + 3 * ldp) : v0;       \
    __m512i v4 = P > 4 ? _mm512_loadu_si512(wg + 4 * ldp) : v0;             \
    KeepInRegisters<P>(v0, v1, v2, v3, v4);                                 \
    if constexpr (kSums) {                                                  \
      sums0 = _mm512_dpbusd_epi32(sums0, ones, v0);                         \
      if constexpr (P > 1) sums1 = _mm512_dpbusd_epi32(sums1, ones, v1);    \
      if constexpr (P > 2) sums2 = _mm512_dpbusd_epi32(sums2, ones, v2);    \
      if constexpr (P > 3) sums3 = _mm512_dpbusd_epi32(sums3, ones, v3);    \
      if constexpr (P > 4) sums4 = _mm512_dpbusd_epi32(sums4, ones, v4);    \
    }                                                                       \
    MOTE_PANEL_R(MOTE_PANEL_ROW)                                            \
  }
  // Run by run: the weights go on in p order (a run's first tap p0 is a
  // multiple of 4, so its quads start at byte p0 * 16 of a panel).
  if constexpr (!kRanges) {
    constexpr size_t kLo = 0, kHi = R;
    for (size_t p0 = 0, off = 0; p0 < k; p0 += in.segment, off += in.segment_stride) {
      const size_t len = k - p0 < in.segment ? k - p0 : in.segment, quads = len / 4;
      const int8_t* wr = w + p0 * kPanelChannels;
      for (size_t g = tq.begin, end = quads < tq.end ? quads : tq.end; g < end; ++g) {
        constexpr bool kTail = false;
        MOTE_PANEL_STEP(kTail)
      }
      if (len % 4 != 0 && tq.end > quads) {
        constexpr bool kTail = true;
        const size_t g = quads;
        MOTE_PANEL_STEP(kTail)
      }
    }
  } else {
    // Kernel column by kernel column, each on its rows only (whole quads:
    // runs of count * quads of them).
    static_assert(R <= 5, "MOTE_PANEL_RANGES covers these tiles");
    constexpr bool kTail = false;
    const size_t len = in.segment, quads = in.columns->quads, count = in.columns->count;
    for (size_t p0 = 0, off = 0; p0 < k; p0 += in.segment, off += in.segment_stride) {
      const int8_t* wr = w + p0 * kPanelChannels;
      for (size_t kx = 0; kx < count; ++kx) {
        const size_t g_end = (kx + 1) * quads;
        switch (tq.range_begin[kx] * 8 + tq.range_end[kx]) {
#define MOTE_PANEL_RANGE_CASE(lo, hi)                                  \
  case lo * 8 + hi:                                                    \
    if constexpr (hi <= R) {                                           \
      constexpr size_t kLo = lo, kHi = hi;                             \
      for (size_t g = kx * quads; g < g_end; ++g) MOTE_PANEL_STEP(kTail) \
    }                                                                  \
    break;
          MOTE_PANEL_RANGE_CASE(0, 1) MOTE_PANEL_RANGE_CASE(0, 2) MOTE_PANEL_RANGE_CASE(0, 3)
          MOTE_PANEL_RANGE_CASE(0, 4) MOTE_PANEL_RANGE_CASE(0, 5) MOTE_PANEL_RANGE_CASE(1, 2)
          MOTE_PANEL_RANGE_CASE(1, 3) MOTE_PANEL_RANGE_CASE(1, 4) MOTE_PANEL_RANGE_CASE(1, 5)
          MOTE_PANEL_RANGE_CASE(2, 3) MOTE_PANEL_RANGE_CASE(2, 4) MOTE_PANEL_RANGE_CASE(2, 5)
          MOTE_PANEL_RANGE_CASE(3, 4) MOTE_PANEL_RANGE_CASE(3, 5) MOTE_PANEL_RANGE_CASE(4, 5)
#undef MOTE_PANEL_RANGE_CASE
          default: break;  // no row reads this kernel column
        }
      }
    }
  }
#undef MOTE_PANEL_STEP
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_MAC
#define MOTE_PANEL_SAVE(r, q) \
  if constexpr (R > r && P > q) _mm512_store_si512(tq.partial + r * P + q, acc##r##q);
#define MOTE_PANEL_ROW(r) MOTE_PANEL_P(MOTE_PANEL_SAVE, r)
  if (tq.suspend) {
    MOTE_PANEL_R(MOTE_PANEL_ROW)
    return;
  }
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_SAVE
  if constexpr (kSums) {
    FillChannels(sums0, 0, n, rq, &channels[0]);
    if constexpr (P > 1) FillChannels(sums1, 1, n, rq, &channels[1]);
    if constexpr (P > 2) FillChannels(sums2, 2, n, rq, &channels[2]);
    if constexpr (P > 3) FillChannels(sums3, 3, n, rq, &channels[3]);
    if constexpr (P > 4) FillChannels(sums4, 4, n, rq, &channels[4]);
  }
  if constexpr (kRanges) {
    // Each row's left-out columns, as below; nothing to add when the
    // padding is -128 (the offset input is 0: a ReLU's output).
    const uint32_t factor = 128u + uint32_t(rq.skipped_input);
#define MOTE_PANEL_ROW_SKIPPED(r, q)                                                                          \
  if constexpr (P > q) {                                                                                    \
    acc##r##q = _mm512_add_epi32(                                                                           \
        acc##r##q, _mm512_mullo_epi32(_mm512_set1_epi32(int32_t(factor)),                                  \
                                      ColumnSums(in, tq.row_first[r], tq.row_last[r], q, n)));            \
  }
#define MOTE_PANEL_ROW(r)                                                                                   \
  if constexpr (R > r) {                                                                                    \
    if (tq.row_first[r] != 0 || tq.row_last[r] != in.columns->count) { MOTE_PANEL_P(MOTE_PANEL_ROW_SKIPPED, r) } \
  }
    if (factor != 0) {
      MOTE_PANEL_R(MOTE_PANEL_ROW)
    }
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_ROW_SKIPPED
  }
  if (tq.skipped && 128u + uint32_t(rq.skipped_input) != 0) {
    // (128 + the padding's value) * the skipped columns' weight sums: the
    // offset and the products the tile left out (FillChannels took those of
    // the skipped kernel rows only). Wrapping.
    const __m512i factor = _mm512_set1_epi32(int32_t(128u + uint32_t(rq.skipped_input)));
#define MOTE_PANEL_COLUMN_SUMS(q) \
  const __m512i skipped##q = P > q ? _mm512_mullo_epi32(factor, ColumnSums(in, tq.first, tq.last, q, n)) : factor;
    MOTE_PANEL_COLUMN_SUMS(0) MOTE_PANEL_COLUMN_SUMS(1) MOTE_PANEL_COLUMN_SUMS(2) MOTE_PANEL_COLUMN_SUMS(3)
    MOTE_PANEL_COLUMN_SUMS(4)
#undef MOTE_PANEL_COLUMN_SUMS
#define MOTE_PANEL_ADD(r, q) \
  if constexpr (P > q) acc##r##q = _mm512_add_epi32(acc##r##q, skipped##q);
#define MOTE_PANEL_ROW(r) \
  if constexpr (R > r) { MOTE_PANEL_P(MOTE_PANEL_ADD, r) }
    MOTE_PANEL_R(MOTE_PANEL_ROW)
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_ADD
  }
#define MOTE_PANEL_STORE(r, q)                                                                            \
  if constexpr (P > q) {                                                                                  \
    const size_t cols = n - q * kPanelChannels < kPanelChannels ? n - q * kPanelChannels : kPanelChannels; \
    const __m128i bytes = rows::VnniRequantize(acc##r##q, channels[q], zero_point, lo, hi);               \
    int8_t* dst = c_rows[r] + q * kPanelChannels;                                                         \
    _mm_mask_storeu_epi8(dst, __mmask16((1u << cols) - 1u), bytes);                                       \
  }
#define MOTE_PANEL_ROW(r) \
  if constexpr (R > r) { MOTE_PANEL_P(MOTE_PANEL_STORE, r) }
  MOTE_PANEL_R(MOTE_PANEL_ROW)
#undef MOTE_PANEL_ROW
#undef MOTE_PANEL_STORE
}

static_assert(RowsOfTile<1>() <= kVnniMaxRows && RowsOfTile<2>() <= kVnniMaxRows && RowsOfTile<3>() <= kVnniMaxRows &&
                  kVnniPanels == 5,
              "MOTE_PANEL_R and MOTE_PANEL_P cover these tiles");

// A tile of `rows` (1..R) rows: VnniPanelTile<rows, P, kSums, kRanges>.
template <size_t R, size_t P, bool kSums, bool kRanges = false>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelTileOfHeight(size_t rows, size_t k, const PanelInput& in,
                                                           const int8_t* const* a, const TileQuads& tq,
                                                           const int8_t* w, size_t ldp, rows::VnniChannels* channels,
                                                           const I8Requant& rq, __m512i zero_point, __m512i lo,
                                                           __m512i hi, int8_t* const* c_rows, size_t n) {
  if constexpr (R > 1) {
    if (rows < R)
      return VnniPanelTileOfHeight<R - 1, P, kSums, kRanges>(rows, k, in, a, tq, w, ldp, channels, rq, zero_point, lo,
                                                             hi, c_rows, n);
  }
  VnniPanelTile<R, P, kSums, kRanges>(k, in, a, tq, w, ldp, channels, rq, zero_point, lo, hi, c_rows, n);
}

// The next min(rows, RowsOfTile<P>()) rows of `cursor` (the last tile's rows
// included).
template <size_t P, bool kSums>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelTileAt(size_t rows, size_t k, const PanelInput& in, RowCursor* cursor,
                                                     const int8_t* w, size_t ldp, rows::VnniChannels* channels,
                                                     const I8Requant& rq, __m512i zero_point, __m512i lo, __m512i hi,
                                                     int8_t* c, size_t ldc, size_t n) {
  const int8_t* a[RowsOfTile<P>()];
  int8_t* c_rows[RowsOfTile<P>()];
  for (size_t r = 0; r < RowsOfTile<P>() && r < rows; ++r) {
    a[r] = cursor->Next();
    c_rows[r] = c + r * ldc;
  }
  VnniPanelTileOfHeight<RowsOfTile<P>(), P, kSums>(rows, k, in, a, TileQuads{}, w, ldp, channels, rq, zero_point, lo,
                                                   hi, c_rows, n);
}

// Every row against P panels: the first tile also fills the panels'
// requantization constants (their weight sums; none sums them when the
// caller gives them), the others use them.
template <size_t P>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelRowsOf(size_t m, size_t k, const PanelInput& in, const int8_t* w,
                                                      size_t ldp, const I8Requant& rq, __m512i zero_point, __m512i lo,
                                                      __m512i hi, int8_t* c, size_t ldc, size_t n) {
  rows::VnniChannels channels[P];
  // As few tiles as kRows allows, their heights within one of each other
  // (21 rows: 4 4 4 3 3 3, not 4 4 4 4 4 1: a lone row is latency-bound).
  constexpr size_t kRows = RowsOfTile<P>();
  const size_t tiles = (m + kRows - 1) / kRows, base = m / tiles, taller = m % tiles;
  RowCursor cursor{in};
  size_t t = 0, i = 0;
  if (rq.weight_sums != nullptr) {  // given: no tile sums the weights
    for (size_t q = 0; q < P; ++q) FillChannels(LoadSums(rq.weight_sums, q, n), q, n, rq, &channels[q]);
  } else {
    VnniPanelTileAt<P, true>(base + (taller > 0), k, in, &cursor, w, ldp, channels, rq, zero_point, lo, hi, c, ldc, n);
    t = 1;
    i = base + (taller > 0);
  }
  for (; t < tiles; ++t) {
    const size_t height = base + (t < taller);
    VnniPanelTileAt<P, false>(height, k, in, &cursor, w, ldp, channels, rq, zero_point, lo, hi, c + i * ldc, ldc, n);
    i += height;
  }
}

// With in.columns: output column by output column (x = i % row_width), its
// pixels down the m / row_width blocks in tiles, each on the kernel columns
// inside the image only (the weight sums given, so no tile sums them). The
// tiles skip into each run, which the hardware prefetcher does not follow,
// so a chunk of columns' tiles goes run by run (their sums kept on the
// stack between runs): a run's weights (one kernel row, 16 KB for 80
// channels x 5 x 40 taps) stay in L1 for every tile.
template <size_t P>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelColumnsOf(size_t m, size_t k, const PanelInput& in, const int8_t* w,
                                                         size_t ldp, const I8Requant& rq, __m512i zero_point,
                                                         __m512i lo, __m512i hi, int8_t* c, size_t ldc, size_t n,
                                                         rows::VnniChannels* channels) {
  const I8PanelColumns& cols = *in.columns;
  constexpr size_t kRows = RowsOfTile<P>(), kPartialVectors = 256;  // 16 KB
  alignas(64) __m512i partial[kPartialVectors];
  const size_t blocks = m / in.row_width;
  const size_t tiles = (blocks + kRows - 1) / kRows, base = blocks / tiles, taller = blocks % tiles;
  const size_t per_column = tiles * kRows * P, runs = k / in.segment;
  // Columns per chunk: as many as the stack's sums hold (none: every tile
  // on all runs at once).
  const size_t chunk = per_column <= kPartialVectors ? kPartialVectors / per_column : 0;
  // Runs per pass: as many as 32 KB of weights hold (L1 is 48 KB on Zen 5).
  const size_t run_bytes = in.segment * kPanelChannels * P;
  const size_t pass_runs = chunk == 0 ? runs : (run_bytes * 2 <= 32768 ? 32768 / run_bytes : 1);
  const size_t passes = (runs + pass_runs - 1) / pass_runs;
  const size_t columns_per_chunk = chunk > 0 ? chunk : 1;
  for (size_t x0 = 0; x0 < in.row_width; x0 += columns_per_chunk) {
    const size_t x_end = in.row_width - x0 > columns_per_chunk ? x0 + columns_per_chunk : in.row_width;
    for (size_t pass = 0; pass < passes; ++pass) {
      for (size_t x = x0; x < x_end; ++x) {
        TileQuads tq;
        size_t first = cols.begin[x], last = cols.end[x];
        // Kept scalar: GCC packed the two bytes through a stack slot into
        // one vector, and the store did not forward to the load (11 % of a
        // call's time).
        asm("" : "+r"(first), "+r"(last));
        tq.first = first;
        tq.last = last;
        tq.begin = tq.first * cols.quads;
        tq.end = tq.last * cols.quads;
        tq.skipped = tq.first != 0 || tq.last != cols.count;
        tq.resume = pass > 0;
        tq.suspend = pass + 1 < passes;
        const size_t first_run = pass * pass_runs;
        const size_t pass_taps = (runs - first_run < pass_runs ? runs - first_run : pass_runs) * in.segment;
        for (size_t t = 0, block = 0; t < tiles; ++t) {
          const size_t height = base + (t < taller);
          // (Without chunks no pass suspends: no sums to keep.)
          tq.partial = chunk > 0 ? partial + ((x - x0) * tiles + t) * kRows * P : nullptr;
          const int8_t* a[kRows];
          int8_t* c_rows[kRows];
          for (size_t r = 0; r < height; ++r) {
            a[r] = in.a + (block + r) * in.row_stride + x * in.lda + first_run * in.segment_stride;
            c_rows[r] = c + ((block + r) * in.row_width + x) * ldc;
          }
          VnniPanelTileOfHeight<kRows, P, false>(height, pass_taps, in, a, tq, w + first_run * in.segment * kPanelChannels,
                                                 ldp, channels, rq, zero_point, lo, hi, c_rows, n);
          block += height;
        }
      }
    }
  }
}

// With in.columns, output rows too short for column tiles (blocks of
// too few rows): each output row in row tiles of every tiles-th pixel (7
// as 0 2 4 6 and 1 3 5), each kernel column multiplying only the tile's
// pixels whose windows have it inside the image. Sorted by x, those
// pixels are a range of the tile's rows (a window's kernel columns inside
// the image shift left as x grows), and spreading the edge pixels over the
// tiles keeps 3 or more of a tile's rows busy on every kernel column (15+
// sums in flight: RowsOfTile). A tile whose ranges would not be ranges
// (columns no conv gives) reads its padding instead.
template <size_t P>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelRowRangesOf(size_t m, size_t k, const PanelInput& in, const int8_t* w,
                                                           size_t ldp, const I8Requant& rq, __m512i zero_point,
                                                           __m512i lo, __m512i hi, int8_t* c, size_t ldc, size_t n,
                                                           rows::VnniChannels* channels) {
  const I8PanelColumns& cols = *in.columns;
  constexpr size_t kRows = RowsOfTile<P>() < 5 ? RowsOfTile<P>() : 5;  // (MOTE_PANEL_RANGE_CASE's)
  const size_t width = in.row_width, tiles = (width + kRows - 1) / kRows;
  uint8_t range_begin[256], range_end[256], row_first[kRows], row_last[kRows];
  for (size_t row = 0; row * width < m; ++row) {
    for (size_t t = 0; t < tiles; ++t) {
      const int8_t* a[kRows];
      int8_t* c_rows[kRows];
      size_t height = 0;
      for (size_t x = t; x < width; x += tiles, ++height) {
        a[height] = in.a + row * in.row_stride + x * in.lda;
        c_rows[height] = c + (row * width + x) * ldc;
        row_first[height] = cols.begin[x];
        row_last[height] = cols.end[x];
      }
      // Ranges where both ends never grow with x (a conv's columns): the
      // rows holding kernel column kx start after those whose first column
      // is past kx and end before those whose last one is not. Counted
      // without branches (a loop of data-dependent ones was 1.6 % of the
      // seed network's time).
      bool ranges = true;
      for (size_t r = 1; r < height; ++r)
        ranges = ranges && row_first[r] <= row_first[r - 1] && row_last[r] <= row_last[r - 1];
      for (size_t kx = 0; kx < cols.count; ++kx) {
        size_t b = 0, e = 0;
        for (size_t r = 0; r < height; ++r) {
          b += row_first[r] > kx;
          e += row_last[r] > kx;
        }
        range_begin[kx] = uint8_t(b < e ? b : 0);
        range_end[kx] = uint8_t(b < e ? e : 0);
      }
      TileQuads tq;
      if (ranges) {
        tq.range_begin = range_begin;
        tq.range_end = range_end;
        tq.row_first = row_first;
        tq.row_last = row_last;
        VnniPanelTileOfHeight<kRows, P, false, true>(height, k, in, a, tq, w, ldp, channels, rq, zero_point, lo, hi,
                                                     c_rows, n);
      } else {
        VnniPanelTileOfHeight<kRows, P, false>(height, k, in, a, tq, w, ldp, channels, rq, zero_point, lo, hi, c_rows,
                                               n);
      }
    }
  }
}

// A group with kernel columns to leave out (the weight sums given: no tile
// sums them): column tiles (by_columns) or row tiles with each kernel
// column on its pixels only.
template <size_t P>
MOTE_PANEL_VNNI_ATTR HWY_INLINE void VnniPanelColumnGroup(bool by_columns, size_t m, size_t k, const PanelInput& in,
                                                          const int8_t* w, size_t ldp, const I8Requant& rq,
                                                          __m512i zero_point, __m512i lo, __m512i hi, int8_t* c,
                                                          size_t ldc, size_t n) {
  rows::VnniChannels channels[P];
  for (size_t q = 0; q < P; ++q) FillChannels(LoadSums(rq.weight_sums, q, n), q, n, rq, &channels[q]);
  if (by_columns) return VnniPanelColumnsOf<P>(m, k, in, w, ldp, rq, zero_point, lo, hi, c, ldc, n, channels);
  VnniPanelRowRangesOf<P>(m, k, in, w, ldp, rq, zero_point, lo, hi, c, ldc, n, channels);
}

// Panels in groups of up to kVnniPanels, every row per group.
MOTE_PANEL_VNNI_ATTR inline void VnniPanelRows(size_t m, size_t n, size_t k, const PanelInput& in, const int8_t* w,
                                               size_t ldp, const I8Requant& rq, int8_t* c, size_t ldc) {
  if (m == 0) return;
  const __m512i zero_point = _mm512_set1_epi64(rq.out_zero_point);
  const __m512i lo = _mm512_set1_epi64(rq.out_min), hi = _mm512_set1_epi64(rq.out_max);
  const size_t panel_count = PanelCount(n);
  // Kernel columns are left out where the runs are whole groups of them,
  // the weight sums are given (no tile sums the weights over every tap)
  // and the calls are whole output rows.
  const I8PanelColumns* columns = rq.columns;
  if (columns != nullptr && (rq.weight_sums == nullptr || in.segment != 4 * columns->quads * columns->count ||
                             in.segment == 0 || k % in.segment != 0 || m % in.row_width != 0 ||
                             columns->count > 255))  // (uint8_t column indices, VnniPanelRowRangesOf's tables)
    columns = nullptr;
  for (size_t q0 = 0; q0 < panel_count; q0 += kVnniPanels) {
    const size_t group = panel_count - q0 < kVnniPanels ? panel_count - q0 : kVnniPanels;
    // The group's channels from 0: requantization tables shifted to them.
    const size_t c0 = q0 * kPanelChannels;
    const I8Requant part{rq.bias + c0,      rq.multiplier + c0, rq.shift + c0,
                         rq.out_zero_point, rq.out_min,         rq.out_max,
                         rq.weight_sums != nullptr ? rq.weight_sums + c0 : nullptr,
                         rq.skipped_weight_sums != nullptr ? rq.skipped_weight_sums + c0 : nullptr,
                         rq.skipped_input};
    const int8_t* wq = w + q0 * ldp;
    if (columns != nullptr && group >= 3) {
      PanelInput group_in = in;
      group_in.columns = columns;
      group_in.column_upper = columns->upper + c0;
      group_in.column_lower = columns->lower + c0;
      group_in.column_stride = n;
      // Column by column only where each column's tiles still keep 12 or
      // more sums in flight (fewer wait on VPDPBUSD's latency: RowsOfTile).
      const size_t blocks = m / in.row_width, tiles = (blocks + TileRows(group) - 1) / TileRows(group);
      const bool by_columns = blocks / tiles * group >= 12;
      switch (group) {
        case 3:
          VnniPanelColumnGroup<3>(by_columns, m, k, group_in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0);
          break;
        case 4:
          VnniPanelColumnGroup<4>(by_columns, m, k, group_in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0);
          break;
        default:
          VnniPanelColumnGroup<5>(by_columns, m, k, group_in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0);
          break;
      }
      continue;
    }
    switch (group) {
      case 1: VnniPanelRowsOf<1>(m, k, in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0); break;
      case 2: VnniPanelRowsOf<2>(m, k, in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0); break;
      case 3: VnniPanelRowsOf<3>(m, k, in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0); break;
      case 4: VnniPanelRowsOf<4>(m, k, in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0); break;
      default: VnniPanelRowsOf<5>(m, k, in, wq, ldp, part, zero_point, lo, hi, c + c0, ldc, n - c0); break;
    }
  }
}
#undef MOTE_PANEL_P
#undef MOTE_PANEL_R
#undef MOTE_PANEL_VNNI_ATTR

}  // namespace panels
MOTE_SIMD_END
#endif  // HWY_TARGET == HWY_AVX3_DL

#endif  // MOTE_I8_PANEL_ROWS_VNNI_HWY_INL_H_
