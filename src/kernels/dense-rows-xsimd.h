// xsimd rows-against-weight-rows blocking shared by F32DenseRows and
// I8DenseRows (include after xsimd-arch.h). A block is R rows of A x 4 weight
// rows: per step R + 4 operand loads and R * 4 multiply-adds into
// accumulators. f32 uses fma. int8: xsimd 8 has no widening conversions, so a
// step loads the bytes as int16 lanes and splits them into sign-extended even
// and odd bytes (shifts); the pairwise int16 -> int32 multiply-add (x86 madd,
// NEON widening multiplies) then gives exact int32 sums (the pairing does not
// matter for a dot product). The last partial step reads zero-padded copies,
// so nothing past a row is read. Edge blocks repeat the last valid channel
// and drop those results; a short last block of rows runs a kernel
// instantiated for fewer rows. Internal linkage.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <type_traits>

#include "src/kernels/xsimd-arch.h"  // first: it silences GCC bug 105593 in the intrinsics headers

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

using I16 = xsimd::batch<int16_t, Arch>;
using I32 = xsimd::batch<int32_t, Arch>;

// Pairwise products of int16 lanes summed into int32 lanes:
// r[i] = a[2i] b[2i] + a[2i+1] b[2i+1] (NEON: some other fixed pairing).
// A template so that only the branch of this build's arch is instantiated.
template <class A>
xsimd::batch<int32_t, A> MulPairsAdd(const xsimd::batch<int16_t, A>& a, const xsimd::batch<int16_t, A>& b) {
  using R32 = xsimd::batch<int32_t, A>;
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of<xsimd::avx512bw, A>::value) return R32(_mm512_madd_epi16(a, b));
#endif
#if defined(__AVX2__)
  if constexpr (std::is_base_of<xsimd::avx2, A>::value) return R32(_mm256_madd_epi16(a, b));
#endif
#if defined(__SSE2__)
  if constexpr (std::is_base_of<xsimd::sse2, A>::value) return R32(_mm_madd_epi16(a, b));
#endif
#if defined(__aarch64__)
  if constexpr (std::is_base_of<xsimd::neon64, A>::value) {
    const int16x8_t va = a, vb = b;
    return R32(vpaddq_s32(vmull_s16(vget_low_s16(va), vget_low_s16(vb)), vmull_high_s16(va, vb)));
  }
#endif
  alignas(A::alignment()) int16_t x[I16::size], y[I16::size];
  alignas(A::alignment()) int32_t r[I32::size];
  a.store_aligned(x);
  b.store_aligned(y);
  for (size_t i = 0; i < I32::size; ++i) r[i] = int32_t(x[2 * i]) * y[2 * i] + int32_t(x[2 * i + 1]) * y[2 * i + 1];
  return R32::load_aligned(r);
}

// Element type -> accumulator, elements per step, operand load, multiply-add.
template <typename T>
struct RowsOps;
template <>
struct RowsOps<float> {
  using Acc = Batch;
  using Scalar = float;
  struct Operand {
    Batch v;
  };
  static constexpr size_t kStep = Batch::size;
  static Operand Load(const float* p) { return {Batch::load_unaligned(p)}; }
  static Acc Mac(const Operand& a, const Operand& b, const Acc& acc) { return xsimd::fma(a.v, b.v, acc); }
};
template <>
struct RowsOps<int8_t> {
  using Acc = I32;
  using Scalar = int32_t;
  struct Operand {
    I16 even, odd;
  };
  static constexpr size_t kStep = 2 * I16::size;
  static Operand Load(const int8_t* p) {
    const I16 v = xsimd::bitwise_cast<I16>(xsimd::batch<int8_t, Arch>::load_unaligned(p));
    return {(v << 8) >> 8, v >> 8};  // arithmetic shifts sign-extend
  }
  static Acc Mac(const Operand& a, const Operand& b, const Acc& acc) {
    return acc + MulPairsAdd(a.even, b.even) + MulPairsAdd(a.odd, b.odd);
  }
};

