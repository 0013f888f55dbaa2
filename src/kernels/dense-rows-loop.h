// Rows-against-weight-rows blocking shared by F32DenseRows and I8DenseRows,
// written once for both SIMD backends (included by their -loop.h files once
// per target, no include guard). A block is R rows of A x 4 weight rows; per
// step it loads R + 4 operands and does R * 4 multiply-adds into named
// accumulators (SVE vectors are sizeless: no arrays). The element type's
// operations are the backend's, the ISA detail of this kernel:
// dense-rows-hwy-inl.h and dense-rows-xsimd.h define RowsOps<T> (Acc: the
// scalar sum type; kMaxStep; Step(); Load(p): one step's operand; Zero();
// Mac(x, w, acc, acc1): acc plus x * w, with a second accumulator acc1 the
// backend may use; Reduce(acc, acc1): the scalar sum; kReduce4 and
// Reduce4(a, b, c, d, out): a row's 4 sums at once, where the backend has a
// faster way) and RowBlock<T>(). f32
// is a fused multiply-add, int8 exact int32 sums. The last partial step reads
// zero-padded copies (or, where the backend defines MOTE_ROWS_MASKED_TAIL,
// native masked loads), so nothing past a row is read. Edge blocks repeat the
// last valid channel and drop those results; a short last block of rows runs
// a kernel instantiated for fewer rows.
#include <stddef.h>

