#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    for (size_t ch = 0; ch < channels; ++ch) {
      float v = xr[ch];
      if (scale) v = v * scale[ch];
      if (shift) v = v + shift[ch];
      v = v < lo ? lo : v;
      yr[ch] = v > hi ? hi : v;
    }
  }
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
