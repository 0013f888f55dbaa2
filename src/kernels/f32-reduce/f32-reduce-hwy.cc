// Highway per-channel sums: vectorized across channels, so every channel is
// still summed over rows in row order and the result matches the scalar
// reference bit for bit (Mul and Add stay separate, no MulAdd). Blocks of four
// vectors share one pass over the rows to cut the strided re-reads.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-reduce/f32-reduce-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool kSquares>
HWY_INLINE void ReduceChannelSums(size_t rows, size_t channels, const float* x, float* sum,
                                  float* sum_sq) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t ch = 0;
  for (; ch + 4 * N <= channels; ch += 4 * N) {
    auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
    auto q0 = hn::Zero(d), q1 = hn::Zero(d), q2 = hn::Zero(d), q3 = hn::Zero(d);
    for (size_t r = 0; r < rows; ++r) {
      const float* xr = x + r * channels + ch;
      const auto v0 = hn::LoadU(d, xr), v1 = hn::LoadU(d, xr + N);
      const auto v2 = hn::LoadU(d, xr + 2 * N), v3 = hn::LoadU(d, xr + 3 * N);
      s0 = hn::Add(s0, v0);
      s1 = hn::Add(s1, v1);
      s2 = hn::Add(s2, v2);
      s3 = hn::Add(s3, v3);
      if (kSquares) {
        q0 = hn::Add(q0, hn::Mul(v0, v0));
        q1 = hn::Add(q1, hn::Mul(v1, v1));
        q2 = hn::Add(q2, hn::Mul(v2, v2));
        q3 = hn::Add(q3, hn::Mul(v3, v3));
      }
    }
    hn::StoreU(s0, d, sum + ch);
    hn::StoreU(s1, d, sum + ch + N);
    hn::StoreU(s2, d, sum + ch + 2 * N);
    hn::StoreU(s3, d, sum + ch + 3 * N);
    if (kSquares) {
      hn::StoreU(q0, d, sum_sq + ch);
      hn::StoreU(q1, d, sum_sq + ch + N);
      hn::StoreU(q2, d, sum_sq + ch + 2 * N);
      hn::StoreU(q3, d, sum_sq + ch + 3 * N);
    }
  }
  for (; ch + N <= channels; ch += N) {
    auto s = hn::Zero(d), q = hn::Zero(d);
    for (size_t r = 0; r < rows; ++r) {
      const auto v = hn::LoadU(d, x + r * channels + ch);
      s = hn::Add(s, v);
      if (kSquares) q = hn::Add(q, hn::Mul(v, v));
    }
    hn::StoreU(s, d, sum + ch);
    if (kSquares) hn::StoreU(q, d, sum_sq + ch);
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

void ReduceChannelSumsImpl(size_t rows, size_t channels, const float* x, float* sum,
                           float* sum_sq) {
  if (sum_sq)
    ReduceChannelSums<true>(rows, channels, x, sum, sum_sq);
  else
    ReduceChannelSums<false>(rows, channels, x, sum, sum_sq);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(ReduceChannelSumsImpl);

namespace hwy_backend {
void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  HWY_DYNAMIC_DISPATCH(ReduceChannelSumsImpl)(rows, channels, x, sum, sum_sq);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
