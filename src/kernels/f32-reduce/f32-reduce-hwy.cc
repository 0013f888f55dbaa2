// Highway per-channel sums: one lane per channel, rows accumulated in row
// order (channel-rows-hwy-inl.h), so the result matches the scalar reference
// bit for bit (Mul and Add stay separate, no MulAdd). Channel counts that are
// not a multiple of the vector width, or below it, stay in vector code.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-reduce/f32-reduce-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "src/kernels/channel-rows-hwy-inl.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// s += x; t += x * x (with kSquares).
template <bool kSquares>
struct ChannelSumsOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = 0;
  static constexpr bool kOutput = false, kSecond = kSquares;
  template <class D, class V>
  HWY_INLINE V First(D /*d*/, V x, V /*b*/, V /*p*/, V /*q*/) const {
    return x;
  }
  template <class D, class V>
  HWY_INLINE V Second(D /*d*/, V x, V /*b*/, V /*p*/, V /*q*/) const {
    return hn::Mul(x, x);
  }
};

void ReduceChannelSumsImpl(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  if (sum_sq)
    channel_rows::ReduceChannelRows(ChannelSumsOp<true>{{x}}, rows, channels, sum, sum_sq);
  else
    channel_rows::ReduceChannelRows(ChannelSumsOp<false>{{x}}, rows, channels, sum, nullptr);
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
