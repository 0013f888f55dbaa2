// F32DenseInputMajor, written once for both SIMD backends (included by
// f32-dense-input-major-{hwy,xsimd}.cc once per target, after their adapter
// and their NonzeroIndices(x, begin, end, idx) -> count: the p in [begin,
// end) with x[p] != 0, ascending, into idx, which has room for end - begin +
// simd::kMaxLanes). Per block of up to 4 vectors of outputs and per chunk of
// kChunk inputs, the nonzero inputs' weight rows are multiplied into two
// sets of accumulators (the even and odd nonzeros: two independent chains of
// fused multiply-adds), whose sum is added to the block's running sums: no
// sum runs over more than kChunk / 2 terms, so the rounding stays that of
// F32DenseRows's lane-wise sums (an export's fp32 outputs match the default
// layout's to its tolerance). Bias and clamp per output as in scalar.
#include "src/kernels/dense-rows.h"

MOTE_SIMD_BEGIN
namespace input_major {

constexpr size_t kBlockVectors = 4;
constexpr size_t kChunk = 128;
// The rows of nonzero inputs are scattered (the hardware prefetcher sees
// gaps): each pair of rows asks for the lines of the pair 8 rows ahead
// (about 10 % off the seed network's dense1 with its weights partly in L3).
constexpr size_t kPrefetchRows = 8;
constexpr size_t kLineFloats = 16;  // a 64-byte cache line  // inputs per chunk (their nonzero indices gathered at once)

// out[0, NV * L) = sum over nonzero x[p] of x[p] * the NV vectors at row p
// of w (columns from w, `cols` of them valid). Rows [0, whole_rows) are read
// whole in place (the columns past `cols` land in unused lanes); the rest,
// whose last vector would read past w's end, from a zero-padded copy.
template <size_t NV>
MOTE_SIMD_NOINLINE void Block(size_t k, size_t whole_rows, const float* x, const float* w, size_t ldw, size_t cols,
                              float* out) {
  using V = simd::V;
  const size_t lanes = simd::Lanes();
  for (size_t j = 0; j < NV * lanes; ++j) out[j] = 0.0f;
#define MOTE_INPUT_MAJOR_ROW(acc0, acc1, acc2, acc3, xp, row)                    \
  {                                                                              \
    const V xv = simd::Set(xp);                                                  \
    acc0 = simd::MulAdd(xv, simd::Load(row), acc0);                              \
    if constexpr (NV > 1) acc1 = simd::MulAdd(xv, simd::Load(row + lanes), acc1); \
    if constexpr (NV > 2) acc2 = simd::MulAdd(xv, simd::Load(row + 2 * lanes), acc2); \
    if constexpr (NV > 3) acc3 = simd::MulAdd(xv, simd::Load(row + 3 * lanes), acc3); \
  }
  uint32_t idx[kChunk + simd::kMaxLanes];
  float padded[kBlockVectors * simd::kMaxLanes];
  for (size_t begin = 0; begin < k; begin += kChunk) {
    const size_t end = k - begin < kChunk ? k : begin + kChunk;
    const size_t whole_end = end < whole_rows ? end : (begin > whole_rows ? begin : whole_rows);
    V a0 = simd::Zero(), a1 = simd::Zero(), a2 = simd::Zero(), a3 = simd::Zero();
    V b0 = simd::Zero(), b1 = simd::Zero(), b2 = simd::Zero(), b3 = simd::Zero();
    const size_t count = NonzeroIndices(x, begin, whole_end, idx);
    size_t i = 0;
    for (; i + 2 <= count; i += 2) {
      const size_t p = idx[i], q = idx[i + 1];
      if (i + kPrefetchRows + 1 < count) {
        const float* r0 = w + size_t(idx[i + kPrefetchRows]) * ldw;
        const float* r1 = w + size_t(idx[i + kPrefetchRows + 1]) * ldw;
        for (size_t o = 0; o < NV * lanes; o += kLineFloats) {
          __builtin_prefetch(r0 + o);
          __builtin_prefetch(r1 + o);
        }
      }
      MOTE_INPUT_MAJOR_ROW(a0, a1, a2, a3, x[p], w + p * ldw)
      MOTE_INPUT_MAJOR_ROW(b0, b1, b2, b3, x[q], w + q * ldw)
    }
    if (i < count) MOTE_INPUT_MAJOR_ROW(a0, a1, a2, a3, x[idx[i]], w + size_t(idx[i]) * ldw)
    for (size_t p = whole_end; p < end; ++p) {
      if (x[p] == 0.0f) continue;
      for (size_t j = 0; j < NV * lanes; ++j) padded[j] = j < cols ? w[p * ldw + j] : 0.0f;
      MOTE_INPUT_MAJOR_ROW(a0, a1, a2, a3, x[p], padded)
    }
    simd::Store(simd::Add(simd::Load(out), simd::Add(a0, b0)), out);
    if constexpr (NV > 1) simd::Store(simd::Add(simd::Load(out + lanes), simd::Add(a1, b1)), out + lanes);
    if constexpr (NV > 2) simd::Store(simd::Add(simd::Load(out + 2 * lanes), simd::Add(a2, b2)), out + 2 * lanes);
    if constexpr (NV > 3) simd::Store(simd::Add(simd::Load(out + 3 * lanes), simd::Add(a3, b3)), out + 3 * lanes);
  }
#undef MOTE_INPUT_MAJOR_ROW
}

}  // namespace input_major

void F32DenseInputMajor(size_t n, size_t k, const float* x, const float* w, size_t ldw, const float* bias, float lo,
                        float hi, float* y) {
  const size_t lanes = simd::Lanes();
  const size_t block = input_major::kBlockVectors * lanes;
  const F32BiasClamp finish{bias, lo, hi};
  float out[input_major::kBlockVectors * simd::kMaxLanes];
  for (size_t j0 = 0; j0 < n; j0 += block) {
    const size_t cols = n - j0 < block ? n - j0 : block;
    const size_t vectors = (cols + lanes - 1) / lanes;
    // Rows whose `vectors` vectors from column j0 end inside w, which holds
    // (k - 1) * ldw + n floats.
    const size_t span = j0 + vectors * lanes, floats = k == 0 ? 0 : (k - 1) * ldw + n;
    size_t whole_rows = floats >= span ? (floats - span) / ldw + 1 : 0;
    whole_rows = whole_rows < k ? whole_rows : k;
    switch (vectors) {
      case 1: input_major::Block<1>(k, whole_rows, x, w + j0, ldw, cols, out); break;
      case 2: input_major::Block<2>(k, whole_rows, x, w + j0, ldw, cols, out); break;
      case 3: input_major::Block<3>(k, whole_rows, x, w + j0, ldw, cols, out); break;
      default: input_major::Block<4>(k, whole_rows, x, w + j0, ldw, cols, out); break;
    }
    for (size_t j = 0; j < cols; ++j) y[j0 + j] = finish(j0 + j, out[j]);
  }
}

size_t F32DenseInputMajorLanes() { return simd::Lanes(); }
MOTE_SIMD_END