// Rows per block: 4 on 32-register ISAs, 2 on 16-register ones (SSE2, AVX2).
constexpr size_t kRowsBlock =
    std::is_base_of<xsimd::avx512f, Arch>::value || std::is_base_of<xsimd::neon64, Arch>::value ? 4 : 2;
constexpr size_t kChannelBlock = 4;

// out[r * 4 + c] = dot(a_rows[r], w_rows[c]) over k, for r < R.
template <typename T, size_t R>
void DotBlock(size_t k, const T* const* a_rows, const T* const* w_rows, typename RowsOps<T>::Scalar* out) {
  using O = RowsOps<T>;
  constexpr size_t C = kChannelBlock, step = O::kStep;
  typename O::Acc acc[R][C];
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < C; ++c) acc[r][c] = typename O::Acc(0);
  const T* ptr[R + C];
  for (size_t i = 0; i < R; ++i) ptr[i] = a_rows[i];
  for (size_t i = 0; i < C; ++i) ptr[R + i] = w_rows[i];
  alignas(Arch::alignment()) T tail[(R + C) * step];
  const size_t full = k - k % step;
  // Pass 0 walks the rows in place; pass 1 runs one step on zero-padded
  // copies of the last k % step elements.
  for (int pass = 0; pass < 2; ++pass) {
    size_t end = full;
    if (pass == 1) {
      if (full == k) break;
      for (size_t i = 0; i < R + C; ++i) {
        T* buf = tail + i * step;
        // Two plain loops (copy, zero) the compiler turns into block moves.
        for (size_t p = 0; p < k - full; ++p) buf[p] = ptr[i][full + p];
        for (size_t p = k - full; p < step; ++p) buf[p] = T(0);
        ptr[i] = buf;
      }
      end = step;
    }
    for (size_t p = 0; p < end; p += step) {
      typename O::Operand w[C];
      for (size_t c = 0; c < C; ++c) w[c] = O::Load(ptr[R + c] + p);
      for (size_t r = 0; r < R; ++r) {
        const typename O::Operand x = O::Load(ptr[r] + p);
        for (size_t c = 0; c < C; ++c) acc[r][c] = O::Mac(x, w[c], acc[r][c]);
      }
    }
  }
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < C; ++c) out[r * C + c] = xsimd::hadd(acc[r][c]);
}

// c[i * ldc + j] = finish(j, dot(a row i, w row j)) for i < m, j < n.
template <typename T, typename Out, typename Finish>
void DenseRowsBlocked(size_t m, size_t n, size_t k, const T* a, size_t lda, const T* w, size_t ldw, Finish finish,
                      Out* c, size_t ldc) {
  constexpr size_t R = kRowsBlock, C = kChannelBlock;
  typename RowsOps<T>::Scalar dots[R * C];
  for (size_t i = 0; i < m; i += R) {
    const size_t rows = m - i < R ? m - i : R;
    const T* a_rows[R];
    for (size_t r = 0; r < R; ++r) a_rows[r] = a + (i + (r < rows ? r : 0)) * lda;
    for (size_t j = 0; j < n; j += C) {
      const size_t cols = n - j < C ? n - j : C;
      const T* w_rows[C];
      for (size_t q = 0; q < C; ++q) w_rows[q] = w + (j + (q < cols ? q : cols - 1)) * ldw;
      // A short last block of rows (e.g. m = 1, a dense layer) runs a
      // shorter kernel instead of repeating rows.
      switch (rows) {
        case 1: DotBlock<T, 1>(k, a_rows, w_rows, dots); break;
        case 2: DotBlock<T, (R > 2 ? 2 : R)>(k, a_rows, w_rows, dots); break;
        case 3: DotBlock<T, (R > 3 ? 3 : R)>(k, a_rows, w_rows, dots); break;
        default: DotBlock<T, R>(k, a_rows, w_rows, dots); break;
      }
      for (size_t r = 0; r < rows; ++r)
        for (size_t q = 0; q < cols; ++q) c[(i + r) * ldc + j + q] = finish(j + q, dots[r * C + q]);
    }
  }
}

}  // namespace
}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
