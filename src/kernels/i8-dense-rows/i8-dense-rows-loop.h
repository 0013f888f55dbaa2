// I8DenseRows, written once for both SIMD backends (included by
// i8-dense-rows-{hwy,xsimd}.cc after their adapter and dense-rows ops, once
// per target): the shared register blocking (dense-rows-loop.h) with exact
// int32 sums, then the scalar requantization per output: bit-identical to the
// scalar kernel. Targets with int8 dot-product instructions define
// MOTE_I8_DENSE_ROWS_VNNI and their own blocking (i8-dense-rows-vnni-hwy-inl.h),
// I8DenseBlocks too; elsewhere it runs the same int8 operations per chunk.
#include "src/kernels/dense-rows-loop.h"
#include "src/kernels/dense-rows.h"

MOTE_SIMD_BEGIN
void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
#ifdef MOTE_I8_DENSE_ROWS_VNNI
  rows::VnniDenseRows(m, n, k, a, lda, w, ldw, requant, c, ldc);
#else
  rows::DenseRows(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
#endif
}
#ifndef MOTE_I8_DENSE_ROWS_VNNI
namespace rows {
// I8DenseBlocks with the int8 operations of I8DenseRows (RowsOps<int8_t>):
// a block's 4 channels against each whole chunk a step at a time, the last
// partial chunk in scalar; exact int32 sums, so the reference's bytes.
// Vectors wider than a chunk (or not dividing it) take the reference loop.
inline void DenseBlocks(size_t n, size_t k, const int8_t* a, const int8_t* w, const I8Requant& requant,
                        int8_t* c) {
  using O = RowsOps<int8_t>;
  const size_t step = O::Step();
  if (step > kDenseBlockChunk || kDenseBlockChunk % step != 0)
    return I8DenseBlocksReference(n, k, a, w, requant, c);
  constexpr size_t kChunk = kDenseBlockChunk, kBlockStep = kDenseBlockChannels * kDenseBlockChunk;
  const size_t whole = k - k % kChunk;
  const I8BiasRequantize finish{requant};
  for (size_t j = 0; j < n; j += kDenseBlockChannels) {
    const int8_t* block = w + I8DenseBlockIndex(j, 0, k);
    auto s0 = O::Zero(), t0 = O::Zero(), s1 = O::Zero(), t1 = O::Zero();
    auto s2 = O::Zero(), t2 = O::Zero(), s3 = O::Zero(), t3 = O::Zero();
    for (size_t p0 = 0; p0 < whole; p0 += kChunk, block += kBlockStep)
      for (size_t q = 0; q < kChunk; q += step) {
        const auto x = O::Load(a + p0 + q);
        s0 = O::Mac(x, O::Load(block + q), s0, t0);
        s1 = O::Mac(x, O::Load(block + kChunk + q), s1, t1);
        s2 = O::Mac(x, O::Load(block + 2 * kChunk + q), s2, t2);
        s3 = O::Mac(x, O::Load(block + 3 * kChunk + q), s3, t3);
      }
    int32_t dots[kDenseBlockChannels] = {O::Reduce(s0, t0), O::Reduce(s1, t1), O::Reduce(s2, t2), O::Reduce(s3, t3)};
    for (size_t p = whole; p < k; ++p)
      for (size_t r = 0; r < kDenseBlockChannels; ++r) dots[r] += int32_t(a[p]) * int32_t(block[r * kChunk + p - whole]);
    for (size_t r = 0; r < kDenseBlockChannels && j + r < n; ++r) c[j + r] = finish(j + r, dots[r]);
  }
}
}  // namespace rows
#endif

void I8DenseBlocks(size_t n, size_t k, const int8_t* a, const int8_t* w, const I8Requant& requant, int8_t* c) {
#ifdef MOTE_I8_DENSE_ROWS_VNNI
  rows::VnniDenseBlocks(n, k, a, w, requant, c);
#else
  rows::DenseBlocks(n, k, a, w, requant, c);
#endif
}
MOTE_SIMD_END
