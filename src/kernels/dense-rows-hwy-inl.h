// Highway rows-against-weight-rows blocking shared by F32DenseRows and
// I8DenseRows (included once per target by their -hwy.cc files, after
// highway.h). A block is R rows of A x 4 weight rows; per step it loads R + 4
// vectors and does R * 4 multiply-adds into named accumulators (SVE vectors
// are sizeless: no arrays). f32 uses MulAdd; int8 promotes to int16 and uses
// ReorderWidenMulAccumulate (x86 madd, NEON/SVE widening multiply-add) into
// exact int32 sums. The last partial step reads zero-padded copies, so nothing
// past a row is read. Edge blocks repeat the last valid channel and drop
// those results; a short last block of rows runs a kernel instantiated for
// fewer rows.

// Per-target include guard (Highway's convention for -inl headers).
#if defined(MOTE_DENSE_ROWS_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_DENSE_ROWS_HWY_INL_H_
#undef MOTE_DENSE_ROWS_HWY_INL_H_
#else
#define MOTE_DENSE_ROWS_HWY_INL_H_
#endif

#include <stddef.h>
#include <stdint.h>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace rows {
namespace hn = hwy::HWY_NAMESPACE;

using DF32 = hn::ScalableTag<float>;
using DI32 = hn::ScalableTag<int32_t>;
#if HWY_TARGET == HWY_SCALAR
using DI16 = hn::Rebind<int16_t, DI32>;  // one lane: Vec1 has no pairs
#else
using DI16 = hn::Repartition<int16_t, DI32>;
#endif
using DI8 = hn::Rebind<int8_t, DI16>;

// Element type -> accumulator tag, elements per step, operand load and
// multiply-add (sum1 is the second accumulator ReorderWidenMulAccumulate may
// use; the result is sum0 + sum1).
template <typename T>
struct Ops;
template <>
struct Ops<float> {
  using DAcc = DF32;
  using Acc = float;
  static size_t Step() { return hn::Lanes(DF32()); }
  static HWY_INLINE hn::Vec<DF32> Load(const float* p) { return hn::LoadU(DF32(), p); }
  static HWY_INLINE hn::Vec<DF32> Mac(hn::Vec<DF32> a, hn::Vec<DF32> b, hn::Vec<DF32> sum0, hn::Vec<DF32>&) {
    return hn::MulAdd(a, b, sum0);
  }
};
template <>
struct Ops<int8_t> {
  using DAcc = DI32;
  using Acc = int32_t;
  static size_t Step() { return hn::Lanes(DI16()); }
  static HWY_INLINE hn::Vec<DI16> Load(const int8_t* p) { return hn::PromoteTo(DI16(), hn::LoadU(DI8(), p)); }
  static HWY_INLINE hn::Vec<DI32> Mac(hn::Vec<DI16> a, hn::Vec<DI16> b, hn::Vec<DI32> sum0, hn::Vec<DI32>& sum1) {
    return hn::ReorderWidenMulAccumulate(DI32(), a, b, sum0, sum1);
  }
};

// Rows per block: 4 where 32 vector registers hold the 16 accumulators (and
// int8's second accumulators are free, i.e. on x86), else 2.
template <typename T>
constexpr size_t RowBlock() {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return 4;
#elif HWY_ARCH_ARM
  return sizeof(T) == 4 ? 4 : 2;
#else
  return 2;
#endif
}
constexpr size_t kChannelBlock = 4;

#define MOTE_ROWS_R(X, c) X(0, c) X(1, c) X(2, c) X(3, c)
#define MOTE_ROWS_RC(X) MOTE_ROWS_R(X, 0) MOTE_ROWS_R(X, 1) MOTE_ROWS_R(X, 2) MOTE_ROWS_R(X, 3)

// out[r * 4 + c] = dot(a_rows[r], w_rows[c]) over k, for r < R.
template <typename T, size_t R>
HWY_NOINLINE void DotBlock(size_t k, const T* const* a_rows, const T* const* w_rows,
                           typename Ops<T>::Acc* out) {
  using O = Ops<T>;
  const typename O::DAcc d;
  const size_t step = O::Step();
#define MOTE_ROWS_DECLARE(r, c)   \
  auto acc##r##c = hn::Zero(d);   \
  auto acc1_##r##c = hn::Zero(d);
  MOTE_ROWS_RC(MOTE_ROWS_DECLARE)
#undef MOTE_ROWS_DECLARE
  // Pass 0 walks the rows in place; pass 1 runs one step on zero-padded
  // copies of the last k % step elements.
  HWY_ALIGN T tail[(4 + kChannelBlock) * HWY_MAX_BYTES / sizeof(T)];
  const T* a[4] = {a_rows[0], a_rows[R > 1 ? 1 : 0], a_rows[R > 2 ? 2 : 0], a_rows[R > 3 ? 3 : 0]};
  const T* w[kChannelBlock] = {w_rows[0], w_rows[1], w_rows[2], w_rows[3]};
  const size_t full = k - k % step;
  for (int pass = 0; pass < 2; ++pass) {
    size_t end = full;
    if (pass == 1) {
      if (full == k) break;
      const size_t rest = k - full;
      T* buf = tail;
      for (size_t i = 0; i < 4 + kChannelBlock; ++i, buf += step) {
        if (i < 4 && i >= R) continue;
        const T*& src = i < 4 ? a[i] : w[i - 4];
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
      MOTE_ROWS_ROW(0) MOTE_ROWS_ROW(1) MOTE_ROWS_ROW(2) MOTE_ROWS_ROW(3)
#undef MOTE_ROWS_ROW
#undef MOTE_ROWS_MAC
    }
  }
#define MOTE_ROWS_STORE(r, c) \
  if (R > r) out[r * kChannelBlock + c] = hn::GetLane(hn::SumOfLanes(d, hn::Add(acc##r##c, acc1_##r##c)));
  MOTE_ROWS_RC(MOTE_ROWS_STORE)
#undef MOTE_ROWS_STORE
}
#undef MOTE_ROWS_RC
#undef MOTE_ROWS_R

// c[i * ldc + j] = finish(j, dot(a row i, w row j)) for i < m, j < n.
template <typename T, typename Out, typename Finish>
void DenseRows(size_t m, size_t n, size_t k, const T* a, size_t lda, const T* w, size_t ldw, Finish finish,
               Out* c, size_t ldc) {
  constexpr size_t R = RowBlock<T>();
  typename Ops<T>::Acc dots[R * kChannelBlock];
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
        default: DotBlock<T, R>(k, a_rows, w_rows, dots); break;
      }
      for (size_t r = 0; r < rows; ++r)
        for (size_t q = 0; q < cols; ++q) c[(i + r) * ldc + j + q] = finish(j + q, dots[r * kChannelBlock + q]);
    }
  }
}

}  // namespace rows
}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#endif  // MOTE_DENSE_ROWS_HWY_INL_H_
