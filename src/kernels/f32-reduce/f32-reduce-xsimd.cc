// xsimd per-channel sums: one lane per channel, rows accumulated in row order
// (channel-rows-xsimd.h), so the result matches the scalar reference bit for
// bit (mul and add stay separate, no fma). Channel counts that are not a
// multiple of the vector width, or below it, stay in vector code.
#include "src/kernels/channel-rows-xsimd.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// s += x; t += x * x (with kSquares).
template <bool kSquares>
struct ChannelSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 0;
  static constexpr bool kOutput = false, kSecond = kSquares;
  Batch First(Batch x, Batch /*b*/, Batch /*p*/, Batch /*q*/) const { return x; }
  Batch Second(Batch x, Batch /*b*/, Batch /*p*/, Batch /*q*/) const { return x * x; }
};

}  // namespace

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  if (sum_sq)
    channel_rows::ReduceChannelRows(ChannelSumsOp<true>{{x}}, rows, channels, sum, sum_sq);
  else
    channel_rows::ReduceChannelRows(ChannelSumsOp<false>{{x}}, rows, channels, sum, nullptr);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
