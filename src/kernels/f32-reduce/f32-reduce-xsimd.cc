// xsimd per-channel sums: vectorized across channels, so every channel is
// still summed over rows in row order and the result matches the scalar
// reference bit for bit (mul and add stay separate, no fma). Blocks of four
// batches share one pass over the rows to cut the strided re-reads.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

template <bool kSquares>
void ReduceChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  constexpr size_t N = kLanes;
  size_t ch = 0;
  for (; ch + 4 * N <= channels; ch += 4 * N) {
    Batch s0(0.0f), s1(0.0f), s2(0.0f), s3(0.0f);
    Batch q0(0.0f), q1(0.0f), q2(0.0f), q3(0.0f);
    for (size_t r = 0; r < rows; ++r) {
      const float* xr = x + r * channels + ch;
      const Batch v0 = Batch::load_unaligned(xr), v1 = Batch::load_unaligned(xr + N);
      const Batch v2 = Batch::load_unaligned(xr + 2 * N), v3 = Batch::load_unaligned(xr + 3 * N);
      s0 += v0;
      s1 += v1;
      s2 += v2;
      s3 += v3;
      if (kSquares) {
        q0 += v0 * v0;
        q1 += v1 * v1;
        q2 += v2 * v2;
        q3 += v3 * v3;
      }
    }
    s0.store_unaligned(sum + ch);
    s1.store_unaligned(sum + ch + N);
    s2.store_unaligned(sum + ch + 2 * N);
    s3.store_unaligned(sum + ch + 3 * N);
    if (kSquares) {
      q0.store_unaligned(sum_sq + ch);
      q1.store_unaligned(sum_sq + ch + N);
      q2.store_unaligned(sum_sq + ch + 2 * N);
      q3.store_unaligned(sum_sq + ch + 3 * N);
    }
  }
  for (; ch + N <= channels; ch += N) {
    Batch s(0.0f), q(0.0f);
    for (size_t r = 0; r < rows; ++r) {
      const Batch v = Batch::load_unaligned(x + r * channels + ch);
      s += v;
      if (kSquares) q += v * v;
    }
    s.store_unaligned(sum + ch);
    if (kSquares) q.store_unaligned(sum_sq + ch);
  }
  for (; ch < channels; ++ch) {
    float s = 0.0f, q = 0.0f;
    for (size_t r = 0; r < rows; ++r) {
      const float v = x[r * channels + ch];
      s += v;
      if (kSquares) q += v * v;
    }
    sum[ch] = s;
    if (kSquares) sum_sq[ch] = q;
  }
}

}  // namespace

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  if (sum_sq)
    ReduceChannelSums<true>(rows, channels, x, sum, sum_sq);
  else
    ReduceChannelSums<false>(rows, channels, x, sum, sum_sq);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
