// Per-channel sums, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-reduce-{hwy,xsimd}.cc after
// their adapter, once per target): one lane per channel, rows accumulated in
// row order (channel-rows-loop.h), so the result matches the scalar reference
// bit for bit (Mul and Add stay separate, no fused multiply-add). Channel
// counts that are not a multiple of the vector width, or below it, stay in
// vector code.
#include "src/kernels/channel-rows-loop.h"

MOTE_SIMD_BEGIN
namespace {

// s += x; t += x * x (with kSquares).
template <bool kSquares>
struct ChannelSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 0;
  static constexpr bool kOutput = false, kSecond = kSquares;
  MOTE_SIMD_INLINE simd::V First(simd::V x, simd::V /*b*/, simd::V /*p*/, simd::V /*q*/) const { return x; }
  MOTE_SIMD_INLINE simd::V Second(simd::V x, simd::V /*b*/, simd::V /*p*/, simd::V /*q*/) const {
    return simd::Mul(x, x);
  }
};

}  // namespace

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  if (sum_sq)
    channel_rows::ReduceChannelRows(ChannelSumsOp<true>{{x}}, rows, channels, sum, sum_sq);
  else
    channel_rows::ReduceChannelRows(ChannelSumsOp<false>{{x}}, rows, channels, sum, nullptr);
}

MOTE_SIMD_END
