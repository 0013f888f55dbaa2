// Shared by every backend's F32DenseRows and I8DenseRows: the per-output
// epilogues (so all backends finish a dot product identically; int8 through
// I8RequantizeOne, hence bit-identical results) and the scalar loop.
// Internal linkage: included by kernels.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"

namespace mote {
namespace kernels {
namespace {

// f32: bias (null: none), then clamp to [lo, hi].
struct F32BiasClamp {
  const float* bias;
  float lo, hi;
  float operator()(size_t j, float dot) const {
    const float v = bias ? dot + bias[j] : dot;
    return v < lo ? lo : (v > hi ? hi : v);
  }
};

// int8: bias, then requantization of channel j.
struct I8BiasRequantize {
  const I8Requant& rq;
  int8_t operator()(size_t j, int32_t dot) const {
    return int8_t(I8RequantizeOne(rq.bias[j] + dot, rq.multiplier[j], rq.shift[j], rq.out_zero_point, rq.out_min,
                                  rq.out_max));
  }
};

// I8DenseBlocks' reference: each channel's dot product in p order, a chunk
// of its block at a time (a loop compilers vectorize); only taps < k and
// channels < n are read, so the padding never counts.
inline void I8DenseBlocksReference(size_t n, size_t k, const int8_t* a, const int8_t* w, const I8Requant& requant,
                                   int8_t* c) {
  const I8BiasRequantize finish{requant};
  for (size_t j = 0; j < n; ++j) {
    const int8_t* row = w + I8DenseBlockIndex(j, 0, k);
    int32_t dot = 0;
    for (size_t p0 = 0; p0 < k; p0 += kDenseBlockChunk) {
      const int8_t* chunk = row + p0 * kDenseBlockChannels;
      const size_t len = k - p0 < kDenseBlockChunk ? k - p0 : kDenseBlockChunk;
      for (size_t t = 0; t < len; ++t) dot += int32_t(a[p0 + t]) * int32_t(chunk[t]);
    }
    c[j] = finish(j, dot);
  }
}

// Scalar loop: each row of `a` against 4 weight rows at a time (4 independent
// accumulators, few enough registers for a Cortex-M4), every dot product
// summed in p order; `finish(j, dot)` gives the output of channel j.
template <typename Acc, typename T, typename Out, typename Finish>
void DenseRowsScalar(size_t m, size_t n, size_t k, const T* a, size_t lda, const T* w, size_t ldw, Finish finish,
                     Out* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i) {
    const T* ai = a + i * lda;
    Out* ci = c + i * ldc;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const T* w0 = w + j * ldw;
      const T* w1 = w0 + ldw;
      const T* w2 = w1 + ldw;
      const T* w3 = w2 + ldw;
      Acc s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (size_t p = 0; p < k; ++p) {
        const Acc x = ai[p];
        s0 += x * Acc(w0[p]);
        s1 += x * Acc(w1[p]);
        s2 += x * Acc(w2[p]);
        s3 += x * Acc(w3[p]);
      }
      ci[j] = finish(j, s0);
      ci[j + 1] = finish(j + 1, s1);
      ci[j + 2] = finish(j + 2, s2);
      ci[j + 3] = finish(j + 3, s3);
    }
    for (; j < n; ++j) {
      const T* wj = w + j * ldw;
      Acc s = 0;
      for (size_t p = 0; p < k; ++p) s += Acc(ai[p]) * Acc(wj[p]);
      ci[j] = finish(j, s);
    }
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
