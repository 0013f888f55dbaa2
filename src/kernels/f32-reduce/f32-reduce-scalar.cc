#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  for (size_t ch = 0; ch < channels; ++ch) {
    sum[ch] = 0.0f;
    if (sum_sq) sum_sq[ch] = 0.0f;
  }
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    for (size_t ch = 0; ch < channels; ++ch) sum[ch] += xr[ch];
    if (sum_sq)
      for (size_t ch = 0; ch < channels; ++ch) sum_sq[ch] += xr[ch] * xr[ch];
  }
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