MOTE_SIMD_BEGIN
namespace rows {

constexpr size_t kChannelBlock = 4;
constexpr size_t kMaxRowBlock = 6;  // RowBlock<T>() of any backend is at most this

#define MOTE_ROWS_R(X, c) X(0, c) X(1, c) X(2, c) X(3, c) X(4, c) X(5, c)
#define MOTE_ROWS_RC(X) MOTE_ROWS_R(X, 0) MOTE_ROWS_R(X, 1) MOTE_ROWS_R(X, 2) MOTE_ROWS_R(X, 3)

// out[r * 4 + c] = dot(a_rows[r], w_rows[c]) over k, for r < R.
template <typename T, size_t R>
MOTE_ROWS_BLOCK_ATTR void DotBlock(size_t k, const T* const* a_rows, const T* const* w_rows,
                                 typename RowsOps<T>::Acc* out) {
  using O = RowsOps<T>;
  const size_t step = O::Step();
#define MOTE_ROWS_DECLARE(r, c) \
  auto acc##r##c = O::Zero();   \
  auto acc1_##r##c = O::Zero();
  MOTE_ROWS_RC(MOTE_ROWS_DECLARE)
#undef MOTE_ROWS_DECLARE
  // Pass 0 walks the rows in place; pass 1 runs one step on zero-padded
  // copies of the last k % step elements.
  static_assert(R <= kMaxRowBlock, "row block too tall");
  alignas(64) T tail[(kMaxRowBlock + kChannelBlock) * O::kMaxStep];
  const T* a[kMaxRowBlock] = {a_rows[0],           a_rows[R > 1 ? 1 : 0], a_rows[R > 2 ? 2 : 0],
                              a_rows[R > 3 ? 3 : 0], a_rows[R > 4 ? 4 : 0], a_rows[R > 5 ? 5 : 0]};
  const T* w[kChannelBlock] = {w_rows[0], w_rows[1], w_rows[2], w_rows[3]};
  const size_t full = k - k % step;
  for (int pass = 0; pass < 2; ++pass) {
    size_t end = full;
#if MOTE_ROWS_MASKED_TAIL
    if (pass == 1) {
      if (full == k) break;
      const size_t rest = k - full;
      const auto w0 = O::LoadTail(w[0] + full, rest);
      const auto w1 = O::LoadTail(w[1] + full, rest);
      const auto w2 = O::LoadTail(w[2] + full, rest);
      const auto w3 = O::LoadTail(w[3] + full, rest);
#define MOTE_ROWS_MAC(r, c) acc##r##c = O::Mac(x##r, w##c, acc##r##c, acc1_##r##c);
#define MOTE_ROWS_ROW(r)                         \
  if (R > r) {                                   \
    const auto x##r = O::LoadTail(a[r] + full, rest); \
    MOTE_ROWS_MAC(r, 0) MOTE_ROWS_MAC(r, 1) MOTE_ROWS_MAC(r, 2) MOTE_ROWS_MAC(r, 3) \
  }
      MOTE_ROWS_ROW(0) MOTE_ROWS_ROW(1) MOTE_ROWS_ROW(2) MOTE_ROWS_ROW(3) MOTE_ROWS_ROW(4) MOTE_ROWS_ROW(5)
#undef MOTE_ROWS_ROW
#undef MOTE_ROWS_MAC
      break;
    }
#endif
    if (pass == 1) {
      if (full == k) break;
      const size_t rest = k - full;
      T* buf = tail;
      for (size_t i = 0; i < kMaxRowBlock + kChannelBlock; ++i, buf += step) {
        if (i < kMaxRowBlock && i >= R) continue;
        const T*& src = i < kMaxRowBlock ? a[i] : w[i - kMaxRowBlock];
        // Two plain loops (copy, zero) the compiler turns into block moves.
        for (size_t p = 0; p < rest; ++p) buf[p] = src[full + p];
        for (size_t p = rest; p < step; ++p) buf[p] = T(0);
        src = buf;
      }
      end = step;
    }
    for (size_t p = 0; p < end; p += step) {
      const auto w0 = O::Load(w[0] + p);
      const auto w1 = O::Load(w[1] + p);
      const auto w2 = O::Load(w[2] + p);
      const auto w3 = O::Load(w[3] + p);
#define MOTE_ROWS_MAC(r, c) acc##r##c = O::Mac(x##r, w##c, acc##r##c, acc1_##r##c);
#define MOTE_ROWS_ROW(r)                         \
  if (R > r) {                                   \
    const auto x##r = O::Load(a[r] + p);         \
    MOTE_ROWS_MAC(r, 0) MOTE_ROWS_MAC(r, 1) MOTE_ROWS_MAC(r, 2) MOTE_ROWS_MAC(r, 3) \
  }
      MOTE_ROWS_ROW(0) MOTE_ROWS_ROW(1) MOTE_ROWS_ROW(2) MOTE_ROWS_ROW(3) MOTE_ROWS_ROW(4) MOTE_ROWS_ROW(5)
#undef MOTE_ROWS_ROW
#undef MOTE_ROWS_MAC
    }
  }
  if constexpr (O::kReduce4) {  // a row's 4 sums at once (f32: acc1 is unused)
#define MOTE_ROWS_STORE4(r) \
  if (R > r) O::Reduce4(acc##r##0, acc##r##1, acc##r##2, acc##r##3, out + r * kChannelBlock);
    MOTE_ROWS_STORE4(0) MOTE_ROWS_STORE4(1) MOTE_ROWS_STORE4(2) MOTE_ROWS_STORE4(3) MOTE_ROWS_STORE4(4)
    MOTE_ROWS_STORE4(5)
#undef MOTE_ROWS_STORE4
  } else {
#define MOTE_ROWS_STORE(r, c) \
  if (R > r) out[r * kChannelBlock + c] = O::Reduce(acc##r##c, acc1_##r##c);
    MOTE_ROWS_RC(MOTE_ROWS_STORE)
#undef MOTE_ROWS_STORE
  }
}
#undef MOTE_ROWS_RC
#undef MOTE_ROWS_R

// c[i * ldc + j] = finish(j, dot(a row i, w row j)) for i < m, j < n.
template <typename T, typename Out, typename Finish>
void DenseRows(size_t m, size_t n, size_t k, const T* a, size_t lda, const T* w, size_t ldw, Finish finish,
               Out* c, size_t ldc) {
  constexpr size_t R = RowBlock<T>();
  typename RowsOps<T>::Acc dots[R * kChannelBlock];
  for (size_t i = 0; i < m; i += R) {
    const size_t rows = m - i < R ? m - i : R;
    const T* a_rows[R];
    for (size_t r = 0; r < R; ++r) a_rows[r] = a + (i + (r < rows ? r : 0)) * lda;
    for (size_t j = 0; j < n; j += kChannelBlock) {
      const size_t cols = n - j < kChannelBlock ? n - j : kChannelBlock;
      const T* w_rows[kChannelBlock];
      for (size_t q = 0; q < kChannelBlock; ++q) w_rows[q] = w + (j + (q < cols ? q : cols - 1)) * ldw;
      // A short last block of rows (e.g. m = 1, a dense layer) runs a
      // shorter kernel instead of repeating rows.
      switch (rows) {
        case 1: DotBlock<T, 1>(k, a_rows, w_rows, dots); break;
        case 2: DotBlock<T, (R > 2 ? 2 : R)>(k, a_rows, w_rows, dots); break;
        case 3: DotBlock<T, (R > 3 ? 3 : R)>(k, a_rows, w_rows, dots); break;
        case 4: DotBlock<T, (R > 4 ? 4 : R)>(k, a_rows, w_rows, dots); break;
        case 5: DotBlock<T, (R > 5 ? 5 : R)>(k, a_rows, w_rows, dots); break;
        default: DotBlock<T, R>(k, a_rows, w_rows, dots); break;
      }
      for (size_t r = 0; r < rows; ++r)
        for (size_t q = 0; q < cols; ++q) c[(i + r) * ldc + j + q] = finish(j + q, dots[r * kChannelBlock + q]);
    }
  }
}

}  // namespace rows
MOTE_SIMD_END
