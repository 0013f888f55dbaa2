// The MVE (Helium) DenseRows loop shared by F32DenseRows
// (f32-dense-rows/f32-dense-rows-mve.cc), I8DenseRows and I8ConvRows
// (i8-dense-rows/, i8-conv-rows/ -mve.cc). The dot products run along p, one
// vector of lanes at a time: 2 rows of `a` against 2 weight rows (4
// accumulators; MVE has only 8 vector registers), single rows (dense layers,
// odd m) against 4 weight rows, one load per row and per weight row. The last
// k % lanes steps load under a tail predicate: lanes past k read as 0 and add
// nothing.
//
// The blocks' loops are functions of their own in dense-rows-mve.cc, built at
// -O2 (src/meson.build): at -Os GCC indexes every load from the stack instead
// of post-incrementing its pointer and spills accumulators; the drivers here
// (with the requantization) stay at the build type's size. Only for targets
// with MVE.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mote {
namespace kernels {
namespace mve {

// What one output's dot product sums to: float, or an exact int32.
template <typename T>
struct SumOf {
  using type = float;
};
template <>
struct SumOf<int8_t> {
  using type = int32_t;
};
template <typename T>
using Sum = typename SumOf<T>::type;

// sums = a0 . w0, a0 . w1, a1 . w0, a1 . w1 over k.
void Block2x2(size_t k, const float* a0, const float* a1, const float* w0, const float* w1, float* sums);
void Block2x2(size_t k, const int8_t* a0, const int8_t* a1, const int8_t* w0, const int8_t* w1, int32_t* sums);
// sums = a0 . w0, ..., a0 . w3 over k, w_j = w0 + j * ldw; with rows == 1,
// only a0 . w0 (a single leftover weight row).
void Block1x4(size_t k, size_t rows, const float* a0, const float* w0, size_t ldw, float* sums);
void Block1x4(size_t k, size_t rows, const int8_t* a0, const int8_t* w0, size_t ldw, int32_t* sums);

namespace {

// c[i][j] = finish(j, a_i . w_j) for i < m, j < n.
template <typename T, typename Out, class Finish>
void DenseRows(size_t m, size_t n, size_t k, const T* a, size_t lda, const T* w, size_t ldw, Finish finish, Out* c,
               size_t ldc) {
  Sum<T> sums[4];
  size_t i = 0;
  for (; i + 2 <= m; i += 2) {
    const T* a0 = a + i * lda;
    Out* c0 = c + i * ldc;
    for (size_t j = 0; j < n; j += 2) {
      if (j + 2 <= n) {
        Block2x2(k, a0, a0 + lda, w + j * ldw, w + (j + 1) * ldw, sums);
      } else {  // the last weight row of an odd n
        Block1x4(k, 1, a0, w + j * ldw, ldw, sums + 1);
        Block1x4(k, 1, a0 + lda, w + j * ldw, ldw, sums + 2);
        c0[j] = finish(j, sums[1]);
        c0[ldc + j] = finish(j, sums[2]);
        break;
      }
      c0[j] = finish(j, sums[0]);
      c0[j + 1] = finish(j + 1, sums[1]);
      c0[ldc + j] = finish(j, sums[2]);
      c0[ldc + j + 1] = finish(j + 1, sums[3]);
    }
  }
  if (i < m) {
    const T* a0 = a + i * lda;
    Out* c0 = c + i * ldc;
    for (size_t j = 0; j < n; j += 4) {
      const size_t cols = n - j < 4 ? 1 : 4;
      Block1x4(k, cols, a0, w + j * ldw, ldw, sums);
      for (size_t jj = 0; jj < cols; ++jj) c0[j + jj] = finish(j + jj, sums[jj]);
      if (cols == 1) j -= 3;
    }
  }
}

}  // namespace
}  // namespace mve
}  // namespace kernels
}  // namespace mote
